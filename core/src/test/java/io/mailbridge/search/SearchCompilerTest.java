package io.mailbridge.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SearchCompilerTest {
  @Test
  void compilesCombinedFilterToImapKeys() {
    Filter f = Filter.and(Filter.unseen(), Filter.from("invoices@example.com"), Filter.subject("Invoice 42"),
        Filter.receivedSince(LocalDate.of(2026, 11, 1)), Filter.largerThan(1000));
    assertThat(SearchCompiler.toImap(f))
        .isEqualTo("UNSEEN FROM \"invoices@example.com\" SUBJECT \"Invoice 42\" SINCE 1-Nov-2026 LARGER 1000");
    assertThat(SearchCompiler.compile(f).utf8()).isFalse();
  }

  @Test
  void orIsBinaryInImap() {
    assertThat(SearchCompiler.toImap(Filter.or(Filter.from("a"), Filter.from("b"), Filter.from("c"))))
        .isEqualTo("OR FROM \"a\" OR FROM \"b\" FROM \"c\"");
  }

  @Test
  void betweenIncludesBothDays() {
    assertThat(SearchCompiler.toImap(Filter.receivedBetween(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31))))
        .isEqualTo("SINCE 1-Jan-2026 BEFORE 1-Feb-2026");
    // Inside OR / NOT a conjunction must stay one search key, so it keeps its parentheses.
    assertThat(SearchCompiler.toImap(Filter.not(Filter.receivedBetween(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 31)))))
        .isEqualTo("NOT (SINCE 1-Jan-2026 BEFORE 1-Feb-2026)");
    assertThatThrownBy(() -> Filter.receivedBetween(LocalDate.of(2026, 2, 1), LocalDate.of(2026, 1, 1)))
        .isInstanceOf(BadInputException.class).hasMessageContaining("is empty");
  }

  @Test
  void nonAsciiNeedsCharset() {
    assertThat(SearchCompiler.compile(Filter.subject("Rechnung für März")).utf8()).isTrue();
    assertThat(SearchCompiler.compile(Filter.not(Filter.subject("Überfällig"))).utf8()).isTrue();
  }

  @Test
  void messageIdGetsAngleBrackets() {
    assertThat(SearchCompiler.toImap(Filter.messageId("abc@x"))).isEqualTo("HEADER Message-ID \"<abc@x>\"");
  }

  @Test
  void injectionAttemptsAreRejected() {
    assertThatThrownBy(() -> Filter.subject("x\r\nA9 DELETE INBOX")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("CR, LF or NUL");
    assertThatThrownBy(() -> Filter.raw("ALL\r\nA9 LOGOUT")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> Filter.header("X Bad", "v")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> Filter.keyword("a b")).isInstanceOf(BadInputException.class);
  }

  @Test
  void uidSetsCompressAndParse() {
    assertThat(UidSet.format(java.util.List.of(5L, 1L, 2L, 3L, 7L, 8L))).isEqualTo("1:3,5,7:8");
    // Ascending input takes the path without a sorted copy; repeats and disorder still come out sorted and unique.
    assertThat(UidSet.format(java.util.List.of(1L, 2L, 3L, 5L, 7L, 8L))).isEqualTo("1:3,5,7:8");
    assertThat(UidSet.format(java.util.List.of(1L, 2L, 2L, 3L))).isEqualTo("1:3");
    assertThat(UidSet.format(java.util.List.of(4_294_967_295L))).isEqualTo("4294967295");
    assertThat(UidSet.format(new java.util.TreeSet<>(java.util.List.of(9L, 3L, 4L)))).isEqualTo("3:4,9");
    assertThat(UidSet.parse("12,15:17")).containsExactly(12L, 15L, 16L, 17L);
    assertThat(UidSet.chunks(java.util.List.of(1L, 2L, 3L, 10L), 2)).containsExactly("1:2", "3,10");
    assertThatThrownBy(() -> UidSet.parse("1:*")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> UidSet.parse("0")).isInstanceOf(BadInputException.class);
  }

  @Test
  void keysSayWhatIsSentNestedAsTheServerMustReadThem() {
    // OR takes two keys: an AND inside it is one parenthesized key; a header's name is ASCII, its text UTF-8.
    Filter f = Filter.or(Filter.and(Filter.seen(), Filter.largerThan(1024)), Filter.header("X-Ref", "März"));
    SearchCompiler.Compiled c = SearchCompiler.compile(f);
    assertThat(c.utf8()).isTrue();
    assertThat(c.keys()).containsExactly(new SearchKey.Atom("OR"),
        new SearchKey.Group(java.util.List.of(new SearchKey.Atom("SEEN"), new SearchKey.Atom("LARGER"),
            new SearchKey.Number(1024))),
        new SearchKey.Atom("HEADER"), new SearchKey.Text("X-Ref", false), new SearchKey.Text("März", true));
    assertThat(c.display()).isEqualTo("OR (SEEN LARGER 1024) HEADER X-Ref \"März\"");
  }

  @Test
  void theSearchApiShowsNoProtocolLibrarysType() {
    for (Class<?> type : java.util.List.of(SearchCompiler.class, SearchCompiler.Compiled.class, Filter.class, UidSet.class,
        SearchKey.class)) {
      for (java.lang.reflect.Method m : type.getMethods()) {
        java.util.List<String> shown = new java.util.ArrayList<>();
        shown.add(m.getGenericReturnType().getTypeName());
        for (java.lang.reflect.Type p : m.getGenericParameterTypes()) {
          shown.add(p.getTypeName());
        }
        assertThat(shown).as(type.getSimpleName() + "." + m.getName())
            .noneMatch(n -> n.contains("org.eclipse.angus") || n.contains("com.sun.mail"));
      }
    }
  }
}
