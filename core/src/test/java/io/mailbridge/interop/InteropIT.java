package io.mailbridge.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailbridge.MailbridgeException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.document.MailDocument;
import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import io.mailbridge.listen.ConnectionBudget;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.move.Delete;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.send.internal.SentCopy;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.InteropServers;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import jakarta.mail.Flags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interoperability suite: the same operations against every IMAP server the stacks run
 * (Dovecot, Cyrus, Courier, Apache James, and a Dovecot without UIDPLUS/MOVE). Folder names are
 * written as users write them ({@code interop-a/b}); a second client (Jakarta Mail) seeds and checks
 * in the server's own names. Each test owns its folders.
 */
@RealServer
@ExtendWith({Compat.class, KnownGaps.class})
class InteropIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  static List<Server> servers() {
    if (InteropServers.find().isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but the interop servers are not running: " + InteropServers.infoFile()
          + " is missing; .ci/run must run `scripts/interopstack start`");
    }
    List<Server> all = Server.all();
    all.forEach(Compat::version);
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("connect + login")
  void connectsAndLogsIn(Server s) {
    assertThat(s.connection().check().ok()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("login with the LOGIN command (--imap-auth login)")
  void logsInWithTheLoginCommand(Server s) {
    MailConnection login = MailConnection.builder().inbound(s.endpoint().toBuilder()
        .auth(Auth.basic(s.user(), Secret.of(s.password()), Auth.Basic.Mechanism.LOGIN)).build()).build();
    assertThat(login.check().ok()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("receive: server-side filters, non-ASCII subject")
  void receivesWithFiltersAndNonAsciiSubject(Server s) {
    String folder = "interop-receive";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, "Rechnung März 2026", "Invoice April", "Newsletter");
      Receive receive = Receive.of(s.connection());
      assertThat(subjects(receive, folder, Filter.subject("März"))).containsExactly("Rechnung März 2026");
      assertThat(subjects(receive, folder, Filter.and(Filter.from("billing@shop.example"), Filter.subject("April"))))
          .containsExactly("Invoice April");
      assertThat(subjects(receive, folder, Filter.all())).containsExactly("Rechnung März 2026", "Invoice April",
          "Newsletter");
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("send: Sent copy written first, confirmed or withdrawn (copyToSent + skipIfAlreadySent)")
  void sendWritesTheSentCopyFirstAndConfirmsOrWithdrawsIt(Server s) {
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException("the send goes through the "
        + "stack's Postfix: scripts/mailstack start"));
    String folder = "interop-sent";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      MailConnection c = MailConnection.builder().outbound(TestEndpoints.submission(stack, stack.bob()))
          .inbound(s.endpoint()).build();
      SendSettings settings = SendSettings.builder().copyToSent(true).skipIfAlreadySent(true).sentFolder(folder)
          .maxAttempts(1).build();
      String run = UUID.randomUUID().toString();
      Email ok = sentCopyMail("bob@example.test", "ok", run);
      Email refused = sentCopyMail("nobody-" + run + "@example.test", "refused", run);
      Email cut = sentCopyMail("bob@example.test", "cut", run);
      Send send = Send.of(c, settings);
      assertThat(send.send(ok).status()).isEqualTo(SendResult.Status.SENT);
      assertThat(send.send(refused).status()).isEqualTo(SendResult.Status.FAILED);
      // The caller stops once the server accepted the message, as a process killed there would.
      assertThatThrownBy(() -> send.send(List.of(cut), r -> {
        throw new IllegalStateException("caller stopped");
      })).hasMessage("caller stopped");

      String wire = peer.wire(folder);
      assertThat(peer.flags(wire, ok.subject())).singleElement().satisfies(f -> {
        assertThat(f.contains(Flags.Flag.SEEN)).isTrue();
        assertThat(f.contains(Flags.Flag.DRAFT)).isFalse();
        assertThat(f.getUserFlags()).doesNotContain(SentCopy.UNCONFIRMED);
      });
      // Withdrawn: expunged by UID where the server has UIDPLUS, else left \Deleted (a plain
      // EXPUNGE would take other clients' \Deleted mail with it).
      assertThat(peer.flags(wire, refused.subject())).allSatisfy(f ->
          assertThat(f.contains(Flags.Flag.DELETED)).isTrue()).hasSize(peer.has("UIDPLUS") ? 0 : 1);
      assertThat(peer.flags(wire, cut.subject())).singleElement().satisfies(f -> {
        assertThat(f.contains(Flags.Flag.SEEN)).isTrue();
        assertThat(f.getUserFlags().length > 0 && List.of(f.getUserFlags()).contains(SentCopy.UNCONFIRMED)
            || f.contains(Flags.Flag.DRAFT)).as("marked unconfirmed: " + f).isTrue();
      });

      // A later run (a restart) finds each by its Message-ID.
      assertThat(Send.of(c, settings).send(List.of(ok, cut))).extracting(SendResult::status)
          .containsExactly(SendResult.Status.ALREADY_SENT, SendResult.Status.UNKNOWN);
      peer.drop(folder);
    }
  }

  private static Email sentCopyMail(String to, String what, String run) {
    return Email.builder().to(to).subject("interop sent " + what + " " + run).text("x")
        .messageId("<interop-" + what + "." + run + "@example.test>").build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("receive: leaves another client's \\Deleted message")
  void receiveLeavesAnotherClientsDeletedMessage(Server s) {
    String folder = "interop-receive-deleted";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, "r-1");
      peer.append(folder, new Flags(Flags.Flag.DELETED), "other-deleted");
      Receive receive = Receive.of(s.connection());
      assertThat(subjects(receive, folder, Filter.all())).containsExactly("r-1", "other-deleted");
      receive.receiveAll(ReceiveSettings.builder().folder(folder).postAction(PostAction.markRead()).build());
      assertThat(peer.subjects(peer.wire(folder))).containsExactly("r-1", "other-deleted [deleted]");
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: leaves another client's \\Deleted message")
  void watchLeavesAnotherClientsDeletedMessage(Server s) {
    String folder = "interop-watch-deleted";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, "w-1");
      peer.append(folder, new Flags(Flags.Flag.DELETED), "other-deleted");
      Sink sink = new Sink();
      // Polling: each check leaves the folder and selects it again, so a leaving CLOSE would show.
      ListenerSettings settings = fast(folder).useIdle(false).start(StartPosition.all()).build();
      try (Listener l = Listener.builder(s.connection()).settings(settings).stateFile(dir.resolve("wd.json"))
          .handler(sink).build()) {
        l.start();
        Await.until("both delivered", WAIT, () -> sink.subjects.size() == 2);
        peer.append(folder, "w-2");
        Await.until("w-2 delivered", WAIT, () -> sink.subjects.size() == 3);
      }
      assertThat(sink.subjects).containsExactly("w-1", "other-deleted", "w-2");
      assertThat(peer.subjects(peer.wire(folder))).containsExactly("w-1", "other-deleted [deleted]", "w-2");
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("move: only the selected messages leave")
  void movesOnlySelectedMessagesAndLeavesAnotherClientsDeletedOne(Server s) {
    String from = "interop-move-src";
    String to = "interop-move-dst";
    try (Peer peer = s.peer()) {
      peer.reset(from);
      peer.reset(to);
      peer.append(from, "move-1", "move-2");
      peer.append(from, new Flags(Flags.Flag.DELETED), "other-deleted");
      MoveResult r = Move.of(s.connection()).move(MoveSettings.builder().from(from).to(to)
          .selection(Selection.filter(Filter.subject("move-"))).build());
      assertThat(peer.subjects(peer.wire(to))).containsExactly("move-1", "move-2");
      if (peer.has("MOVE") || peer.has("UIDPLUS")) {
        assertThat(r.with(MessageOutcome.Status.MOVED)).hasSize(2);
        assertThat(peer.subjects(peer.wire(from))).containsExactly("other-deleted [deleted]");
      } else {
        // No way to expunge only some messages: copied and flagged, reported as copied, with a warning.
        assertThat(r.with(MessageOutcome.Status.COPIED)).hasSize(2);
        assertThat(r.warnings()).anyMatch(w -> w.contains("not expunged"));
        assertThat(peer.subjects(peer.wire(from)))
            .containsExactly("move-1 [deleted]", "move-2 [deleted]", "other-deleted [deleted]");
      }
      peer.drop(from);
      peer.drop(to);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("receive --then move: never expunges another client's message")
  void receiveThenMoveNeverExpungesAnotherClientsDeletedMessage(Server s) {
    String from = "interop-post-src";
    String to = "interop-post-dst";
    try (Peer peer = s.peer()) {
      peer.reset(from);
      peer.reset(to);
      peer.append(from, "post-1", "post-2");
      peer.append(from, new Flags(Flags.Flag.DELETED), "other-deleted");
      Receive receive = Receive.of(s.connection());
      ReceiveSettings settings = ReceiveSettings.builder().folder(from).filter(Filter.subject("post-"))
          .postAction(PostAction.moveTo(to)).build();
      if (peer.has("MOVE") || peer.has("UIDPLUS")) {
        List<String> got = new CopyOnWriteArrayList<>();
        receive.run(settings, d -> got.add(d.properties().subject()));
        assertThat(got).containsExactly("post-1", "post-2");
        assertThat(peer.subjects(peer.wire(to))).containsExactly("post-1", "post-2");
        assertThat(peer.subjects(peer.wire(from))).containsExactly("other-deleted [deleted]");
      } else {
        List<String> got = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> receive.run(settings, d -> got.add(d.properties().subject())))
            .isInstanceOf(MailbridgeException.class)
            .hasMessageContaining("UIDPLUS").hasMessageContaining("--expunge-all");
        assertThat(got).as("fails before anything is delivered").isEmpty();
        assertThat(peer.subjects(peer.wire(from))).containsExactly("post-1", "post-2", "other-deleted [deleted]");
        assertThat(peer.subjects(peer.wire(to))).isEmpty();
        // The user's opt-in: a plain EXPUNGE, which also removes the other client's message.
        receive.run(settings.toBuilder().postAction(PostAction.moveTo(to).expungingAll()).build(), d -> { });
        assertThat(peer.subjects(peer.wire(to))).containsExactly("post-1", "post-2");
        assertThat(peer.subjects(peer.wire(from))).isEmpty();
      }
      peer.drop(from);
      peer.drop(to);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch --then move: never expunges another client's message")
  void watchThenMoveNeverExpungesAnotherClientsDeletedMessage(Server s) {
    String from = "interop-watchpost-src";
    String to = "interop-watchpost-dst";
    try (Peer peer = s.peer()) {
      peer.reset(from);
      peer.reset(to);
      peer.append(from, new Flags(Flags.Flag.DELETED), "other-deleted"); // there before the watch: not delivered
      Sink sink = new Sink();
      ListenerSettings settings = fast(from).postAction(PostAction.moveTo(to)).build();
      try (Listener l = Listener.of(s.connection()).settings(settings).stateFile(dir.resolve("wp.json"))
          .handler(sink).build()) {
        l.start();
        if (peer.has("MOVE") || peer.has("UIDPLUS")) {
          Await.until("connected", WAIT, () -> l.health().folders().stream().allMatch(f -> f.connected()));
          peer.append(from, "post-1");
          // Without MOVE (Courier) the copy shows before the source's UID EXPUNGE ran.
          Await.until("post-1 moved", WAIT, () -> peer.subjects(peer.wire(to)).contains("post-1")
              && !peer.subjects(peer.wire(from)).contains("post-1"));
          assertThat(peer.subjects(peer.wire(from))).containsExactly("other-deleted [deleted]");
        } else {
          Await.until("the refusal", WAIT, () -> l.health().folders().get(0).status() == Health.Status.FAILED);
          assertThat(l.health().folders().get(0).lastError()).hasValueSatisfying(e -> assertThat(e)
              .contains("UIDPLUS").contains("--expunge-all"));
          assertThat(sink.subjects).isEmpty();
        }
      }
      assertThat(peer.subjects(peer.wire(from))).contains("other-deleted [deleted]");
      peer.drop(from);
      peer.drop(to);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("flags: mark read")
  void marksReadOnlyTheSelectedMessage(Server s) {
    String folder = "interop-flags";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, "flag-1", "flag-2");
      io.mailbridge.move.Flags.of(s.connection()).markRead(folder, Selection.filter(Filter.subject("flag-1")));
      assertThat(peer.withFlag(peer.wire(folder), Flags.Flag.SEEN)).containsExactly("flag-1");
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("delete: to the \\Trash folder")
  void deleteMovesToTheTrashFolder(Server s) {
    String folder = "interop-delete";
    String subject = "del-" + System.nanoTime();
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, subject, "keep");
      MoveResult r = Delete.of(s.connection()).delete(folder, Selection.filter(Filter.subject(subject)), false);
      assertThat(r.complete()).as(r.toString()).isTrue();
      if (peer.has("MOVE") || peer.has("UIDPLUS")) {
        assertThat(peer.subjects(peer.wire(folder))).containsExactly("keep");
      } else {
        assertThat(r.with(MessageOutcome.Status.COPIED)).hasSize(1);
        assertThat(peer.subjects(peer.wire(folder))).containsExactly(subject + " [deleted]", "keep");
      }
      assertThat(peer.subjects(r.target().orElseThrow().equals("Trash") ? peer.wire("Trash") : r.target().get()))
          .contains(subject);
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("folders: nested and non-ASCII names")
  void createsNestedAndNonAsciiFoldersInTheServersOwnHierarchy(Server s) {
    String nested = "interop-tree/2026";
    String unicode = "interop-Überweisungen";
    try (Peer peer = s.peer()) {
      peer.drop("interop-tree");
      peer.drop(unicode);
      Folders folders = Folders.of(s.connection());
      folders.create(nested);
      folders.create(unicode);
      assertThat(peer.exists(peer.wire(nested))).as("%s as %s", nested, peer.wire(nested)).isTrue();
      assertThat(peer.exists(peer.wire(unicode))).isTrue();
      assertThat(folders.list(false)).extracting(FolderInfo::name).contains(nested, unicode);
      peer.drop("interop-tree");
      peer.drop(unicode);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: IDLE (or its fallback)")
  void watchDeliversNewMailWithIdle(Server s) {
    watch(s, "interop-watch-idle", true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: polling")
  void watchDeliversNewMailByPolling(Server s) {
    watch(s, "interop-watch-poll", false);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: IDLE without push falls back to polling")
  void watchPollsWhenIdleGivesNoPush(Server s) {
    String folder = "interop-watch-nopush";
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      Sink sink = new Sink();
      // A short keepalive ends each IDLE soon; a server without push (Cyrus without idled) shows new
      // mail only on the check after it, which the watcher counts until it polls instead.
      ListenerSettings settings = fast(folder).keepalive(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(300))
          .build();
      try (Listener l = Listener.builder(s.connection()).settings(settings).stateFile(dir.resolve("np.json"))
          .handler(sink).build()) {
        l.start();
        Await.until("connected", WAIT, () -> l.health().folders().stream().allMatch(f -> f.connected()));
        int n = 5;
        for (int i = 1; i <= n; i++) {
          peer.append(folder, "np-" + i);
          int want = i;
          Await.until("delivery of np-" + i, WAIT, () -> sink.subjects.size() >= want);
        }
        if (s.name().equals("cyrus")) {
          Await.until("polling instead of IDLE", WAIT, () -> l.health().folders().get(0).status() == Health.Status.POLLING);
        }
      }
      assertThat(sink.subjects).containsExactly("np-1", "np-2", "np-3", "np-4", "np-5");
      peer.drop(folder);
    }
  }

  private void watch(Server s, String folder, boolean idle) {
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      Sink sink = new Sink();
      try (Listener l = Listener.of(s.connection()).settings(fast(folder).useIdle(idle).build())
          .stateFile(dir.resolve("state.json")).handler(sink).build()) {
        l.start();
        Await.until("connected", WAIT, () -> l.health().folders().stream().allMatch(f -> f.connected()));
        for (int i = 1; i <= 3; i++) {
          peer.append(folder, "new-" + i);
          int want = i;
          Await.until("delivery of new-" + i, WAIT, () -> sink.subjects.size() >= want);
        }
      }
      assertThat(sink.subjects).containsExactly("new-1", "new-2", "new-3");
      peer.drop(folder);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: quiet turns by STATUS under a connection budget")
  void watchUnderAConnectionBudgetLooksAtQuietFoldersByStatusAlone(Server s) {
    // The proxy reads what the client sends, so plain connections only; the TLS stack's turns are
    // read from Dovecot's own log in ListenerQuietTurnsIT.
    assumeTrue(s.ca().isEmpty(), Compat.ELSEWHERE + "ListenerQuietTurnsIT");
    String[] folders = IntStream.range(0, 4).mapToObj(i -> "interop-turn-" + i).toArray(String[]::new);
    try (Peer peer = s.peer(); FaultProxy proxy = FaultProxy.to(s.host(), s.port())) {
      for (String f : folders) {
        peer.reset(f);
        peer.append(f, "first in " + f);
      }
      Server viaProxy = new Server(s.name(), s.version(), "127.0.0.1", proxy.port(), s.ca(), s.user(), s.password());
      // More folders than connections: a folder whose turn finds nothing new by STATUS hands the
      // connection to the next one without selecting (a turn nobody waits for may keep it in IDLE).
      ConnectionBudget budget = ConnectionBudget.perServer(1);
      Sink sink = new Sink();
      List<Listener> listeners = new ArrayList<>();
      try {
        for (String f : folders) {
          listeners.add(Listener.of(viaProxy.connection())
              .settings(fast(f).start(StartPosition.all()).pollInterval(Duration.ofMillis(100)).build())
              .stateFile(dir.resolve(f + ".json")).connectionBudget(budget).handler(sink).build());
        }
        listeners.forEach(Listener::start);
        Await.until("the first message of every folder", WAIT, () -> sink.subjects.size() >= folders.length);
        int from = proxy.clientSent().length();
        Await.until("quiet turns: STATUS and no SELECT", WAIT,
            () -> quietTurns(proxy.clientSent().substring(from)) >= folders.length);
        peer.append(folders[1], "later in " + folders[1]);
        Await.until("the message that arrived during quiet turns", WAIT,
            () -> sink.subjects.contains("later in " + folders[1]));
      } finally {
        listeners.forEach(Listener::close);
      }
      List<String> want = new ArrayList<>();
      Arrays.stream(folders).forEach(f -> want.add("first in " + f));
      want.add("later in " + folders[1]);
      assertThat(sink.subjects).containsExactlyInAnyOrderElementsOf(want);
      for (String f : folders) {
        peer.drop(f);
      }
    }
  }

  /** Sessions (from one LOGIN to its LOGOUT) that asked STATUS and selected nothing. */
  private static long quietTurns(String sent) {
    return Arrays.stream(sent.split("(?im)^\\S+ LOGOUT\r?$")).filter(session -> STATUS.matcher(session).find()
        && !SELECT.matcher(session).find()).count();
  }

  private static final Pattern STATUS = Pattern.compile("^\\S+ STATUS ", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);
  private static final Pattern SELECT = Pattern.compile("^\\S+ (?:SELECT|EXAMINE) ",
      Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  @ParameterizedTest(name = "{0}")
  @MethodSource("servers")
  @Feature("watch: UIDVALIDITY change (rescan)")
  void watchRescansAFolderWhoseUidValidityChanged(Server s) {
    String folder = "interop-uidvalidity";
    Path state = dir.resolve("uv.json");
    try (Peer peer = s.peer()) {
      peer.reset(folder);
      peer.append(folder, "before");
      long before = peer.uidValidity(peer.wire(folder));
      ListenerSettings settings = fast(folder).start(StartPosition.all()).uidValidityPolicy(UidValidityPolicy.RESCAN)
          .build();
      Sink first = new Sink();
      try (Listener l = Listener.of(s.connection()).settings(settings).stateFile(state).handler(first).build()) {
        l.start();
        Await.until("before delivered", WAIT, () -> first.subjects.size() == 1);
      }
      peer.reset(folder);
      peer.append(folder, "after");
      assertThat(peer.uidValidity(peer.wire(folder))).as("the recreated folder's UIDVALIDITY").isNotEqualTo(before);
      Sink second = new Sink();
      try (Listener l = Listener.of(s.connection()).settings(settings).stateFile(state).handler(second).build()) {
        l.start();
        Await.until("after delivered", WAIT, () -> second.subjects.size() == 1);
      }
      assertThat(first.subjects).containsExactly("before");
      assertThat(second.subjects).containsExactly("after");
      peer.drop(folder);
    }
  }

  private static ListenerSettings.Builder fast(String folder) {
    return ListenerSettings.builder().folders(folder).keepalive(Duration.ofSeconds(2))
        .responseTimeout(Duration.ofSeconds(10)).reconnectMin(Duration.ofMillis(200))
        .reconnectMax(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(500)).idleRenew(Duration.ofSeconds(20));
  }

  private static List<String> subjects(Receive r, String folder, Filter f) {
    return r.receiveAll(ReceiveSettings.builder().folder(folder).filter(f).build()).stream()
        .map(d -> d.properties().subject()).toList();
  }


  private static final class Sink implements io.mailbridge.receive.DocumentHandler {
    final List<String> subjects = new CopyOnWriteArrayList<>();

    @Override
    public void handle(MailDocument d) {
      subjects.add(d.properties().subject());
    }
  }
}
