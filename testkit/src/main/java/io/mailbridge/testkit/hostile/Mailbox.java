package io.mailbridge.testkit.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The well-behaved part of {@link ImapScript}: just enough IMAP for a client to log in and receive. */
final class Mailbox {
  static final long UIDVALIDITY = 7;
  private final List<byte[]> messages;
  /** The tag of the IDLE in progress on this connection (one thread per connection). */
  private final ThreadLocal<String> idleTag = new ThreadLocal<>();

  Mailbox(List<byte[]> messages) {
    this.messages = messages;
  }

  Reply answer(String tag, String rest, String caps) {
    if (tag.equalsIgnoreCase("DONE")) {
      rest = "DONE";
    }
    String upper = rest.toUpperCase(Locale.ROOT);
    String cmd = upper.split(" ", 2)[0];
    int n = messages.size();
    switch (cmd) {
      case "CAPABILITY":
        return Reply.lines("* CAPABILITY " + caps, tag + " OK CAPABILITY done");
      case "LOGIN", "AUTHENTICATE":
        return Reply.lines(tag + " OK [CAPABILITY " + caps + "] logged in");
      case "ENABLE", "NOOP", "CHECK", "CLOSE", "UNSELECT", "SUBSCRIBE", "CREATE", "EXPUNGE":
        return Reply.lines(tag + " OK " + cmd + " done");
      case "ID":
        return Reply.lines("* ID NIL", tag + " OK ID done");
      case "NAMESPACE":
        return Reply.lines("* NAMESPACE ((\"\" \"/\")) NIL NIL", tag + " OK NAMESPACE done");
      case "LIST", "LSUB":
        return Reply.lines("* " + cmd + " (\\HasNoChildren) \"/\" INBOX", tag + " OK " + cmd + " done");
      case "SELECT", "EXAMINE":
        return Reply.lines("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "* " + n + " EXISTS",
            "* 0 RECENT", "* OK [UIDVALIDITY " + UIDVALIDITY + "] UIDs valid", "* OK [UIDNEXT " + (n + 1) + "] next",
            tag + " OK [" + (cmd.equals("SELECT") ? "READ-WRITE" : "READ-ONLY") + "] " + cmd + " done");
      case "STATUS":
        return Reply.lines("* STATUS INBOX (MESSAGES " + n + " UIDNEXT " + (n + 1) + " UIDVALIDITY " + UIDVALIDITY
            + " UNSEEN " + n + ")", tag + " OK STATUS done");
      case "IDLE":
        idleTag.set(tag);
        return Reply.lines("+ idling");
      case "DONE":
        String idle = idleTag.get();
        idleTag.remove();
        return idle == null ? Reply.none() : Reply.lines(idle + " OK IDLE done");
      case "LOGOUT":
        return Reply.lines("* BYE bye", tag + " OK LOGOUT done").then(Reply.hangUp());
      case "UID":
        return uid(tag, rest.substring(4), upper.substring(4));
      case "FETCH": // sequence numbers are the UIDs here
        return uid(tag, rest, upper);
      default:
        return Reply.lines(tag + " BAD unknown command");
    }
  }

  private Reply uid(String tag, String rest, String upper) {
    int n = messages.size();
    if (upper.startsWith("SEARCH")) {
      List<Long> hits = new ArrayList<>();
      if (upper.contains("LARGER")) {
        long larger = Long.parseLong(upper.replaceAll(".*LARGER (\\d+).*", "$1"));
        for (int i = 0; i < n; i++) {
          if (messages.get(i).length > larger) {
            hits.add(i + 1L);
          }
        }
      } else {
        for (int i = 0; i < n; i++) {
          hits.add(i + 1L);
        }
      }
      StringBuilder b = new StringBuilder("* SEARCH");
      for (long h : hits) {
        b.append(' ').append(h);
      }
      return Reply.lines(b.toString(), tag + " OK SEARCH done");
    }
    if (upper.startsWith("FETCH")) {
      String[] parts = rest.split(" ", 3);
      List<Reply> out = new ArrayList<>();
      for (long uid : uids(parts[1], n)) {
        out.add(fetch(uid, parts.length > 2 ? parts[2].toUpperCase(Locale.ROOT) : ""));
      }
      out.add(Reply.lines(tag + " OK FETCH done"));
      return Reply.of(out);
    }
    if (upper.startsWith("STORE") || upper.startsWith("EXPUNGE")) {
      return Reply.lines(tag + " OK done");
    }
    if (upper.startsWith("MOVE") || upper.startsWith("COPY")) {
      String set = rest.split(" ")[1];
      return Reply.lines(tag + " OK [COPYUID 9 " + set + " " + set + "] done");
    }
    return Reply.lines(tag + " BAD unknown UID command");
  }

  /** One FETCH response with the items asked for (UID, FLAGS, RFC822.SIZE, INTERNALDATE, BODY[] and partials). */
  private Reply fetch(long uid, String items) {
    byte[] m = messages.get((int) uid - 1);
    StringBuilder b = new StringBuilder("* " + uid + " FETCH (UID " + uid);
    if (items.contains("FLAGS")) {
      b.append(" FLAGS ()");
    }
    if (items.contains("RFC822.SIZE")) {
      b.append(" RFC822.SIZE ").append(m.length);
    }
    if (items.contains("INTERNALDATE")) {
      b.append(" INTERNALDATE \"24-Nov-2026 10:00:00 +0000\"");
    }
    if (!items.contains("BODY")) {
      return Reply.lines(b.append(')').toString());
    }
    int from = 0;
    int len = m.length;
    String partial = "";
    java.util.regex.Matcher p = java.util.regex.Pattern.compile("BODY(?:\\.PEEK)?\\[\\]<(\\d+)\\.(\\d+)>").matcher(items);
    if (p.find()) {
      from = (int) Math.min(m.length, Long.parseLong(p.group(1)));
      len = (int) Math.min(m.length - from, Long.parseLong(p.group(2)));
      partial = "<" + from + ">";
    }
    byte[] body = java.util.Arrays.copyOfRange(m, from, from + len);
    b.append(" BODY[]").append(partial).append(' ');
    return Reply.literal(b.toString(), body, ")\r\n");
  }

  /** The UIDs of a sequence set like {@code 1:3,5,7:*} among 1..n. */
  static List<Long> uids(String set, int n) {
    List<Long> out = new ArrayList<>();
    for (String r : set.split(",")) {
      String[] ends = r.split(":");
      long a = ends[0].equals("*") ? n : Long.parseLong(ends[0]);
      long z = ends.length > 1 ? (ends[1].equals("*") ? n : Long.parseLong(ends[1])) : a;
      for (long u = Math.min(a, z); u <= Math.max(a, z) && u <= n; u++) {
        if (u >= 1) {
          out.add(u);
        }
      }
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
