package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailbridge watch --then move:...} in a child JVM killed with SIGKILL at random points, 20+
 * times, while a producer appends messages. Afterwards one more run drains the folder. Every
 * message must be delivered at least once, re-delivered at most within the one batch in flight per
 * kill, and end in the target folder.
 */
@RealServer
class WatchCrashIT {
  private static final int MESSAGES = 120;
  private static final int KILLS = 22;
  private static final int BATCH = 4;

  @TempDir
  Path dir;

  @Test
  void sigkillAtRandomPointsLosesNothingAndRepeatsAtMostTheBatchInFlight(MailStack stack) throws Exception {
    String src = "lst-crash";
    String done = "lst-crash-done";
    stack.resetFolder(stack.carol(), src);
    stack.resetFolder(stack.carol(), done);
    WatchProcess w = new WatchProcess(stack, dir);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    AtomicInteger produced = new AtomicInteger();
    Thread producer = new Thread(() -> {
      Random r = new Random(seed + 1);
      while (produced.get() < MESSAGES) {
        int n = Math.min(MESSAGES - produced.get(), 1 + r.nextInt(4));
        List<byte[]> msgs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int id = produced.incrementAndGet();
          msgs.add(WatchProcess.message("crash " + id, "<crash-" + id + "@lst.test>"));
        }
        w.append(src, msgs);
        sleep(100 + r.nextInt(300));
      }
    }, "producer");
    producer.start();

    List<Path> runs = new ArrayList<>();
    for (int k = 0; k < KILLS; k++) {
      Path out = dir.resolve("run-" + k + ".jsonl");
      runs.add(out);
      Process p = w.start(dir.resolve("run-" + k + ".stdout"), args(src, done, out));
      // JVM start + login take ~1 s: kills land during start-up, pending post-actions, delivery and IDLE.
      sleep(400 + random.nextInt(1800));
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no goodbye
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    producer.join(60_000);
    assertThat(produced.get()).isEqualTo(MESSAGES);

    Path drain = dir.resolve("run-drain.jsonl");
    runs.add(drain);
    Process p = w.start(dir.resolve("run-drain.stdout"), args(src, done, drain));
    try {
      Await.until("all moved", Duration.ofSeconds(60), () -> stack.messageCount(stack.carol(), done) == MESSAGES
          && stack.messageCount(stack.carol(), src) == 0);
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }

    Set<String> seen = new HashSet<>();
    Map<String, Integer> times = new HashMap<>();
    int total = 0;
    int maxRepeatedInOneRun = 0;
    int runsWithRepeats = 0;
    List<Integer> perRun = new ArrayList<>();
    for (Path run : runs) {
      perRun.add(WatchProcess.lines(run).size());
      int repeated = 0;
      for (JsonNode l : WatchProcess.lines(run)) {
        String id = l.path("messageId").asText();
        times.merge(id, 1, Integer::sum);
        total++;
        if (!seen.add(id)) {
          repeated++;
        }
      }
      maxRepeatedInOneRun = Math.max(maxRepeatedInOneRun, repeated);
      runsWithRepeats += repeated > 0 ? 1 : 0;
    }
    System.out.printf("listen crash test: seed=%d kills=%d messages=%d deliveries=%d duplicates=%d "
        + "runsWithDuplicates=%d maxDuplicatesInOneRun=%d (batch %d)%n", seed, KILLS, MESSAGES, total,
        total - seen.size(), runsWithRepeats, maxRepeatedInOneRun, BATCH);
    System.out.println("listen crash test: deliveries per run " + perRun);
    for (int i = 1; i <= MESSAGES; i++) {
      assertThat(times).as("delivered at least once").containsKey("<crash-" + i + "@lst.test>");
    }
    // A run re-delivers only the batch the previous run was killed in.
    assertThat(maxRepeatedInOneRun).isLessThanOrEqualTo(BATCH);
    assertThat(total - seen.size()).isLessThanOrEqualTo(KILLS * BATCH);
    assertThat(stack.messageCount(stack.carol(), done)).isEqualTo(MESSAGES);
    assertThat(stack.messageCount(stack.carol(), src)).isZero();
  }

  /**
   * The handler is {@code --exec} with a short sleep, so a batch takes a while and kills often land
   * inside one (between hand-over, watermark save and move). Each run appends to its own file.
   */
  private static String[] args(String src, String done, Path log) {
    return new String[] {"--folder", src, "--start", "all", "--then", "move:" + done, "--batch",
        Integer.toString(BATCH), "--no-body", "--exec", "sleep 0.05; cat >> '" + log + "'"};
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
