package io.mailbridge.mime;

import io.mailbridge.document.Attachment;
import io.mailbridge.document.DocumentCache;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Child-JVM side of {@link MalformedMimeMemoryTest}: parses each file with the default limits, storing
 * attachments in a real Document Cache, and prints one line per file:
 * {@code name ok|skipped millis attachments firstWarningOrReason}.
 */
public final class HostileMimeMain {
  private static final DocumentCache.PartId MESSAGE = new DocumentCache.PartId("alice@h:993", "hd-mime", 1, 1, "0");

  private HostileMimeMain() {}

  public static void main(String[] args) throws Exception {
    DocumentCache cache = DocumentCache.open(Path.of(args[0]));
    for (int i = 1; i < args.length; i++) {
      Path file = Path.of(args[i]);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
        MalformedMimeTest.Outcome o = MalformedMimeTest.parse(in, MessageParser.Limits.defaults(16L << 20),
            (s, meta) -> store(cache, s, meta));
        String what = o.error() != null ? "skipped " + o.cpuMillis() + " 0 " + o.error().getMessage()
            : "ok " + o.cpuMillis() + " " + o.parsed().attachments().size() + " "
                + (o.parsed().warnings().isEmpty() ? "-" : String.join(" | ", o.parsed().warnings()));
        System.out.println(file.getFileName() + " " + what.replace('\n', ' '));
      }
    }
    System.out.println("max-heap-used " + (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()));
  }

  private static Attachment store(DocumentCache cache, InputStream s, Part meta) {
    DocumentCache.Entry e = cache.put(s, DocumentCache.PartMeta.of(MESSAGE, meta));
    return new Attachment(e.partPath(), e.fileName(), e.contentType(), e.size(), e.sha256(), e.inline(),
        e.contentId(), Optional.of(e.key()), Optional.of(e.path()));
  }
}
