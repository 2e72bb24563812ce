package io.mailbridge.imap;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.search.Filter;
import io.mailbridge.search.UidSet;
import jakarta.mail.Folder;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

/**
 * A folder opened read-write (SELECT) for UID commands: searches, and sends raw UID commands
 * through Angus's protocol access.
 */
public final class SelectedFolder implements AutoCloseable {
  private final ImapClient imap;
  private final IMAPFolder folder;
  private final String name;

  private SelectedFolder(ImapClient imap, IMAPFolder folder, String name) {
    this.imap = imap;
    this.folder = folder;
    this.name = name;
  }

  /** SELECTs the folder; a missing folder is a {@link BadInputException} naming it. */
  public static SelectedFolder open(ImapClient imap, String name) {
    return open(imap, name, false);
  }

  /**
   * Like {@link #open(ImapClient, String)}; with {@code vanished} and a server offering QRESYNC
   * (RFC 7162), {@code ENABLE QRESYNC} is sent first, so that expunges are reported as one
   * {@code * VANISHED 1:5000} line instead of one {@code * n EXPUNGE} per message: a move of 10,000
   * messages then costs the server and this client one line instead of 10,000. Only for moves:
   * QRESYNC implies CONDSTORE, under which every {@code STORE} (even {@code .SILENT}) answers with
   * a FETCH per message. ENABLE goes on the connection the SELECT then takes from Angus's pool
   * (the only one); had Angus taken another, that one reports EXPUNGEs as before.
   */
  public static SelectedFolder open(ImapClient imap, String name, boolean vanished) {
    Endpoint endpoint = imap.endpoint();
    try {
      IMAPFolder f = FolderPaths.folder(imap.store(), name);
      if (vanished && imap.store().hasCapability("QRESYNC")) {
        f.doCommand(p -> {
          if (!p.isEnabled("QRESYNC")) {
            try {
              p.enable("QRESYNC"); // RFC 5161: valid before SELECT only
            } catch (org.eclipse.angus.mail.iap.BadCommandException
                | org.eclipse.angus.mail.iap.CommandFailedException refused) {
              // a refusal just leaves the expunges reported one by one
            }
          }
          return null;
        });
      }
      f.open(Folder.READ_WRITE);
      return new SelectedFolder(imap, f, name);
    } catch (FolderNotFoundException e) {
      throw new BadInputException("folder '" + name + "' does not exist on " + endpoint.address()
          + ": check the name with `mailbridge folders`", e);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "SELECT " + name, e);
    }
  }

  public String name() {
    return name;
  }

  /**
   * The Angus folder, for UID commands only: its message cache does not follow the expunges made
   * through {@link #command} (see {@link #withoutExpunges}), so its sequence numbers and counts are
   * not to be used once a command here has expunged.
   */
  public IMAPFolder folder() {
    return folder;
  }

  /** UIDVALIDITY from the SELECT answer (no round trip). */
  public long uidValidity() {
    try {
      return folder.getUIDValidity();
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "UIDVALIDITY of " + name, e);
    }
  }

  /** One UID SEARCH in this folder. */
  public List<Long> search(Filter filter) {
    return UidSearch.run(imap.endpoint(), folder, filter);
  }

  /** The server's answer to one command. */
  public record Reply(boolean ok, String text, Optional<CopyUid> copyUid, Optional<String> copyUidIgnored) {
    public Reply(boolean ok, String text, Optional<CopyUid> copyUid) {
      this(ok, text, copyUid, Optional.empty());
    }

    /**
     * The COPYUID of a command on {@code asked}, when there is one to trust. One that could not be
     * used (beyond the folder's size, sets of unequal length) or that names UIDs not asked for is
     * dropped with a warning saying so: the caller then acts on exactly {@code asked}, as with a
     * server that sends no COPYUID, and never on a UID the server made up.
     */
    public Optional<CopyUid> copyUidFor(java.util.Collection<Long> asked, List<String> warnings) {
      copyUidIgnored.ifPresent(warnings::add);
      if (copyUid.isPresent() && !new java.util.HashSet<>(asked).containsAll(copyUid.get().source())) {
        warnings.add("the server's COPYUID names UIDs that were not asked for (" + io.mailbridge.connection.ServerText
            .shown(io.mailbridge.search.UidSet.format(copyUid.get().source()), 200) + "): it was ignored, the "
            + "target UIDs are unknown");
        return Optional.empty();
      }
      return copyUid;
    }
    /** RFC 3501 7.1: the server says the target mailbox does not exist. */
    public boolean tryCreate() {
      return text.toUpperCase(java.util.Locale.ROOT).contains("[TRYCREATE]");
    }
  }

  /**
   * Sends one command; a NO or BAD comes back as a {@link Reply} (the caller reports it per message),
   * a lost connection is thrown.
   */
  public Reply command(String command, Argument args) {
    return command(imap.endpoint(), folder, name, command, args);
  }

  /**
   * {@link #command(String, Argument)} on any open folder (a Receive post-action uses it on the folder
   * it read): UID commands without Angus's message objects, the expunges they cause not replayed into
   * Angus's cache.
   */
  public static Reply command(Endpoint endpoint, IMAPFolder folder, String name, String command, Argument args) {
    try {
      // A COPYUID names at most as many UIDs as the folder holds messages.
      long maxUids = Math.max(1, folder.getMessageCount());
      return (Reply) folder.doCommand(p -> {
        Response[] responses = p.command(command, args);
        Response last = responses[responses.length - 1];
        Optional<CopyUid> copyUid = Optional.empty();
        for (Response r : responses) {
          // RFC 6851 4.3: UID MOVE sends COPYUID in an untagged OK; UID COPY in the tagged OK.
          if (r.isOK() && copyUid.isEmpty()) {
            copyUid = CopyUid.find(r.toString(), maxUids);
          }
        }
        String text = last.toString();
        if (last.isTagged() && text.indexOf(' ') > 0) {
          text = text.substring(text.indexOf(' ') + 1);
        }
        p.notifyResponseHandlers(withoutExpunges(responses));
        if (last.isBYE()) {
          p.handleResult(last);
        }
        Optional<String> ignored = Optional.empty();
        if (copyUid.isEmpty()) {
          for (Response r : responses) {
            java.util.regex.Matcher m = COPYUID_CODE.matcher(r.toString());
            if (r.isOK() && m.find()) {
              ignored = Optional.of("the server's COPYUID '" + io.mailbridge.connection.ServerText.shown(m.group(), 200)
                  + "' could not be used (more UIDs than the folder's " + maxUids + " messages, or sets of unequal "
                  + "length): it was ignored, the target UIDs are unknown");
              break;
            }
          }
        }
        return new Reply(last.isOK(), text, copyUid, ignored);
      });
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, command + " in " + name, e);
    }
  }

  /** Whether the server of an open folder offers {@code capability} (RFC 3501 6.1.1). */
  public static boolean hasCapability(Endpoint endpoint, IMAPFolder folder, String capability) {
    try {
      return folder.getStore() instanceof IMAPStore s && s.hasCapability(capability);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "capabilities", e);
    }
  }

  private static final java.util.regex.Pattern COPYUID_CODE = java.util.regex.Pattern.compile(
      "\\[COPYUID\\s[^\\]]{0,200}\\]?", java.util.regex.Pattern.CASE_INSENSITIVE);

  /** The arguments {@code <uid set> <mailbox>}; the mailbox as it goes on the wire (modified UTF-7). */
  public static Argument setAndMailbox(String set, String wireMailbox) {
    Argument a = new Argument();
    a.writeAtom(set);
    a.writeString(wireMailbox);
    return a;
  }

  /** The argument {@code <uid set>}. */
  public static Argument atom(String set) {
    Argument a = new Argument();
    a.writeAtom(set);
    return a;
  }

  /** {@link #storeArgs(String, String, java.util.Collection)} with the flags named as IMAP writes them. */
  public static Argument storeArgs(String set, String item, jakarta.mail.Flags flags) {
    return storeArgs(set, item, flagNames(flags));
  }

  /** The flags as IMAP writes them: the system flags ({@code \\Seen}, ...), then the keywords. */
  public static List<String> flagNames(jakarta.mail.Flags flags) {
    List<String> out = new ArrayList<>();
    for (jakarta.mail.Flags.Flag s : flags.getSystemFlags()) {
      out.add(systemFlag(s));
    }
    out.addAll(List.of(flags.getUserFlags()));
    return out;
  }

  private static String systemFlag(jakarta.mail.Flags.Flag f) {
    if (f == jakarta.mail.Flags.Flag.SEEN) {
      return "\\Seen";
    } else if (f == jakarta.mail.Flags.Flag.ANSWERED) {
      return "\\Answered";
    } else if (f == jakarta.mail.Flags.Flag.DELETED) {
      return "\\Deleted";
    } else if (f == jakarta.mail.Flags.Flag.DRAFT) {
      return "\\Draft";
    } else if (f == jakarta.mail.Flags.Flag.FLAGGED) {
      return "\\Flagged";
    } else if (f == jakarta.mail.Flags.Flag.RECENT) {
      return "\\Recent";
    }
    return "\\User";
  }

  /** The arguments of {@code UID STORE}: {@code <uid set> <item> (<flags>)}. */
  public static Argument storeArgs(String set, String item, java.util.Collection<String> flags) {
    Argument a = new Argument();
    a.writeAtom(set);
    a.writeAtom(item);
    a.writeAtom("(" + String.join(" ", flags) + ")");
    return a;
  }

  /**
   * The responses minus untagged EXPUNGEs. Angus's message cache renumbers its whole sequence table
   * for every EXPUNGE it is given (work proportional to the folder size per response), so replaying
   * the n EXPUNGEs of a move or UID EXPUNGE of n messages costs O(n^2): 10,000 moved messages spent
   * more client time there than in reading the server's answer. Every command here addresses
   * messages by UID only and the outcome comes from the tagged reply and COPYUID, never from the
   * cache's sequence numbers, so nothing reads what these responses would have updated. The same
   * holds for VANISHED, the QRESYNC form of the same news. Everything else (EXISTS, FETCH, alerts,
   * BYE) still reaches the handlers.
   */
  static Response[] withoutExpunges(Response[] responses) {
    int kept = 0;
    Response[] out = new Response[responses.length];
    for (Response r : responses) {
      if (!(r instanceof IMAPResponse ir && !ir.isTagged() && (ir.keyEquals("EXPUNGE") || ir.keyEquals("VANISHED")))) {
        out[kept++] = r;
      }
    }
    return kept == responses.length ? responses : java.util.Arrays.copyOf(out, kept);
  }

  @Override
  public void close() {
    try {
      if (folder.isOpen()) {
        folder.close(false);
      }
    } catch (MessagingException e) {
      // the connection is closed next anyway
    }
  }
}
