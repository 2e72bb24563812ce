package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

class SelectedFolderResponsesTest {

  private static Response[] parse(String... lines) throws Exception {
    Response[] out = new Response[lines.length];
    for (int i = 0; i < lines.length; i++) {
      out[i] = new IMAPResponse(lines[i]);
    }
    return out;
  }

  private static String[] text(Response[] rs) {
    return Arrays.stream(rs).map(Response::toString).toArray(String[]::new);
  }

  @Test
  void dropsOnlyTheUntaggedExpungesOfAMove() throws Exception {
    // What Dovecot answers to UID MOVE while another client delivers a message and changes a flag.
    Response[] rs = parse(
        "* OK [COPYUID 1700000000 1:3 7:9] Moved UIDs.",
        "* 1 EXPUNGE",
        "* 1 EXPUNGE",
        "* 4 EXISTS",
        "* 2 FETCH (UID 12 FLAGS (\\Seen))",
        "* 1 EXPUNGE",
        "* 1 RECENT",
        "A4 OK Move completed.");
    assertThat(text(SelectedFolder.withoutExpunges(rs))).containsExactly(
        "* OK [COPYUID 1700000000 1:3 7:9] Moved UIDs.",
        "* 4 EXISTS",
        "* 2 FETCH (UID 12 FLAGS (\\Seen))",
        "* 1 RECENT",
        "A4 OK Move completed.");
  }

  @Test
  void keepsByeAlertsAndTaggedRepliesAndReturnsTheSameArrayWhenNothingIsDropped() throws Exception {
    Response[] rs = parse("* OK [ALERT] Maintenance at noon", "* BYE shutting down", "A5 NO [EXPUNGEISSUED] Some gone");
    assertThat(SelectedFolder.withoutExpunges(rs)).isSameAs(rs);
  }
}
