package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mailbridge.testkit.GreenMailFixture;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ImapClient#openAhead}: the next open of that endpoint takes the connection, or its error. */
class OpenAheadIT {
  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  @AfterEach
  void discard() {
    ImapClient.discardAhead();
  }

  private Endpoint imap(String user, String password) {
    return Endpoint.imap("127.0.0.1").port(mail.imapPort()).security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(user, Secret.of(password))).build();
  }

  /**
   * Opens a connection ahead for {@code user}, waits until it has logged in, then changes the
   * user's password: a login from now on fails, so only the connection opened ahead can work.
   */
  private Endpoint openedAheadThenPasswordChanged(String user) throws Exception {
    Endpoint endpoint = imap(user, GreenMailFixture.PASSWORD);
    ImapClient.openAhead(endpoint);
    awaitOpened();
    mail.greenMail().getUserManager().getUserByEmail(user).setPassword("changed-since");
    return endpoint;
  }

  /** Waits until the connection opened ahead has logged in (or failed). */
  private static void awaitOpened() throws Exception {
    OpenAhead.opened().get(30, TimeUnit.SECONDS);
  }

  @Test
  void openTakesTheConnectionLoggedInAhead() throws Exception {
    String user = mail.user("ann");
    // From now on a new login fails: only the connection logged in ahead can work.
    Endpoint endpoint = openedAheadThenPasswordChanged(user);
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      assertThat(imap.capabilities()).containsKey("IMAP4REV1");
      assertThat(imap.status("INBOX")).isPresent();
    }
    assertThat(OpenAhead.pending(endpoint)).isFalse();
    // Taken once: the next open connects itself, and now meets the new password.
    assertThatThrownBy(() -> ImapClient.open(endpoint, new Properties(), false))
        .isInstanceOf(io.mailbridge.AuthException.class);
  }

  @Test
  void anotherEndpointObjectConnectsItself() throws Exception {
    String user = mail.user("bea");
    Endpoint ahead = openedAheadThenPasswordChanged(user);
    // Equal settings, another object: not the one opened ahead, so it logs in itself.
    assertThatThrownBy(() -> ImapClient.open(imap(user, GreenMailFixture.PASSWORD), new Properties(), false))
        .isInstanceOf(io.mailbridge.AuthException.class);
    // Asked with a recorded trace (or extra properties): connects itself too.
    assertThatThrownBy(() -> ImapClient.open(ahead, new Properties(), true))
        .isInstanceOf(io.mailbridge.AuthException.class);
    assertThat(OpenAhead.pending(ahead)).isTrue();
  }

  @Test
  void aFailedLoginAheadIsThrownByOpenAsADirectOpenThrowsIt() throws Exception {
    String user = mail.user("cid");
    Throwable direct = catchThrowable(() -> ImapClient.open(imap(user, "wrong"), new Properties(), false));
    Endpoint endpoint = imap(user, "wrong");
    ImapClient.openAhead(endpoint);
    awaitOpened();
    Throwable ahead = catchThrowable(() -> ImapClient.open(endpoint, new Properties(), false));
    assertThat(ahead).isInstanceOf(io.mailbridge.AuthException.class).isExactlyInstanceOf(direct.getClass())
        .hasMessage(direct.getMessage());
    assertThat(((io.mailbridge.AuthException) ahead).getMessage())
        .isEqualTo(((io.mailbridge.AuthException) direct).getMessage());
    assertThat(ahead.getMessage()).doesNotContain("wrong");
  }

  @Test
  void discardLeavesNothingToTake() throws Exception {
    String user = mail.user("dee");
    Endpoint endpoint = imap(user, GreenMailFixture.PASSWORD);
    ImapClient.openAhead(endpoint);
    ImapClient.discardAhead();
    assertThat(OpenAhead.pending(endpoint)).isFalse();
    mail.greenMail().getUserManager().getUserByEmail(user).setPassword("changed-since");
    assertThatThrownBy(() -> ImapClient.open(endpoint, new Properties(), false))
        .isInstanceOf(io.mailbridge.AuthException.class);
  }
}
