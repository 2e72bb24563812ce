package io.mailbridge.folder;

import io.mailbridge.BadInputException;

/**
 * Checks folder names before they reach the server. Names are Unicode (Angus sends them in
 * modified UTF-7, RFC 3501 5.1.3); the server's hierarchy delimiter inside a name means hierarchy
 * on purpose ({@code Archive/2026}).
 */
public final class FolderNames {
  private FolderNames() {}

  /**
   * Rejects what cannot round-trip: empty names, control characters (CR/LF/NUL would end or corrupt
   * the command), and the LIST wildcards {@code *} and {@code %}: a folder named with them cannot be
   * listed or checked for existence reliably (RFC 3501 6.3.8 treats them as patterns everywhere).
   *
   * @param field the setting's name, for the message
   */
  public static String check(String field, String name) {
    if (name == null || name.isEmpty()) {
      throw new BadInputException(field + " is missing: give a folder name such as INBOX or Archive/2026");
    }
    if (!name.strip().equals(name)) {
      throw new BadInputException(field + " '" + name + "' starts or ends with white space: remove it");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new BadInputException(field + " '" + name.replaceAll("\\p{Cntrl}", "?") + "' contains a control "
            + "character (CR, LF, NUL, ...): folder names cannot contain them");
      }
      if (c == '*' || c == '%') {
        throw new BadInputException(field + " '" + name + "' contains '" + c + "': IMAP treats * and % as LIST "
            + "wildcards, so such a folder cannot be found reliably; choose another name");
      }
    }
    return name;
  }
}
