package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
  @TempDir
  Path dir;

  @Test
  void readsFirstLineOfFileWithoutLineEnding() throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "hunter2\r\nignored\n");
    Secret s = Secret.fromFile(f);
    assertThat(s.reveal()).isEqualTo("hunter2");
    assertThat(s).hasToString("***");
  }

  @Test
  void emptyOrMissingFileIsAClearError() throws Exception {
    Path f = dir.resolve("empty");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> Secret.fromFile(f)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is empty: write the password on its first line");
    assertThatThrownBy(() -> Secret.fromFile(dir.resolve("nope"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> Secret.of(" ")).isInstanceOf(ConfigException.class);
  }
}
