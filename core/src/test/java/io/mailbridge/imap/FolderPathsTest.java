package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FolderPathsTest {
  private final FolderPaths courier = new FolderPaths("INBOX.", '.');
  private final FolderPaths james = new FolderPaths("", '.');
  private final FolderPaths dovecot = new FolderPaths("", '/');

  @Test
  void userNamesGetThePersonalPrefixAndTheServersDelimiter() {
    assertThat(courier.toServer("Archive/2026")).isEqualTo("INBOX.Archive.2026");
    assertThat(james.toServer("Archive/2026")).isEqualTo("Archive.2026");
    assertThat(dovecot.toServer("Archive/2026")).isEqualTo("Archive/2026");
  }

  @Test
  void inboxAndItsChildrenAreNeverPrefixed() {
    assertThat(courier.toServer("INBOX")).isEqualTo("INBOX");
    assertThat(courier.toServer("inbox/Sub")).isEqualTo("inbox.Sub");
    assertThat(courier.toServer("INBOX.Trash")).isEqualTo("INBOX.Trash");
  }

  @Test
  void serverNamesAreShownBackAsTheUserWroteThem() {
    for (FolderPaths p : new FolderPaths[] {courier, james, dovecot}) {
      for (String user : new String[] {"Archive", "Archive/2026", "Überweisungen/2026/März"}) {
        assertThat(p.toUser(p.toServer(user))).isEqualTo(user);
      }
      assertThat(p.toUser("INBOX")).isEqualTo("INBOX");
    }
    assertThat(courier.toUser("INBOX.Trash")).isEqualTo("Trash");
  }

  @Test
  void otherNamespacesAreShownAsTheServerSpellsThem() {
    assertThat(courier.toUser("#shared.team")).isEqualTo("#shared.team");
  }
}
