package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MoveResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A move's per-message lines: every one printed, in blocks rather than a write call each. */
class OutcomesTest {
  @Test
  void tenThousandMovedMessagesAreAllPrintedByReturnInFewWrites() {
    List<MessageOutcome> outcomes = new ArrayList<>();
    for (long uid = 1; uid <= 10_000; uid++) {
      outcomes.add(new MessageOutcome(Optional.of(uid), Optional.empty(), MessageOutcome.Status.MOVED,
          Optional.of(uid + 100), ""));
    }
    MoveResult r = new MoveResult("INBOX", Optional.of("Archive"), "MOVE", 7, Optional.of(9L), outcomes, List.of());
    CountingStream stdout = new CountingStream();
    CommandLine cl = MailbridgeCommand.commandLine();
    cl.setOut(new Json.Out(stdout, false));
    cl.setErr(new java.io.PrintWriter(new ByteArrayOutputStream()));
    CommandLine.Model.CommandSpec spec = cl.getSubcommands().get("move").getCommandSpec();
    MailConnection mail = MailConnection.builder().inbound(io.mailbridge.connection.Endpoint.imap("imap.example.test")
        .auth(io.mailbridge.connection.Auth.basic("u", io.mailbridge.connection.Secret.of("p"))).build()).build();

    int exit = Outcomes.print(spec, r, "move", mail, JournalSink.off());

    assertThat(exit).isEqualTo(ExitCodes.OK);
    List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(10_000);
    assertThat(lines.get(0)).startsWith("{\"fromFolder\":\"INBOX\",\"uid\":1,").contains("\"status\":\"moved\"")
        .contains("\"newUid\":101");
    assertThat(lines.get(9_999)).contains("\"uid\":10000,").contains("\"newUid\":10100");
    assertThat(stdout.flushes).as("write calls for 10,000 lines").isLessThan(300);
  }
}
