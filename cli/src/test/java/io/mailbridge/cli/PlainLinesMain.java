package io.mailbridge.cli;

import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalRecord;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a receive does with JSON, in a process of its own (see {@link PlainJsonTest}): the warm-up a
 * receive starts, a document's line through standard output's writer, and its journal record in
 * the journal {@code FILE}.
 */
public final class PlainLinesMain {
  public static void main(String[] args) throws Exception {
    Json.warmUp(Main.needsMapper(new String[] {"receive"})).join();
    MailDocument d = MailDocument.builder().key("imap://a@h:993/INBOX;UIDVALIDITY=1/;UID=7")
        .properties(TrackedProperties.builder().subject("Rechnung").uid(7).flags(List.of("\\Seen")).build())
        .text("body").headers(Map.of("X-A", List.of("1"))).warnings(List.of("w")).build();
    Json.Out out = new Json.Out(OutputStream.nullOutputStream(), false);
    Json.line(out, ReceiveCommand.view(d, null, true));
    out.flush();
    JournalSink sink = JournalSink.start(Optional.of(Path.of(args[0])), Journal.Retention.defaults(),
        new PrintWriter(System.err, true));
    sink.add(JournalRecord.received("receive", d));
    sink.close();
    System.out.println("plain lines written");
  }
}
