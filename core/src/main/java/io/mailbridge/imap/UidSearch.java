package io.mailbridge.imap;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.search.Filter;
import io.mailbridge.search.SearchCompiler;
import io.mailbridge.search.SearchKey;
import io.mailbridge.search.UidSet;
import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * Runs one {@code UID SEARCH} for a {@link Filter} on an open folder and returns the UIDs, ascending.
 * When the server offers ESEARCH (RFC 4731) the answer is asked for as a UID set
 * ({@code RETURN (ALL)}): {@code * ESEARCH (TAG "A4") UID ALL 1:10000} instead of every UID spelled
 * out (49 KB for a 10,000-message folder).
 */
public final class UidSearch {
  // RFC 4731 search-return-data "ALL" SP sequence-set, after the optional (TAG ...) correlator.
  private static final java.util.regex.Pattern ESEARCH_ALL =
      java.util.regex.Pattern.compile("(?i)(?:^|\\s)ALL\\s+([0-9][0-9:,]*)");

  private UidSearch() {}

  public static List<Long> run(Endpoint endpoint, IMAPFolder folder, Filter filter) {
    return run(endpoint, folder, filter, false);
  }

  /**
   * Like {@link #run(Endpoint, IMAPFolder, Filter)}; with {@code answersInOrder} an empty answer is
   * taken as it is, without the NOOP that otherwise checks for results sent after the tagged OK.
   * For a search on a connection whose earlier search already returned its results before the
   * tagged OK (RFC 3501 7.2.5: the SEARCH data belongs to the command's answer): that server has
   * shown it answers in order, and the check would cost a round trip per receive.
   */
  public static List<Long> run(Endpoint endpoint, IMAPFolder folder, Filter filter, boolean answersInOrder) {
    SearchCompiler.Compiled compiled = SearchCompiler.compile(filter);
    String action = "UID SEARCH " + compiled.display();
    try {
      // No folder holds more UIDs than messages: the bound on what a server's answer may list.
      long messages = folder.getMessageCount();
      @SuppressWarnings("unchecked")
      List<Long> uids = (List<Long>) folder.doCommand(p -> {
        Argument args = new Argument();
        boolean esearch = p.hasCapability("ESEARCH");
        if (esearch) {
          args.writeAtom("RETURN");
          args.writeAtom("(ALL)");
        }
        // RFC 6855 3: after ENABLE UTF8=ACCEPT strings are UTF-8 and CHARSET must not be sent
        // (Courier answers NO); before it, RFC 3501 6.4.4: CHARSET precedes the keys.
        if (compiled.utf8() && !p.isEnabled("UTF8=ACCEPT")) {
          args.writeAtom("CHARSET");
          args.writeAtom("UTF-8");
        }
        write(compiled.keys(), args);
        Response[] responses = p.command("UID SEARCH", args);
        Response last = responses[responses.length - 1];
        List<Long> out = new ArrayList<>();
        long bound = Math.max(0, messages);
        for (Response r : responses) {
          if (r instanceof IMAPResponse ir && ir.keyEquals("EXISTS")) {
            bound = Math.max(bound, ir.getNumber()); // messages that arrived meanwhile
          }
        }
        if (last.isOK()) {
          for (Response r : responses) {
            if (r instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
              long n;
              while ((n = ir.readLong()) != -1) {
                if (n <= 0 || n > 0xFFFFFFFFL || out.size() >= bound) {
                  throw Errors.protocolError(endpoint, action, "answered with " + (n <= 0 || n > 0xFFFFFFFFL
                      ? "UID " + n + " (UIDs are 1 to 4294967295)" : "more UIDs than the " + bound
                      + " messages in the folder"), null);
                }
                out.add(n);
              }
            } else if (esearch && r instanceof IMAPResponse ir && ir.keyEquals("ESEARCH")) {
              try {
                out.addAll(esearchAll(ir.toString(), bound));
              } catch (IllegalStateException e) {
                throw Errors.protocolError(endpoint, action, e.getMessage(), e);
              }
            }
          }
          if (out.isEmpty() && bound > 0 && !answersInOrder && lateResults(p)) {
            throw Errors.protocolError(endpoint, action, "sent its search results after it had completed the "
                + "search (a tagged OK before the SEARCH data)", null);
          }
        }
        p.notifyResponseHandlers(responses);
        p.handleResult(last);
        return out;
      });
      uids.sort(null);
      return uids;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, action, e);
    }
  }

  /**
   * Whether search results arrive after the search completed: a NOOP's answer is read, and with it
   * anything the server sent late. Asked only when a search found nothing in a non-empty folder.
   */
  private static boolean lateResults(org.eclipse.angus.mail.imap.protocol.IMAPProtocol p)
      throws org.eclipse.angus.mail.iap.ProtocolException {
    Response[] rs = p.command("NOOP", null);
    boolean late = false;
    for (int i = 0; i < rs.length; i++) {
      if (rs[i] instanceof IMAPResponse ir && (ir.keyEquals("SEARCH") || ir.keyEquals("ESEARCH"))) {
        late = true;
        rs[i] = null;
      }
    }
    p.notifyResponseHandlers(rs);
    p.handleResult(rs[rs.length - 1]);
    return late;
  }

  /**
   * The UIDs of an ESEARCH answer ({@code * ESEARCH (TAG "A4") UID ALL 2:3,7}); none when it has no
   * ALL, which is how a search without matches is answered.
   */
  static List<Long> esearchAll(String response) {
    return esearchAll(response, UidSet.MAX_SERVER_UIDS);
  }

  /** {@link #esearchAll(String)}, refusing an answer listing more than {@code maxUids} UIDs. */
  static List<Long> esearchAll(String response, long maxUids) {
    String rest = response;
    int tag = rest.indexOf("(TAG ");
    if (tag >= 0) {
      int close = rest.indexOf(')', tag);
      rest = close < 0 ? "" : rest.substring(close + 1);
    }
    java.util.regex.Matcher m = ESEARCH_ALL.matcher(rest);
    if (!m.find()) {
      return List.of();
    }
    // Expanded directly (the caller sorts): a 10,000-UID range is one loop, no set in between.
    try {
      return UidSet.expand(m.group(1), maxUids);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("answered with an ESEARCH set that cannot be read or lists more UIDs than the "
          + maxUids + " messages in the folder (" + io.mailbridge.connection.ServerText.shown(e.getMessage()) + ")", e);
    }
  }


  /** The search keys as Angus writes them: a string quoted, or as a literal when it must be. */
  static void write(List<SearchKey> keys, Argument args) {
    for (SearchKey k : keys) {
      if (k instanceof SearchKey.Atom a) {
        args.writeAtom(a.atom());
      } else if (k instanceof SearchKey.Text t) {
        args.writeString(t.text(), t.utf8() ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
      } else if (k instanceof SearchKey.Number n) {
        args.writeNumber(n.value());
      } else if (k instanceof SearchKey.Group g) {
        Argument inner = new Argument();
        write(g.keys(), inner);
        args.writeArgument(inner);
      }
    }
  }
}
