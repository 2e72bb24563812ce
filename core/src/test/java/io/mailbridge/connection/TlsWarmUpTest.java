package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link MailConnection#warmUpTls()} in a fresh JVM: it loads what the first handshake's host name check needs. */
class TlsWarmUpTest {
  /** Run in a child JVM: the warm-up, and nothing that connects. */
  public static final class WarmUpMain {
    public static void main(String[] args) throws Exception {
      MailConnection.warmUpTls().join();
      System.out.println("warmed up");
    }
  }

  @Test
  void theJdksTableOfPublicCasIsLoadedBeforeAnyHandshake() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
        WarmUpMain.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    // the class whose initialiser reads the JDK's cacerts, which the host name check consults
    assertThat(out).contains("sun.security.util.AnchorCertificates ").contains("warmed up")
        .doesNotContain("javax.net.ssl.SSLSocket ");
  }
}
