package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@RealServer
class SeedingIT {
  @Test
  void seedsThousandsOfMessagesInOneGoWithMultiappend(MailStack s) {
    String folder = "kit-seed";
    s.resetFolder(s.alice(), folder);
    long start = System.nanoTime();
    try (ImapSeeder seeder = ImapSeeder.tls(s.host(), s.imapsPort(), s.ca(), s.alice().user(), s.alice().password())) {
      seeder.append(folder, TestMessages.bulk("x@example.test", s.alice().user(), 2000), "");
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(s.messageCount(s.alice(), folder)).isEqualTo(2000);
    System.err.println("seeded 2000 messages in " + ms + " ms");
    s.resetFolder(s.alice(), folder);
    assertThat(s.messageCount(s.alice(), folder)).isZero();
  }
}
