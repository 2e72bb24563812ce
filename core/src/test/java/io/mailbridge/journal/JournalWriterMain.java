package io.mailbridge.journal;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A separate process appending to a journal: {@code FILE TAG COUNT PER_TRANSACTION [MAX_RECORDS [uncommitted]]};
 * with {@code uncommitted} each record goes into the open transaction on its own
 * ({@link Journal#appendUncommitted}) and every {@code PER_TRANSACTION} records are committed.
 */
public final class JournalWriterMain {
  public static void main(String[] args) {
    int count = Integer.parseInt(args[2]);
    int per = Integer.parseInt(args[3]);
    Journal.Retention retention = args.length > 4
        ? new Journal.Retention(Journal.Retention.defaults().maxAge(), Long.parseLong(args[4]))
        : Journal.Retention.defaults();
    boolean uncommitted = args.length > 5 && args[5].equals("uncommitted");
    try (Journal j = Journal.open(Path.of(args[0]), retention)) {
      for (int i = 0; i < count; i += per) {
        List<JournalRecord> batch = new ArrayList<>();
        for (int k = i; k < i + per; k++) {
          batch.add(new JournalRecord(Instant.now(), "receive", "received", Map.of("subject", args[1] + "-" + k),
              Optional.empty(), List.of(), Optional.empty(), Optional.empty()));
        }
        if (uncommitted) {
          for (JournalRecord r : batch) {
            j.appendUncommitted(List.of(r));
          }
          j.commit();
        } else {
          j.append(batch);
        }
      }
    }
  }

  static Process start(Path file, String tag, int count, int per) throws Exception {
    return start(file, tag, count, per, Journal.Retention.defaults().maxRecords());
  }

  static Process start(Path file, String tag, int count, int per, long maxRecords) throws Exception {
    return start(file, tag, count, per, maxRecords, "append");
  }

  static Process start(Path file, String tag, int count, int per, long maxRecords, String mode) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JournalWriterMain.class.getName(),
        file.toString(), tag, String.valueOf(count), String.valueOf(per), String.valueOf(maxRecords), mode)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(new File(file + "." + tag + ".err")).start();
  }
}
