package io.mailbridge.cli;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.CheckReport;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailbridge demo}: the product's story end to end against an embedded mail server
 * (GreenMail on free loopback ports), so it runs anywhere without installing a server.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded mail server on loopback and run Mailbridge's main job against it, "
        + "printing JSON Lines (one per step).")
public final class DemoCommand implements Callable<Integer> {
  static final String USER = "demo@example.test";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int smtpPort = freePort();
    int imapPort = freePort();
    GreenMail server = new GreenMail(new ServerSetup[] {
        new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
        new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
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
        return CheckCommand.print(report, new PrintWriter(java.io.Writer.nullWriter()), err);
      }
      for (FolderInfo f : Folders.of(mail).list(true)) {
        Json.line(out, step("folder", FoldersCommand.view(f)));
      }
      err.println("demo: done");
      return ExitCodes.OK;
    } finally {
      server.stop();
    }
  }

  private static Map<String, Object> step(String name, Map<String, Object> body) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", name);
    m.putAll(body);
    return m;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port for the demo server: " + e.getMessage(), e);
    }
  }
}
