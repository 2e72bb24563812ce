package io.mailbridge.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.AuthException;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  private static final String HINT = "run `mailbridge auth login --profile work` again";
  @TempDir
  Path dir;

  private static Tokens tokens(String access, String refresh) {
    return new Tokens(Secret.of(access), Optional.of(Secret.of(refresh)), Instant.parse("2030-01-01T00:00:00Z"),
        Instant.parse("2029-12-31T23:00:00Z"), List.of("openid", "email"), Optional.of("alice@example.test"));
  }

  @Test
  void savesOwnerOnlyInAPrivateDirectoryAndReadsBack() throws Exception {
    TokenStore store = TokenStore.at(dir.resolve("tokens/work.json")).withLoginHint(HINT);
    store.save(tokens("a1", "r1"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file().getParent())))
        .isEqualTo("rwx------");
    assertThat(store.load()).contains(tokens("a1", "r1"));
  }

  @Test
  void replacesAtomicallyWithoutLeavingTemporaryFiles() throws Exception {
    TokenStore store = TokenStore.at(dir.resolve("work.json"));
    store.save(tokens("a1", "r1"));
    Object inodeBefore = Files.getAttribute(store.file(), "unix:ino");
    store.save(tokens("a2", "r2"));
    // A new file moved over the old one (rename), never the old one rewritten in place.
    assertThat(Files.getAttribute(store.file(), "unix:ino")).isNotEqualTo(inodeBefore);
    assertThat(store.require().refreshToken()).contains(Secret.of("r2"));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("work.json");
    }
  }

  @Test
  void refusesAFileOthersCanRead() throws Exception {
    TokenStore store = TokenStore.at(dir.resolve("work.json")).withLoginHint(HINT);
    store.save(tokens("a1", "r1"));
    Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(store::load).isInstanceOf(ConfigException.class)
        .hasMessageContaining("has permissions rw-r--r--").hasMessageContaining("chmod 600 " + store.file())
        .hasMessageContaining(HINT);
  }

  @Test
  void corruptFileIsAClearErrorThatDoesNotEchoTheContent() throws Exception {
    Path file = dir.resolve("work.json");
    Files.writeString(file, "{\"version\":1,\"accessToken\":\"secret-token-value\"");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    TokenStore store = TokenStore.at(file).withLoginHint(HINT);
    assertThatThrownBy(store::load).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is corrupt").hasMessageContaining(HINT).hasMessageNotContaining("secret-token-value")
        .hasNoCause();
    Files.writeString(file, "{\"version\":1,\"accessToken\":\"x\",\"expiresAt\":\"tomorrow\",\"obtainedAt\":\"now\"}");
    assertThatThrownBy(store::load).isInstanceOf(ConfigException.class).hasMessageContaining("is corrupt");
  }

  @Test
  void missingFileIsEmptyAndRequireSaysHowToLogIn() {
    TokenStore store = TokenStore.at(dir.resolve("none.json")).withLoginHint(HINT);
    assertThat(store.load()).isEmpty();
    assertThatThrownBy(store::require).isInstanceOf(AuthException.class).hasMessageContaining("not logged in")
        .hasMessageContaining(HINT);
    assertThat(store.delete()).isFalse();
  }

  @Test
  void tokensNeverShowInToString() {
    assertThat(tokens("access-xyz", "refresh-xyz").toString()).doesNotContain("access-xyz", "refresh-xyz")
        .contains("alice@example.test");
  }
}
