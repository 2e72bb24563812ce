package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several folders of one account on one connection to the real Dovecot, which offers NOTIFY
 * (RFC 5465): the connection asks to be told of new mail in its folders and idles; while nothing
 * arrives it sends nothing, and new mail in one folder is handed over after a look at that folder
 * alone. Where the server refuses NOTIFY the folders are polled by STATUS instead. What the client
 * sent is read through a proxy on Dovecot's plain IMAP port (loopback, where Dovecot allows a
 * plaintext login).
 */
@RealServer
class ListenerNotifyIT {
  private static final int FOLDERS = 6;
  private static final Pattern COMMAND = Pattern.compile("^\\S+ (SELECT|EXAMINE|STATUS|NOTIFY|IDLE)\\b ?\"?([^\"\\s]*)",
      Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  @TempDir
  Path dir;

  @Test
  void quietFoldersCostNothingWhileIdlingAndNewMailInOneIsLookedForThereAlone(MailStack stack) throws Exception {
    MailStack.User u = stack.bob();
    String[] folders = folders(stack, u, "notify-");
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      Lst.Sink sink = new Lst.Sink();
      // A poll interval far beyond the test too: only news makes the connection look.
      try (Listener listener = listener(stack, u, proxy, folders, sink, Duration.ofMinutes(5))) {
        listener.start();
        Await.until("the first message of every folder", Duration.ofSeconds(30), () -> sink.docs.size() >= FOLDERS);
        Await.until("the connection idling", Duration.ofSeconds(30),
            () -> commands(proxy.clientSent()).stream().anyMatch(c -> c.startsWith("IDLE")));
        int from = proxy.clientSent().length();
        // A window in which a watcher that polls would have looked at every folder several times.
        Thread.sleep(1_500);
        assertThat(commands(proxy.clientSent().substring(from))).as("commands sent while nothing arrived").isEmpty();

        ListenerFleetIT.append(stack, u, folders[3], 2, 2);
        Await.until("the message in one of the quiet folders", Duration.ofSeconds(30),
            () -> sink.subjects.contains(ListenerFleetIT.subject(u, folders[3], 2)));
        Await.until("the connection idling again", Duration.ofSeconds(30),
            () -> commands(proxy.clientSent().substring(from)).stream().anyMatch(c -> c.startsWith("IDLE")));
        assertThat(listener.stop(Duration.ofSeconds(10))).isTrue();
        List<String> after = commands(proxy.clientSent().substring(from));
        assertThat(after).as("commands for the new message").filteredOn(c -> !c.startsWith("IDLE"))
            .allMatch(c -> c.endsWith(" " + folders[3]), "name " + folders[3])
            .anyMatch(c -> c.startsWith("SELECT") || c.startsWith("EXAMINE"));
      }
      List<String> all = commands(proxy.clientSent());
      assertThat(all).as("NOTIFY commands").filteredOn(c -> c.startsWith("NOTIFY")).hasSize(1);
      assertThat(sink.subjects).hasSize(FOLDERS + 1).doesNotHaveDuplicates();
      assertThat(proxy.connections()).as("connections opened").isEqualTo(1);
    }
  }

  @Test
  void foldersArePolledByStatusWhereTheServerRefusesNotify(MailStack stack) throws Exception {
    MailStack.User u = stack.carol();
    String[] folders = folders(stack, u, "notify-refused-");
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      proxy.interceptClientLines(line -> {
        Matcher m = Pattern.compile("^(\\S+) NOTIFY ", Pattern.CASE_INSENSITIVE).matcher(line);
        return m.find() ? m.group(1) + " NO NOTIFY is switched off here\r\n" : null;
      });
      Lst.Sink sink = new Lst.Sink();
      try (Listener listener = listener(stack, u, proxy, folders, sink, Duration.ofMillis(100))) {
        listener.start();
        Await.until("the first message of every folder", Duration.ofSeconds(30), () -> sink.docs.size() >= FOLDERS);
        ListenerFleetIT.append(stack, u, folders[1], 2, 2);
        Await.until("the message that arrived later", Duration.ofSeconds(30),
            () -> sink.subjects.contains(ListenerFleetIT.subject(u, folders[1], 2)));
        int from = proxy.clientSent().length();
        Await.until("two rounds of STATUS", Duration.ofSeconds(30),
            () -> commands(proxy.clientSent().substring(from)).stream().filter(c -> c.startsWith("STATUS")).count()
                >= 2 * FOLDERS);
        assertThat(listener.stop(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(commands(proxy.clientSent())).as("IDLE commands").noneMatch(c -> c.startsWith("IDLE"));
      assertThat(sink.subjects).hasSize(FOLDERS + 1).doesNotHaveDuplicates();
      assertThat(proxy.connections()).as("connections opened").isEqualTo(1);
    }
  }

  @Test
  void mailTheServerDoesNotAnnounceIsFoundWithinThePollIntervalAndNotifyIsSetAgain(MailStack stack)
      throws Exception {
    MailStack.User u = stack.alice();
    String[] folders = folders(stack, u, "notify-silent-");
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      // Dovecot's notifications carry UNSEEN, the watcher's own STATUS does not ask for it: the
      // proxy drops the notifications alone, as a server whose NOTIFY watch went stale.
      proxy.rewriteServerLines(line -> line.startsWith("* STATUS ") && line.contains("UNSEEN") ? null : line);
      Lst.Sink sink = new Lst.Sink();
      try (Listener listener = listener(stack, u, proxy, folders, sink, Duration.ofMillis(300))) {
        listener.start();
        Await.until("the first message of every folder", Duration.ofSeconds(30), () -> sink.docs.size() >= FOLDERS);
        for (int i = 2; i <= 4; i++) {
          ListenerFleetIT.append(stack, u, folders[i], 2, 2);
          String subject = ListenerFleetIT.subject(u, folders[i], 2);
          // The keepalive is minutes away: only the look at every folder each poll interval finds it.
          Await.until("the message no notification announced", Duration.ofSeconds(30),
              () -> sink.subjects.contains(subject));
        }
        assertThat(listener.stop(Duration.ofSeconds(10))).isTrue();
      }
      List<String> all = commands(proxy.clientSent());
      assertThat(all).as("NOTIFY set again after the looks that found unannounced mail")
          .filteredOn(c -> c.startsWith("NOTIFY")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(all).as("IDLE between the looks").filteredOn(c -> c.startsWith("IDLE")).isNotEmpty();
      assertThat(sink.subjects).hasSize(FOLDERS + 3).doesNotHaveDuplicates();
      assertThat(proxy.connections()).as("connections opened").isEqualTo(1);
    }
  }

  private static String[] folders(MailStack stack, MailStack.User u, String prefix) {
    String[] folders = IntStream.range(0, FOLDERS).mapToObj(i -> prefix + i).toArray(String[]::new);
    for (String f : folders) {
      ListenerFleetIT.reset(stack, u, f);
      ListenerFleetIT.append(stack, u, f, 1, 1);
    }
    return folders;
  }

  /** One connection for all the folders; a keepalive far beyond the test. */
  private Listener listener(MailStack stack, MailStack.User u, FaultProxy proxy, String[] folders, Lst.Sink sink,
      Duration poll) {
    Endpoint e = Endpoint.imap(stack.host()).port(proxy.port()).security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(u.user(), Secret.of(u.password()))).build();
    ListenerSettings settings = Lst.fast(folders).start(StartPosition.all()).maxConnections(1)
        .pollInterval(poll).keepalive(Duration.ofMinutes(5)).idleRenew(Duration.ofMinutes(5)).build();
    return Listener.of(MailConnection.builder().inbound(e).build()).settings(settings)
        .stateFile(dir.resolve(u.user() + ".json")).handler(sink).build();
  }

  /** The commands in {@code sent}, each as its name and first argument ("STATUS notify-3"). */
  private static List<String> commands(String sent) {
    Matcher m = COMMAND.matcher(sent);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add((m.group(1).toUpperCase(java.util.Locale.ROOT) + " " + m.group(2)).trim());
    }
    return out;
  }
}
