package io.mailbridge.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.CheckReport;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.document.MailDocument;
import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailbridge demo}: the product's story end to end against an embedded mail server
 * (GreenMail on free loopback ports), so it runs anywhere without installing a server: check the
 * connection, send an invoice with two attachments, receive it with its tracked properties and
 * the attachments in a Document Cache, move it to Archive, and list the folders.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded mail server on loopback and run Mailbridge's main job against it: check, "
        + "send a mail with two attachments, receive it into a Document Cache, move it to Archive. "
        + "Prints JSON Lines, one per step.")
public final class DemoCommand implements Callable<Integer> {
  static final String USER = "demo@example.test";

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Where received attachments are stored (default: a new temporary directory).")
  Path cacheDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int smtpPort = freePort();
    int imapPort = freePort();
    GreenMail server = new GreenMail(new ServerSetup[] {
        serverSetup(smtpPort, ServerSetup.PROTOCOL_SMTP), serverSetup(imapPort, ServerSetup.PROTOCOL_IMAP)});
    server.start();
    try {
      Secret password = Secret.of("demo-" + Long.toHexString(System.nanoTime()));
      server.setUser(USER, USER, password.reveal());
      err.println("demo: embedded mail server on 127.0.0.1 (IMAP " + imapPort + ", SMTP " + smtpPort + "), user " + USER);
      err.flush();
      MailConnection mail = MailConnection.builder()
          .inbound(Endpoint.imap("127.0.0.1").port(imapPort).security(Security.NONE).allowPlaintext(true)
              .auth(Auth.basic(USER, password)).build())
          .outbound(Endpoint.smtp("127.0.0.1").port(smtpPort).security(Security.NONE).allowPlaintext(true)
              .auth(Auth.basic(USER, password)).build())
          .build();

      CheckReport report = mail.check();
      for (CheckReport.EndpointReport e : report.endpoints()) {
        Json.line(out, step("check", CheckCommand.view(e)));
      }
      if (!report.ok()) {
        return CheckCommand.print(report, new PrintWriter(Writer.nullWriter()), err);
      }

      // Send: an invoice with a PDF (type given) and a CSV (type guessed from the name).
      SendResult sent = Send.of(mail).send(Email.builder()
          .to(USER)
          .subject("Invoice 2026-0042 for order 7781")
          .text("Hello,\n\nplease find invoice 2026-0042 and the order lines attached.\n")
          .attach(Attachment.bytes(demoPdf()).name("invoice-2026-0042.pdf").contentType("application/pdf"))
          .attach(Attachment.bytes("sku;qty;price\nA-100;2;19.90\nB-200;1;5.00\n".getBytes(StandardCharsets.UTF_8))
              .name("order-7781.csv"))
          .build());
      Json.line(out, step("send", SendCommand.view(sent)));

      // Receive: tracked properties, attachments into the Document Cache.
      Path cache = cacheDir != null ? cacheDir : Files.createTempDirectory("mailbridge-demo-cache-");
      List<MailDocument> docs = Receive.of(mail).receiveAll(ReceiveSettings.builder().folder("INBOX")
          .filter(Filter.subject("Invoice")).cacheDir(cache).build());
      for (MailDocument d : docs) {
        Json.line(out, step("receive", ReceiveCommand.view(d, null, true)));
      }

      // Move: file the processed invoice into Archive, by its Message-ID.
      List<String> ids = docs.stream().map(d -> d.properties().messageId()).toList();
      MoveResult moved = Move.of(mail).move(MoveSettings.builder().from("INBOX").to("Archive")
          .selection(Selection.messageIds(ids)).createTarget(true).build());
      for (MessageOutcome o : moved.outcomes()) {
        Json.line(out, step("move", Outcomes.view(moved, o)));
      }

      for (FolderInfo f : Folders.of(mail).list(true)) {
        Json.line(out, step("folder", FoldersCommand.view(f)));
      }
      err.println("demo: done; received attachments are in " + cache.toAbsolutePath());
      return ExitCodes.OK;
    } finally {
      server.stop();
    }
  }

  /** A small valid one-page PDF, so the attachment opens in a viewer. */
  private static byte[] demoPdf() {
    String pdf = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        + "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R"
        + "/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        + "4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 20 60 Td (Invoice 2026-0042) Tj ET\nendstream endobj\n"
        + "5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    return pdf.getBytes(StandardCharsets.US_ASCII);
  }

  private static Map<String, Object> step(String name, Map<String, Object> body) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", name);
    m.putAll(body);
    return m;
  }

  /** GreenMail waits 2 s for its server threads by default, too short on a busy machine. */
  private static ServerSetup serverSetup(int port, String protocol) {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
    setup.setServerStartupTimeout(30_000);
    return setup;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port for the demo server: " + e.getMessage(), e);
    }
  }
}
