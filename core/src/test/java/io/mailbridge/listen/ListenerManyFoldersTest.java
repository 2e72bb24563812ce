package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several folders of one account sharing one connection (more folders than connections), on
 * GreenMail through a proxy that records what the client sent: once every folder has been checked,
 * a round asks each folder's STATUS and selects none of them while nothing arrives; new mail in one
 * folder is handed over, and only that folder is selected for it.
 */
class ListenerManyFoldersTest {
  private static final int FOLDERS = 6;
  private static final Pattern SELECTING = Pattern.compile("^\\S+ (?:SELECT|EXAMINE) \"?([^\"\\s]+)\"?",
      Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
  private static final Pattern STATUS = Pattern.compile("^\\S+ STATUS ", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
  private static final Pattern IDLE = Pattern.compile("^\\S+ IDLE\r\n", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  @TempDir
  Path dir;

  @Test
  void quietFoldersAreLookedAtByStatusAloneAndNewMailInAnyOfThemIsHandedOverOnce() throws Exception {
    String user = mail.user("many-folders");
    String[] folders = folders(user, "watched-", "first");
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", mail.imapPort())) {
      Lst.Sink sink = new Lst.Sink();
      // One connection for all the folders: they share it, polled in turn.
      ListenerSettings settings = Lst.fast(folders).start(StartPosition.all()).maxConnections(1)
          .pollInterval(Duration.ofMillis(100)).build();
      try (Listener listener = listener(proxy, user, settings, sink)) {
        listener.start();
        Await.until("the first message of every folder", Duration.ofSeconds(30), () -> sink.docs.size() >= FOLDERS);
        int from = proxy.clientSent().length();
        Await.until("three quiet rounds of STATUS", Duration.ofSeconds(30),
            () -> count(STATUS, proxy.clientSent().substring(from)) >= 3 * FOLDERS);
        String quiet = proxy.clientSent().substring(from);
        // The last folder's first message was handed over in the first round's last check.
        assertThat(selected(quiet)).as("folders selected while nothing arrived").isEmpty();

        try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
          s.append(folders[3], List.of(TestMessages.message("later in " + folders[3], "<later@many.test>")), "");
        }
        int beforeNews = proxy.clientSent().length();
        Await.until("the message in one of the quiet folders", Duration.ofSeconds(30),
            () -> sink.subjects.contains("later in " + folders[3]));
        Await.until("another round of STATUS", Duration.ofSeconds(30),
            () -> count(STATUS, proxy.clientSent().substring(beforeNews)) >= 2 * FOLDERS);
        assertThat(listener.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(selected(proxy.clientSent().substring(beforeNews))).as("folders selected for the new message")
            .containsOnly(folders[3]);
      }
      assertThat(sink.subjects).hasSize(FOLDERS + 1).doesNotHaveDuplicates();
      assertThat(proxy.connections()).as("connections opened").isEqualTo(1);
    }
  }

  @Test
  void moreFoldersThanConnectionsAreSpreadEvenlySoNoConnectionPollsAllButAFew() throws Exception {
    String user = mail.user("spread-folders");
    String[] folders = folders(user, "spread-", null);
    try (FaultProxy proxy = FaultProxy.to("127.0.0.1", mail.imapPort())) {
      Lst.Sink sink = new Lst.Sink();
      ListenerSettings settings = Lst.fast(folders).maxConnections(3).pollInterval(Duration.ofMillis(100)).build();
      try (Listener listener = listener(proxy, user, settings, sink)) {
        listener.start();
        Await.until("two rounds of STATUS on every connection", Duration.ofSeconds(30),
            () -> count(STATUS, proxy.clientSent()) >= 2 * FOLDERS);
        try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
          for (String f : folders) {
            s.append(f, List.of(TestMessages.message("news in " + f, "<news." + f + "@many.test>")), "");
          }
        }
        Await.until("the message of every folder", Duration.ofSeconds(30), () -> sink.docs.size() >= FOLDERS);
        // Six folders on three connections: two each, polled; none of them idles on one folder
        // while another connection polls the other five.
        assertThat(proxy.connections()).as("connections opened").isEqualTo(3);
        assertThat(count(IDLE, proxy.clientSent())).as("IDLE commands sent").isZero();
        assertThat(listener.health().folders()).extracting(Health.FolderHealth::folder).containsExactly(folders);
      }
      assertThat(sink.subjects).hasSize(FOLDERS).doesNotHaveDuplicates();
    }
  }

  /** {@code FOLDERS} new folders of {@code user}, each with one message whose subject starts with {@code first} unless null. */
  private static String[] folders(String user, String prefix, String first) throws Exception {
    String[] folders = IntStream.range(0, FOLDERS).mapToObj(i -> prefix + i).toArray(String[]::new);
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      for (String f : folders) {
        s.create(f);
        if (first != null) {
          s.append(f, List.of(TestMessages.message(first + " in " + f, "<" + first + "." + f + "@many.test>")), "");
        }
      }
    }
    return folders;
  }

  /** A listener of {@code user}'s mail through {@code proxy}, which sees every command it sends. */
  private Listener listener(FaultProxy proxy, String user, ListenerSettings settings, Lst.Sink sink) {
    Endpoint e = Endpoint.imap("127.0.0.1").port(proxy.port()).security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(user, Secret.of(GreenMailFixture.PASSWORD))).build();
    return Listener.of(MailConnection.builder().inbound(e).build()).settings(settings)
        .stateFile(dir.resolve("state.json")).handler(sink).build();
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static List<String> selected(String sent) {
    Matcher m = SELECTING.matcher(sent);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    return out;
  }
}
