package io.mailbridge.search.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.search.Filter;
import io.mailbridge.search.SearchCompiler;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/** Runs one {@code UID SEARCH} for a {@link Filter} on an open folder and returns the UIDs, ascending. */
public final class UidSearch {
  private UidSearch() {}

  public static List<Long> run(Endpoint endpoint, IMAPFolder folder, Filter filter) {
    SearchCompiler.Compiled compiled = SearchCompiler.compile(filter);
    try {
      @SuppressWarnings("unchecked")
      List<Long> uids = (List<Long>) folder.doCommand(p -> {
        Argument args = new Argument();
        if (compiled.utf8()) {
          // RFC 3501 6.4.4: CHARSET precedes the keys; strings are then sent as UTF-8 literals.
          args.writeAtom("CHARSET");
          args.writeAtom("UTF-8");
        }
        args.append(compiled.args());
        Response[] responses = p.command("UID SEARCH", args);
        Response last = responses[responses.length - 1];
        List<Long> out = new ArrayList<>();
        if (last.isOK()) {
          for (Response r : responses) {
            if (r instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
              long n;
              while ((n = ir.readLong()) != -1) {
                out.add(n);
              }
            }
          }
        }
        p.notifyResponseHandlers(responses);
        p.handleResult(last);
        return out;
      });
      uids.sort(null);
      return uids;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "UID SEARCH " + compiled.display(), e);
    }
  }

}
