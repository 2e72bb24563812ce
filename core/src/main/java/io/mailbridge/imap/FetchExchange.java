package io.mailbridge.imap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.FetchItem;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * One {@code UID FETCH} written on Angus's connection and its answer read by {@link FetchReader}
 * (bodies streamed, not held as Angus responses); what is not ours goes to Angus's response
 * handlers, and the tagged reply is judged as Angus's {@code Protocol.command} would.
 */
final class FetchExchange {
  private FetchExchange() {}

  /** Called holding the protocol's lock, as {@code Protocol.command} is. */
  static void run(IMAPProtocol p, AngusWire wire, String uidSet, String items,
      Predicate<FetchReader.Fetch> mine, FetchReader.Bodies bodies, int bufferBytes, Consumer<FetchReader.Fetch> ours) throws ProtocolException {
    Argument args = new Argument();
    args.writeAtom(uidSet);
    args.writeAtom(items);
    String tag;
    try {
      tag = p.writeCommand("UID FETCH", args);
    } catch (IOException e) {
      p.handleResult(Response.byeResponse(e)); // disconnects and throws, as Protocol.command does
      return;
    }
    List<String> others = new ArrayList<>();
    FetchReader.End end = null;
    IOException failure = null;
    wire.pauseByteTrace();
    try {
      end = new FetchReader(wire.input(), bufferBytes).read(tag, bodies, f -> {
        if (f.uid >= 0 && mine.test(f)) {
          ours.accept(f);
        } else if (f.text != null) {
          others.add(f.text);
        }
      }, others::add, wire.trace());
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException | Error e) {
      // The answer is left half-read: the next command's reply could only be found by reading
      // whatever the server still sends (a hostile one, without end), so nothing more goes over
      // this connection, not even CLOSE or LOGOUT.
      p.disconnect();
      throw e;
    } finally {
      wire.resumeByteTrace();
      wire.answered();
    }
    Response[] untagged = new Response[others.size()];
    for (int i = 0; i < untagged.length; i++) {
      untagged[i] = angusResponse(p, others.get(i));
    }
    p.notifyResponseHandlers(untagged);
    if (failure != null) {
      p.handleResult(Response.byeResponse(failure));
      return;
    }
    Response last = angusResponse(p, end.tagged() != null ? end.tagged() : end.bye());
    if (last == null) {
      throw new ProtocolException("unreadable reply to UID FETCH: " + end);
    }
    p.handleResult(last);
  }

  /** An untagged or tagged response line as Angus's own object, for its handlers and result checks. */
  private static Response angusResponse(IMAPProtocol p, String text) {
    try {
      IMAPResponse r = new IMAPResponse(text);
      return r.keyEquals("FETCH") ? new FetchResponse(r, new FetchItem[0], p) : r;
    } catch (IOException | ProtocolException e) {
      return null; // notifyResponseHandlers skips nulls, as for Angus's own unreadable responses
    }
  }
}
