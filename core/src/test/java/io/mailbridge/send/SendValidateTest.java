package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Security;
import org.junit.jupiter.api.Test;

class SendValidateTest {
  // Nothing listens here: validate() must never connect.
  private final Send send = Send.of(MailConnection.builder().outbound(Endpoint.smtp("127.0.0.1").port(1)
      .security(Security.NONE).allowPlaintext(true).build()).build());

  @Test
  void acceptsASendableMessageWithoutConnecting() {
    assertThatCode(() -> send.validate(Email.builder().from("bob@example.com").to("alice@example.com").subject("Hi")
        .build())).doesNotThrowAnyException();
  }

  @Test
  void refusesWhatSendWouldRefuseNamingTheField() {
    assertThatThrownBy(() -> send.validate(Email.builder().from("bob@example.com").to("alice@example.com")
        .subject("Hi\r\nBcc: mallory@example.com").build()))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("message 1: subject contains a line break");
    assertThatThrownBy(() -> send.validate(Email.builder().from("bob@example.com").subject("Hi").build()))
        .isInstanceOf(BadInputException.class)
        .hasMessage("message 1: no recipient: give at least one of to, cc or bcc");
  }
}
