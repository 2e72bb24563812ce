package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.document.DocumentCache;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheCommandTest {
  @TempDir Path tmp;
  Path cache;
  DocumentCache.Entry invoice;

  private static DocumentCache.PartMeta meta(long uid, String part, String name, String messageId) {
    return new DocumentCache.PartMeta(new DocumentCache.PartId("alice@imap.example.com:993", "INBOX", 9, uid, part),
        name, "application/pdf", messageId, false, Optional.empty());
  }

  @BeforeEach
  void fill() throws Exception {
    cache = tmp.resolve("attachments");
    DocumentCache c = DocumentCache.open(cache);
    invoice = c.put(new ByteArrayInputStream("%PDF invoice".getBytes(StandardCharsets.UTF_8)),
        meta(42, "2", "../../Rechnung 42.pdf", "<invoice-42@billing.example.com>"));
    c.put(new ByteArrayInputStream("a,b".getBytes(StandardCharsets.UTF_8)),
        meta(42, "3", "Rechnung 42.pdf", "<invoice-42@billing.example.com>"));
    c.put(new ByteArrayInputStream(new byte[300]), meta(43, "2", "other.pdf", "<other@x>"));
  }

  @Test
  void listFindsTheAttachmentsOfAMessageByItsMessageIdAsJsonLines() throws Exception {
    Cli r = Cli.run("cache", "list", "--cache-dir", cache.toString(), "--message-id", "invoice-42@billing.example.com");
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = CliTest.lines(r.out());
    assertThat(lines).hasSize(2);
    JsonNode first = lines.get(0);
    assertThat(first.path("key").asText()).isEqualTo(invoice.key());
    assertThat(first.path("messageId").asText()).isEqualTo("<invoice-42@billing.example.com>");
    assertThat(first.path("mailbox").asText()).isEqualTo("alice@imap.example.com:993");
    assertThat(first.path("folder").asText()).isEqualTo("INBOX");
    assertThat(first.path("uid").asLong()).isEqualTo(42);
    assertThat(first.path("path").asText()).isEqualTo(invoice.path().toString());
    assertThat(CliTest.lines(Cli.run("cache", "list", "--cache-dir", cache.toString(), "--folder", "INBOX", "--uid",
        "43").out())).hasSize(1);
  }

  @Test
  void exportWritesSanitisedNamesAndNeverReplacesAFileWithoutSayingSo() throws Exception {
    Path out = tmp.resolve("out");
    Cli r = Cli.run("cache", "export", "--cache-dir", cache.toString(), "--message-id",
        "<invoice-42@billing.example.com>", "--to", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = CliTest.lines(r.out());
    assertThat(lines).extracting(n -> n.path("status").asText()).containsExactly("exported", "exported");
    // "../../Rechnung 42.pdf" lands inside OUTDIR; the second attachment of the same name gets "(2)".
    assertThat(Files.readString(out.resolve("Rechnung 42.pdf"))).isEqualTo("%PDF invoice");
    assertThat(Files.readString(out.resolve("Rechnung 42 (2).pdf"))).isEqualTo("a,b");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("Rechnung 42.pdf",
          "Rechnung 42 (2).pdf");
    }

    Files.writeString(out.resolve("Rechnung 42.pdf"), "my edited copy");
    Cli again = Cli.run("cache", "export", "--cache-dir", cache.toString(), "--message-id",
        "<invoice-42@billing.example.com>", "--to", out.toString());
    assertThat(again.exit()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(CliTest.lines(again.out())).extracting(n -> n.path("status").asText()).containsExactly("exists", "exists");
    assertThat(again.err()).contains("exists: not replaced (--overwrite replaces it)");
    assertThat(Files.readString(out.resolve("Rechnung 42.pdf"))).isEqualTo("my edited copy");

    Cli forced = Cli.run("cache", "export", "--cache-dir", cache.toString(), "--message-id",
        "<invoice-42@billing.example.com>", "--to", out.toString(), "--overwrite");
    assertThat(forced.exit()).isZero();
    assertThat(CliTest.lines(forced.out())).extracting(n -> n.path("status").asText())
        .containsExactly("overwritten", "overwritten");
    assertThat(Files.readString(out.resolve("Rechnung 42.pdf"))).isEqualTo("%PDF invoice");
  }

  @Test
  void exportOfAnUnknownMessageIdIsBadInputNamingHowToLook() {
    Cli r = Cli.run("cache", "export", "--cache-dir", cache.toString(), "--message-id", "<nope@x>", "--to",
        tmp.resolve("o").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("no attachments in").contains("mailbridge cache list");
  }

  @Test
  void getDeletePruneAndStats() throws Exception {
    Cli get = Cli.run("cache", "get", "--cache-dir", cache.toString(), "--key", invoice.key());
    assertThat(get.exit()).isZero();
    assertThat(CliTest.lines(get.out()).get(0).path("sha256").asText()).isEqualTo(invoice.sha256());

    JsonNode stats = CliTest.lines(Cli.run("cache", "stats", "--cache-dir", cache.toString()).out()).get(0);
    assertThat(stats.path("entries").asLong()).isEqualTo(3);
    assertThat(stats.path("messages").asLong()).isEqualTo(2);
    assertThat(stats.path("totalBytes").asLong()).isEqualTo(12 + 3 + 300);

    Cli refused = Cli.run("cache", "delete", "--cache-dir", cache.toString());
    assertThat(refused.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(refused.err()).contains("--all");
    Cli del = Cli.run("cache", "delete", "--cache-dir", cache.toString(), "--message-id", "<other@x>");
    assertThat(CliTest.lines(del.out())).extracting(n -> n.path("status").asText()).containsExactly("deleted");

    Cli prune = Cli.run("cache", "prune", "--cache-dir", cache.toString(), "--max-size", "10");
    assertThat(prune.exit()).as(prune.err()).isZero();
    JsonNode p = CliTest.lines(prune.out()).get(0);
    assertThat(p.path("deletedEntries").asLong()).isEqualTo(1); // the oldest: the invoice PDF
    assertThat(p.path("keptBytes").asLong()).isEqualTo(3);
    Cli badAge = Cli.run("cache", "prune", "--cache-dir", cache.toString(), "--older-than", "soon");
    assertThat(badAge.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(badAge.err()).contains("--older-than 'soon' is not a duration");
  }
}
