package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Fuzz target for {@link FileNames#sanitize}: whatever a sender writes as an attachment name, the
 * result is one safe path segment (no separators, no NUL or control characters, not "." or "..",
 * at most 255 UTF-8 bytes), and sanitising it again changes nothing.
 */
class FileNamesFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void sanitize(String name) {
    String s = FileNames.sanitize(name, "part-1.bin");
    assertThat(s).isNotEmpty().isNotIn(".", "..").doesNotContain("/", "\\", "\0");
    assertThat(s.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    assertThat(s.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
    assertThat(Path.of("/cache").resolve(s).normalize().getParent()).isEqualTo(Path.of("/cache"));
    assertThat(FileNames.sanitize(s, "part-1.bin")).isEqualTo(s);
  }
}
