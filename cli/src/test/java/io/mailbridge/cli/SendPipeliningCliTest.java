package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.SmtpScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send --no-pipelining}: one command at a time although the server offers PIPELINING and CHUNKING. */
class SendPipeliningCliTest {
  @TempDir
  Path dir;

  @Test
  void noPipeliningSendsDataOneCommandAtATime() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HostileServer.Script script = SmtpScript.server()
        .ehlo("250-scripted.test\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 AUTH PLAIN\r\n")
        .on("DATA", l -> {
          seen.add(l);
          return null;
        })
        .on("BDAT", l -> {
          seen.add(l);
          return null;
        }).build();
    try (HostileServer s = HostileServer.start(script)) {
      Files.writeString(dir.resolve("pw"), "pw\n");
      HostileRun r = HostileRun.run(dir, "send", "--smtp-host", s.host(), "--smtp-port", Integer.toString(s.port()),
          "--smtp-security", "none", "--allow-plaintext", "--user", "bob@scripted.test", "--password-file", "pw",
          "--to", "alice@scripted.test", "--subject", "Hello", "--text", "Hi.", "--no-pipelining");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"SENT\"");
      assertThat(seen).containsExactly("DATA");
    }
  }
}
