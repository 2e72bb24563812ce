package io.mailbridge.fidelity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real-world message corpus under {@code src/test/resources/corpus/<origin>/}: one message per
 * {@code .eml} file, byte for byte as its source published it; each folder names its origin and
 * licence in {@code ORIGIN.md}.
 */
public final class Corpus {
  /** One message: {@code origin/file} and its bytes. */
  public record Message(String name, byte[] bytes) {}

  private Corpus() {}

  /** Every message, sorted by name. */
  public static List<Message> load() {
    URL root = Corpus.class.getResource("/corpus");
    if (root == null) {
      throw new IllegalStateException("no corpus on the test class path (src/test/resources/corpus)");
    }
    try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
      Path base = Path.of(root.toURI());
      return files.filter(f -> f.getFileName().toString().endsWith(".eml")).sorted()
          .map(f -> new Message(base.relativize(f).toString().replace('\\', '/'), read(f))).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The deliberate differences file (message, field, reason), from the test class path. */
  public static Path deliberateDifferences() {
    URL u = Corpus.class.getResource("/corpus/deliberate-differences.tsv");
    if (u == null) {
      throw new IllegalStateException("no corpus/deliberate-differences.tsv on the test class path");
    }
    try {
      return Path.of(u.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
