package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailStackLogTest {
  @TempDir
  Path dir;

  private MailStack stackWithLog(String... lines) throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Files.write(dir.resolve("logs/dovecot.log"), List.of(lines));
    return new MailStack("127.0.0.1", "127.0.0.2", "example.test", 1143, 1993, 1587, 1465, 1025, null,
        dir.resolve("ca.pem").toString(), dir.toString(), "doveadm", List.of(), null);
  }

  @Test
  void idlePushDisabledCountsDovecotsInotifyLimitWarningsAndNothingElse() throws Exception {
    MailStack stack = stackWithLog(
        "2026-12-07 04:48:22 imap(wl-fleet-078@example.test)<28142><7gNR7QNiduN/AAAB>: Warning: Inotify instance "
            + "limit for user 999 (UID vmail) exceeded, disabling. Increase /proc/sys/fs/inotify/max_user_instances",
        "2026-12-07 04:48:22 imap-login: Info: Login: user=<wl-fleet-079@example.test>, method=PLAIN",
        "2026-12-07 04:48:23 imap(wl-fleet-096@example.test)<28107><vBNM7QNiwOB/AAAB>: Warning: Inotify instance "
            + "limit for user 999 (UID vmail) exceeded, disabling. Increase /proc/sys/fs/inotify/max_user_instances",
        "2026-12-07 04:48:24 imap(wl-fleet-001@example.test)<28000><abc>: Info: Logged out in=60 out=420");

    assertThat(stack.idlePushDisabled()).isEqualTo(2);
    assertThat(stackWithLog("2026-12-07 04:48:22 imap-login: Info: Login: user=<a@example.test>")
        .idlePushDisabled()).isZero();
  }
}
