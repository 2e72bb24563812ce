package io.mailbridge.bench.jmh;

import io.mailbridge.document.Attachment;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.mime.MessageParser;
import io.mailbridge.search.Filter;
import io.mailbridge.search.SearchCompiler;
import io.mailbridge.testkit.TestMessages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Micro-benchmarks of the hot paths a receive profile shows: MIME parse of one ~4.3 KB message
 * (the bench folder's kind, with and without an attachment), search compile, and a Document Cache
 * write of a new 2 KB attachment. Run with {@code bench/run --jmh} (short) or JMH options.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class HotPaths {
  private static final DocumentCache.PartId ID = new DocumentCache.PartId("alice@host:993", "INBOX", 1, 1, "0");
  private static final MessageParser.PartSink<Attachment> HASH_ONLY = (in, meta) -> {
    try {
      long size = in.transferTo(OutputStream.nullOutputStream());
      return new Attachment(meta.path(), meta.fileName(), meta.contentType(), size, "", meta.inline(),
          meta.contentId(), Optional.empty(), Optional.empty());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  };

  @Param({"plain", "attachment"})
  public String kind;

  private byte[] message;
  private final Filter filter = Filter.and(Filter.from("billing@example.com"), Filter.subject("Rechnung März"),
      Filter.receivedSince(LocalDate.of(2026, 1, 1)), Filter.unseen(), Filter.or(Filter.largerThan(1000),
          Filter.header("X-Priority", "1")));

  private Path cacheDir;
  private DocumentCache cache;
  private final AtomicLong uid = new AtomicLong();
  private final byte[] attachment = new byte[2048];

  @Setup
  public void setUp() throws IOException {
    // TestMessages.bulk: every 10th message carries a 2 KB attachment.
    List<byte[]> bulk = TestMessages.bulk("bench@example.com", "alice@example.test", 10);
    message = kind.equals("plain") ? bulk.get(1) : bulk.get(0);
  }

  @Setup(Level.Trial)
  public void openCache() throws IOException {
    cacheDir = Files.createTempDirectory(Path.of(System.getProperty("bench.cacheBase", "bench/target")), "jmh-cache");
    cache = DocumentCache.open(cacheDir);
  }

  @TearDown(Level.Trial)
  public void deleteCache() throws IOException {
    try (var files = Files.walk(cacheDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public MessageParser.Parsed<Attachment> mimeParse() throws Exception {
    return MessageParser.parse(new ByteArrayInputStream(message), MessageParser.Body.TEXT, false, 1 << 20, HASH_ONLY);
  }

  @Benchmark
  public SearchCompiler.Compiled searchCompile() {
    return SearchCompiler.compile(filter);
  }

  /** A new entry each time (blob + metadata): what a first receive does per attachment. */
  @Benchmark
  public DocumentCache.Entry cacheWrite() {
    DocumentCache.PartId id = new DocumentCache.PartId("alice@host:993", "INBOX", 1, uid.incrementAndGet(), "2");
    return cache.put(new ByteArrayInputStream(attachment), new DocumentCache.PartMeta(id, "report.pdf",
        "application/pdf", "<m@x>", false, Optional.empty()));
  }
}
