package io.mailbridge.imap;

import jakarta.mail.MessagingException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;

/**
 * Folders' attributes including their special use (RFC 6154: {@code \Trash}, {@code \Sent}, ...).
 * Some servers (Apache James) show special use only when asked with
 * {@code LIST "" "*" RETURN (SPECIAL-USE)}; that form is used when the server announces
 * SPECIAL-USE, a plain LIST otherwise.
 */
public final class SpecialUse {
  private SpecialUse() {}

  /** Every folder's server name and attributes, in the server's order. */
  @SuppressWarnings("unchecked")
  public static Map<String, List<String>> attributes(IMAPStore store) throws MessagingException {
    boolean asked = store.hasCapability("SPECIAL-USE");
    return (Map<String, List<String>>) ((IMAPFolder) store.getDefaultFolder()).doCommand(p -> {
      Argument args = new Argument();
      args.writeString("");
      args.writeString("*");
      if (asked) {
        args.writeAtom("RETURN");
        args.writeAtom("(SPECIAL-USE)");
      }
      Response[] responses = p.command("LIST", args);
      Response last = responses[responses.length - 1];
      Map<String, List<String>> out = new LinkedHashMap<>();
      if (last.isOK()) {
        for (Response r : responses) {
          if (r instanceof IMAPResponse ir && ir.keyEquals("LIST")) {
            ListInfo info = new ListInfo(ir);
            out.put(info.name, Arrays.asList(info.attrs));
          }
        }
      }
      p.notifyResponseHandlers(responses);
      p.handleResult(last);
      return out;
    });
  }

  /** The server name of the folder with this special use (e.g. {@code \Trash}), compared ignoring case. */
  public static Optional<String> find(IMAPStore store, String use) throws MessagingException {
    for (Map.Entry<String, List<String>> e : attributes(store).entrySet()) {
      if (e.getValue().stream().anyMatch(use::equalsIgnoreCase)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }
}
