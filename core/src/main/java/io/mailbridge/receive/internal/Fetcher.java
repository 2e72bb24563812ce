package io.mailbridge.receive.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.search.UidSet;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The bulk IMAP commands of Receive, sent through Angus's protocol access so no per-message
 * {@code IMAPMessage} is built: sizes for many UIDs in one {@code UID FETCH}, whole small messages
 * in one {@code UID FETCH} per batch, large messages in partial-fetch chunks into a file.
 */
final class Fetcher {
  /** UIDs per command for the size fetch: keeps sparse UID sets under server line limits (Dovecot 64 KiB). */
  private static final int UIDS_PER_COMMAND = 2000;

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final String bodyItem;

  Fetcher(Endpoint endpoint, IMAPFolder folder, boolean peek) {
    this.endpoint = endpoint;
    this.folder = folder;
    // RFC 3501 6.4.5: BODY.PEEK[] does not set \Seen; BODY[] does.
    this.bodyItem = peek ? "BODY.PEEK[]" : "BODY[]";
  }

  /** RFC822.SIZE of each UID that still exists, in UID order. */
  Map<Long, Long> sizes(List<Long> uids) {
    Map<Long, Long> out = new LinkedHashMap<>();
    for (String set : UidSet.chunks(uids, UIDS_PER_COMMAND)) {
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
  Map<Long, Shape> shapes(List<Long> uids) {
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
  record Shape(long size, BODYSTRUCTURE structure) {}

  /**
   * The FETCH items and only the header block ({@code BODY.PEEK[HEADER]}, RFC 3501 6.4.5) of one
   * message, as a message with an empty body; null when it was expunged meanwhile.
   */
  RawMessage headerOnly(long uid) {
    String item = bodyItem.replace("[]", "[HEADER]");
    for (FetchResponse fr : fetch(Long.toString(uid), "(UID FLAGS RFC822.SIZE INTERNALDATE " + item + ")")) {
      UID u = fr.getItem(UID.class);
      BODY body = fr.getItem(BODY.class);
      if (u == null || body == null) {
        continue;
      }
      ByteArray ba = body.getByteArray();
      RFC822SIZE size = fr.getItem(RFC822SIZE.class);
      return new RawMessage(u.uid, flags(fr), size == null ? 0 : size.size, date(fr), ba.getBytes(), ba.getStart(),
          ba.getCount(), null, null);
    }
    return null;
  }

  /**
   * The raw (still transfer-encoded) bytes of one body part ({@code BODY.PEEK[section]}, RFC 3501
   * 6.4.5); null when the message was expunged meanwhile.
   */
  byte[] section(long uid, String section) {
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
    for (FetchResponse fr : fetch(UidSet.format(uids), "(UID FLAGS RFC822.SIZE INTERNALDATE " + bodyItem + ")")) {
      UID uid = fr.getItem(UID.class);
      BODY body = fr.getItem(BODY.class);
      if (uid == null || body == null) {
        continue;
      }
      ByteArray ba = body.getByteArray();
      RFC822SIZE size = fr.getItem(RFC822SIZE.class);
      out.add(new RawMessage(uid.uid, flags(fr), size == null ? ba.getCount() : size.size, date(fr), ba.getBytes(),
          ba.getStart(), ba.getCount(), null, null));
    }
    return out;
  }

  /**
   * The FETCH items of one large message, its body to come in {@code file} through {@link
   * #largeBody}; null when it was expunged meanwhile.
   */
  RawMessage largeMeta(long uid, long expectedSize, Path file, Arrival arrival) {
    List<FetchResponse> meta = fetch(Long.toString(uid), "(UID FLAGS RFC822.SIZE INTERNALDATE)");
    FetchResponse first = meta.stream().filter(r -> r.getItem(UID.class) != null).findFirst().orElse(null);
    if (first == null) {
      return null;
    }
    long size = first.getItem(RFC822SIZE.class) == null ? expectedSize : first.getItem(RFC822SIZE.class).size;
    return new RawMessage(uid, flags(first), size, date(first), null, 0, 0, file, arrival);
  }

  /**
   * One large message fetched in {@code chunk}-byte partial fetches ({@code BODY.PEEK[]<off.len>},
   * RFC 3501 6.4.5) straight into {@code file}, each chunk announced to {@code arrival} once written:
   * memory use is one chunk whatever the size. Stops early when {@code cancelled} says so.
   */
  void largeBody(long uid, int chunk, Path file, Arrival arrival, java.util.function.BooleanSupplier cancelled) {
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

  private static List<String> flags(FetchResponse fr) {
    FLAGS f = fr.getItem(FLAGS.class);
    if (f == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (Flags.Flag s : f.getSystemFlags()) {
      out.add(systemFlag(s));
    }
    for (String u : f.getUserFlags()) {
      out.add(u);
    }
    return out;
  }

  private static String systemFlag(Flags.Flag f) {
    if (f == Flags.Flag.SEEN) {
      return "\\Seen";
    } else if (f == Flags.Flag.ANSWERED) {
      return "\\Answered";
    } else if (f == Flags.Flag.DELETED) {
      return "\\Deleted";
    } else if (f == Flags.Flag.DRAFT) {
      return "\\Draft";
    } else if (f == Flags.Flag.FLAGGED) {
      return "\\Flagged";
    } else if (f == Flags.Flag.RECENT) {
      return "\\Recent";
    }
    return "\\User";
  }

  private static OffsetDateTime date(FetchResponse fr) {
    INTERNALDATE d = fr.getItem(INTERNALDATE.class);
    return d == null || d.getDate() == null ? null : d.getDate().toInstant().atOffset(ZoneOffset.UTC);
  }

  private static String abbreviate(String set) {
    return set.length() <= 40 ? set : set.substring(0, 37) + "...";
  }
}
