package io.mailbridge.imap;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.search.UidSet;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;

/**
 * The bulk IMAP commands of Receive on the connection Angus logged in and selected: sizes for
 * many UIDs in one {@code UID FETCH}, whole small messages in one {@code UID FETCH} per batch, a
 * large message in one {@code UID FETCH} streamed into a file. Angus writes the command (its tag,
 * its trace); the answer is read by {@link FetchReader} straight from the connection, so no Angus
 * response object and no copy of a message is made. Untagged responses that are not ours (EXISTS,
 * EXPUNGE, flag changes) go to Angus's handlers, so the folder's state stays right. When Angus's
 * streams cannot be reached ({@link AngusWire}) the commands go through Angus as a whole.
 */
public final class Fetcher {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Fetcher.class);
  /** UIDs per command for the size fetch: keeps sparse UID sets under server line limits (Dovecot 64 KiB). */
  private static final int UIDS_PER_COMMAND = 2000;
  /** Longest UID set in one size fetch: far below server line limits (Dovecot 64 KiB). */
  private static final int SET_CHARS = 8_000;
  /** The read buffer for a batch of small messages. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final String bodyItem;

  public Fetcher(Endpoint endpoint, IMAPFolder folder, boolean peek) {
    this.endpoint = endpoint;
    this.folder = folder;
    // RFC 3501 6.4.5: BODY.PEEK[] does not set \Seen; BODY[] does.
    this.bodyItem = peek ? "BODY.PEEK[]" : "BODY[]";
  }

  /** Whether answers are read from the connection directly (a large body can then bypass the disk). */
  boolean streams() {
    return AngusWire.available();
  }

  /** RFC822.SIZE of each UID that still exists, in UID order. */
  public Map<Long, Long> sizes(List<Long> uids) {
    Map<Long, Long> out = new LinkedHashMap<>();
    // One command for a contiguous selection, however long: each answer is one short line.
    for (String set : UidSet.chunksByLength(uids, SET_CHARS)) {
      if (stream(set, "(UID RFC822.SIZE)", f -> f.size >= 0, null, BUFFER_BYTES, f -> out.put(f.uid, f.size))) {
        continue;
      }
      for (FetchResponse fr : fetch(set, "(UID RFC822.SIZE)")) {
        UID uid = fr.getItem(UID.class);
        RFC822SIZE size = fr.getItem(RFC822SIZE.class);
        if (uid != null && size != null) {
          out.put(uid.uid, size.size);
        }
      }
    }
    return out;
  }

  /** RFC822.SIZE and BODYSTRUCTURE of each UID that still exists (RFC 3501 7.4.2), in UID order. */
  public Map<Long, Shape> shapes(List<Long> uids) {
    Map<Long, Shape> out = new LinkedHashMap<>();
    for (String set : UidSet.chunks(uids, UIDS_PER_COMMAND)) {
      for (FetchResponse fr : fetch(set, "(UID RFC822.SIZE BODYSTRUCTURE)")) {
        UID uid = fr.getItem(UID.class);
        RFC822SIZE size = fr.getItem(RFC822SIZE.class);
        if (uid != null && size != null) {
          out.put(uid.uid, new Shape(size.size, fr.getItem(BODYSTRUCTURE.class)));
        }
      }
    }
    return out;
  }

  /** A message's size and structure (null when the server sent none). */
  public record Shape(long size, BODYSTRUCTURE structure) {}

  /**
   * The FETCH items and only the header block ({@code BODY.PEEK[HEADER]}, RFC 3501 6.4.5) of one
   * message, as a message with an empty body; null when it was expunged meanwhile.
   */
  public RawMessage headerOnly(long uid) {
    String item = bodyItem.replace("[]", "[HEADER]");
    for (FetchResponse fr : fetch(Long.toString(uid), "(UID FLAGS RFC822.SIZE INTERNALDATE " + item + ")")) {
      UID u = fr.getItem(UID.class);
      BODY body = fr.getItem(BODY.class);
      if (u == null || body == null) {
        continue;
      }
      ByteArray ba = body.getByteArray();
      RFC822SIZE size = fr.getItem(RFC822SIZE.class);
      return new RawMessage(u.uid, FetchItems.flags(fr), size == null ? 0 : size.size, FetchItems.date(fr), ba.getBytes(), ba.getStart(),
          ba.getCount(), null, null);
    }
    return null;
  }

  /**
   * The raw (still transfer-encoded) bytes of one body part ({@code BODY.PEEK[section]}, RFC 3501
   * 6.4.5); null when the message was expunged meanwhile.
   */
  public byte[] section(long uid, String section) {
    String item = bodyItem.replace("[]", "[" + section + "]");
    for (FetchResponse fr : fetch(Long.toString(uid), "(UID " + item + ")")) {
      BODY body = fr.getItem(BODY.class);
      if (fr.getItem(UID.class) != null && body != null) {
        ByteArray ba = body.getByteArray();
        return java.util.Arrays.copyOfRange(ba.getBytes(), ba.getStart(), ba.getStart() + ba.getCount());
      }
    }
    return null;
  }

  /** Whole messages in one command; UIDs missing from the answer (expunged meanwhile) are absent. */
  List<RawMessage> messages(List<Long> uids) {
    List<RawMessage> out = new ArrayList<>(uids.size());
    String items = "(UID FLAGS RFC822.SIZE INTERNALDATE " + bodyItem + ")";
    java.util.Set<Long> asked = new java.util.HashSet<>(uids);
    Map<Long, Integer> seen = new HashMap<>();
    if (stream(UidSet.format(uids), items, Fetcher::hasBody, null, BUFFER_BYTES, f -> {
      if (!asked.contains(f.uid)) {
        // Only the messages asked for are kept: a server sending others would make us hold them all.
        throw Errors.protocolError(endpoint, "UID FETCH", "sent a message body for UID " + f.uid
            + ", which was not asked for", null);
      }
      Integer first = seen.putIfAbsent(f.uid, f.body != null ? out.size() : -1);
      if (first != null) {
        RawMessage kept = first >= 0 ? out.get(first) : null;
        if (kept != null && f.body != null && !java.util.Arrays.equals(kept.bytes(), kept.offset(),
            kept.offset() + kept.length(), f.body, 0, f.body.length)) {
          // Which copy is the message cannot be known: the user sees that there was a second one.
          LOG.warn("server {} sent UID {} twice with different bodies; the first copy is kept", endpoint.address(), f.uid);
          out.set(first, kept.withWarning("the server sent this message (UID " + f.uid + ") twice in one FETCH "
              + "answer with different contents: the first copy is the one delivered"));
        }
        return;
      }
      if (f.body != null) {
        out.add(new RawMessage(f.uid, f.flags == null ? List.of() : f.flags, f.size >= 0 ? f.size : f.body.length,
            f.internalDate, f.body, 0, f.body.length, null, null));
      }
    })) {
      return out;
    }
    for (FetchResponse fr : fetch(UidSet.format(uids), items)) {
      UID uid = fr.getItem(UID.class);
      BODY body = fr.getItem(BODY.class);
      if (uid == null || body == null) {
        continue;
      }
      ByteArray ba = body.getByteArray();
      RFC822SIZE size = fr.getItem(RFC822SIZE.class);
      out.add(new RawMessage(uid.uid, FetchItems.flags(fr), size == null ? ba.getCount() : size.size, FetchItems.date(fr), ba.getBytes(),
          ba.getStart(), ba.getCount(), null, null));
    }
    return out;
  }

  /**
   * The FETCH items of one large message, its body to come in {@code file} through {@link
   * #largeBody}; null when it was expunged meanwhile.
   */
  public RawMessage largeMeta(long uid, long expectedSize, Path file, Arrival arrival) {
    RawMessage[] found = new RawMessage[1];
    if (stream(Long.toString(uid), "(UID FLAGS RFC822.SIZE INTERNALDATE)", f -> f.size >= 0 || f.internalDate != null, null, BUFFER_BYTES, f -> {
      if (f.uid == uid) {
        found[0] = new RawMessage(uid, f.flags == null ? List.of() : f.flags, f.size >= 0 ? f.size : expectedSize,
            f.internalDate, null, 0, 0, file, arrival);
      }
    })) {
      return found[0];
    }
    List<FetchResponse> meta = fetch(Long.toString(uid), "(UID FLAGS RFC822.SIZE INTERNALDATE)");
    FetchResponse first = meta.stream().filter(r -> r.getItem(UID.class) != null).findFirst().orElse(null);
    if (first == null) {
      return null;
    }
    long size = first.getItem(RFC822SIZE.class) == null ? expectedSize : first.getItem(RFC822SIZE.class).size;
    return new RawMessage(uid, FetchItems.flags(first), size, FetchItems.date(first), null, 0, 0, file, arrival);
  }

  /**
   * One large message fetched with one {@code UID FETCH}. With a {@link Arrival#loan() loan} the
   * body literal is lent to the parser, which reads it from the connection itself; otherwise it
   * is copied from the connection straight into {@code file} in pieces of at most {@code chunk}
   * bytes, each announced to {@code arrival} once written. Memory use is one chunk whatever the
   * size. When {@code cancelled} says so, the parser gives the body back early, or the file cannot
   * be written, the rest of the literal is read and dropped so the connection stays usable; a
   * write failure is thrown after the command completed.
   */
  public void largeBody(long uid, int chunk, Path file, Arrival arrival, BooleanSupplier cancelled) {
    if (arrival.isLoan()) {
      FetchReader.Bodies lender = new FetchReader.Bodies() {
        @Override
        public OutputStream open(FetchReader.Fetch sofar, long length) {
          return null; // not reached: every body is lent
        }

        @Override
        public boolean lend(FetchReader.Fetch sofar, java.io.InputStream literal) throws IOException {
          arrival.lend(literal);
          return true;
        }
      };
      // The body passes the scanner's buffer by: a small one is enough.
      if (!stream(Long.toString(uid), "(UID " + bodyItem + ")", Fetcher::hasBody, lender, BUFFER_BYTES, f -> { })) {
        throw new IllegalStateException("streaming a message without a file needs access to the connection");
      }
      return;
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      FetchItems.BodySink sink = new FetchItems.BodySink(out, arrival::advance, cancelled);
      if (stream(Long.toString(uid), "(UID " + bodyItem + ")", Fetcher::hasBody, sink, chunk, f -> { })) {
        if (sink.failure() != null) {
          throw sink.failure();
        }
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    partialBody(uid, chunk, file, arrival, cancelled);
  }

  /** {@link #largeBody} through Angus: {@code chunk}-byte partial fetches (RFC 3501 6.4.5). */
  private void partialBody(long uid, int chunk, Path file, Arrival arrival, BooleanSupplier cancelled) {
    try (OutputStream out = Files.newOutputStream(file)) {
      long offset = 0;
      while (!cancelled.getAsBoolean()) {
        String item = bodyItem + "<" + offset + "." + chunk + ">";
        int got = 0;
        for (FetchResponse fr : fetch(Long.toString(uid), "(UID " + item + ")")) {
          BODY body = fr.getItem(BODY.class);
          if (fr.getItem(UID.class) != null && body != null) {
            ByteArray ba = body.getByteArray();
            out.write(ba.getBytes(), ba.getStart(), ba.getCount()); // unbuffered: in the file once written
            got += ba.getCount();
          }
        }
        offset += got;
        arrival.advance(got);
        if (got < chunk) {
          break; // RFC 3501: a partial fetch past the end returns what is left (or nothing)
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code UID FETCH uidSet items} and reads the answer with {@link FetchReader}: each FETCH
   * response for a UID that {@code mine} accepts goes to {@code ours}, everything else to
   * Angus's response handlers. Returns false, having sent nothing, when Angus's streams cannot be
   * reached. A failed connection or a NO/BAD reply is thrown as Angus would.
   */
  private boolean stream(String uidSet, String items, Predicate<FetchReader.Fetch> mine, FetchReader.Bodies bodies,
      int bufferBytes, Consumer<FetchReader.Fetch> ours) {
    try {
      Object done = folder.doCommand(p -> {
        AngusWire wire = AngusWire.of(p);
        if (wire == null) {
          return Boolean.FALSE;
        }
        synchronized (p) { // as Protocol.command: one command at a time on the connection
          FetchExchange.run(p, wire, uidSet, items, mine, bodies, bufferBytes, ours);
        }
        return Boolean.TRUE;
      });
      return Boolean.TRUE.equals(done);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "UID FETCH " + abbreviate(uidSet) + " " + items, e);
    }
  }

  /** A FETCH with the body we asked for (NIL when the message was expunged meanwhile). */
  private static boolean hasBody(FetchReader.Fetch f) {
    return f.bodyLength >= 0 || f.nilBody;
  }

  private List<FetchResponse> fetch(String uidSet, String items) {
    try {
      @SuppressWarnings("unchecked")
      List<FetchResponse> out = (List<FetchResponse>) folder.doCommand(p -> {
        Argument args = new Argument();
        args.writeAtom(uidSet);
        args.writeAtom(items);
        Response[] responses = p.command("UID FETCH", args);
        List<FetchResponse> mine = new ArrayList<>();
        for (int i = 0; i < responses.length; i++) {
          if (responses[i] instanceof FetchResponse fr && fr.getItem(UID.class) != null) {
            mine.add(fr);
            // Ours, answered by UID: not for the folder's message cache (it would build IMAPMessages).
            responses[i] = null;
          }
        }
        Response last = responses[responses.length - 1];
        p.notifyResponseHandlers(responses);
        p.handleResult(last);
        return mine;
      });
      return out;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "UID FETCH " + abbreviate(uidSet) + " " + items, e);
    }
  }

  private static String abbreviate(String set) {
    return set.length() <= 40 ? set : set.substring(0, 37) + "...";
  }
}
