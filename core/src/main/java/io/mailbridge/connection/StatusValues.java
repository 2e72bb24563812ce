package io.mailbridge.connection;

/**
 * The UIDVALIDITY of a STATUS answer ({@code * STATUS name (... UIDVALIDITY n ...)}), read as its
 * bytes pass: like the one of SELECT it must be 1 to 4294967295 (RFC 3501 9: nz-number), so that
 * a {@code -5} or {@code abc} never becomes a "no UIDVALIDITY" -1 in a reader.
 */
final class StatusValues {
  private final StringBuilder atom = new StringBuilder();
  private boolean uidValidityNext;

  void next(byte c) throws ServerViolation {
    if (c == ' ' || c == '(' || c == ')' || c == '\r' || c == '\n') {
      end();
    } else if (atom.length() < 16) {
      atom.append((char) (c & 0xff));
    }
  }

  void end() throws ServerViolation {
    if (atom.length() == 0) {
      return;
    }
    String a = atom.toString();
    atom.setLength(0);
    if (uidValidityNext) {
      uidValidityNext = false;
      if (a.length() > 10 || !a.chars().allMatch(ch -> ch >= '0' && ch <= '9') || Long.parseLong(a) == 0
          || Long.parseLong(a) > 0xFFFFFFFFL) {
        throw new ServerViolation("sent a STATUS answer with UIDVALIDITY '" + ServerText.shown(a) + "' (UIDVALIDITY must be a "
            + "number from 1 to 4294967295, RFC 3501 9)");
      }
    } else {
      uidValidityNext = a.equalsIgnoreCase("UIDVALIDITY");
    }
  }
}

