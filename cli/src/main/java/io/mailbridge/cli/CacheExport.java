package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.mime.FileNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge cache export}: the attachments of a message as files under their own (sanitised) names. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Copy the matching entries (usually --message-id ID: a message's attachments are found by its Message-ID) into "
        + "OUTDIR under their sanitised file names. An existing file is never replaced unless --overwrite is given: it "
        + "is reported \"status\":\"exists\" and the exit code is 3. Two attachments with the same name get "
        + "'name (2).ext'. Each copy is checked against the stored SHA-256. One JSON line per file.",
        "Example: mailbridge cache export --cache-dir ./attachments --message-id '<invoice-42@example.com>' --to ./out"})
final class CacheExport implements Callable<Integer> {
  @Mixin
  CacheCommand.Dir dir;

  @Mixin
  CacheCommand.Criteria criteria;

  @Option(names = "--to", paramLabel = "OUTDIR", required = true, description = "Directory to write the files to "
      + "(created when missing).")
  Path to;

  @Option(names = "--overwrite", description = "Replace files that already exist in OUTDIR (default: keep them and "
      + "report them).")
  boolean overwrite;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!criteria.any()) {
      throw new BadInputException("nothing selected: give --message-id ID (or --key, --folder, --uid, --name, --since)");
    }
    DocumentCache cache = dir.open();
    List<DocumentCache.Entry> found = cache.find(criteria.query());
    if (found.isEmpty()) {
      throw new BadInputException("no attachments in " + cache.directory() + " match: check the Message-ID with "
          + "`mailbridge cache list --cache-dir " + dir.dir + "`");
    }
    try {
      Files.createDirectories(to);
    } catch (IOException e) {
      throw new BadInputException("--to " + to + " cannot be created (" + e.getMessage() + ")", e);
    }
    int exit = ExitCodes.OK;
    Set<String> taken = new HashSet<>();
    for (DocumentCache.Entry e : found) {
      String name = unique(FileNames.sanitize(e.fileName(), "part-" + e.partPath()), taken);
      Path target = to.resolve(name).normalize();
      if (!target.getParent().equals(to.normalize())) {
        throw new BadInputException("refusing to write " + target + ": outside --to " + to);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", e.key());
      m.put("fileName", e.fileName());
      m.put("path", target.toAbsolutePath().toString());
      m.put("size", e.size());
      m.put("sha256", e.sha256());
      boolean existed = Files.exists(target);
      if (existed && !overwrite) {
        m.put("status", "exists");
        spec.commandLine().getErr().println("mailbridge: " + target + " exists: not replaced (--overwrite replaces it)");
        exit = ExitCodes.PARTIAL;
      } else {
        copy(cache, e, target, existed);
        m.put("status", existed ? "overwritten" : "exported");
      }
      Json.line(spec.commandLine().getOut(), m);
    }
    spec.commandLine().getErr().flush();
    return exit;
  }

  /** {@code a.pdf}, then {@code a (2).pdf}, {@code a (3).pdf}... for names already used in this export. */
  static String unique(String name, Set<String> taken) {
    String candidate = name;
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int n = 2; !taken.add(candidate.toLowerCase(java.util.Locale.ROOT)); n++) {
      candidate = base + " (" + n + ")" + ext;
    }
    return candidate;
  }

  /** Through a temporary file in OUTDIR, checked against the stored hash, then renamed into place. */
  private static void copy(DocumentCache cache, DocumentCache.Entry e, Path target, boolean replace) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".export-", ".tmp");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = cache.open(e.key());
          OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE), sha)) {
        in.transferTo(out);
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      if (!hash.equals(e.sha256())) {
        throw new BadInputException("Document Cache entry " + e.key() + " is damaged: its bytes hash to " + hash
            + ", its metadata says " + e.sha256() + "; receive the message again");
      }
      if (replace) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          // A plain link-then-remove: never replaces a file that appeared since the check above.
          Files.createLink(target, tmp);
        } catch (UnsupportedOperationException | IOException noLinks) {
          if (noLinks instanceof FileAlreadyExistsException) {
            throw new BadInputException(target + " appeared while exporting: not replaced");
          }
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    } catch (NoSuchAlgorithmException x) {
      throw new IllegalStateException("JDK without SHA-256", x);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
