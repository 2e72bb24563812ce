package io.mailbridge.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailbridge.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for filters built from untrusted text (CLI options, Kafka Connect config) and their
 * compilation to {@code UID SEARCH}: either a {@link BadInputException} naming the problem, or a
 * search whose display has no line break (no command or log injection).
 */
class SearchFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void compile(FuzzedDataProvider data) {
    try {
      Filter f = filter(data, 0);
      SearchCompiler.Compiled c = SearchCompiler.compile(f);
      assertThat(c.display()).doesNotContain("\r", "\n", "\0");
    } catch (BadInputException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static Filter filter(FuzzedDataProvider data, int depth) {
    int kind = data.consumeInt(0, depth > 3 ? 8 : 11);
    return switch (kind) {
      case 0 -> Filter.subject(data.consumeString(200));
      case 1 -> Filter.from(data.consumeString(200));
      case 2 -> Filter.body(data.consumeString(200));
      case 3 -> Filter.header(data.consumeString(40), data.consumeString(200));
      case 4 -> Filter.keyword(data.consumeString(40));
      case 5 -> Filter.raw(data.consumeString(200));
      case 6 -> Filter.messageId(data.consumeString(200));
      case 7 -> Filter.largerThan(data.consumeLong());
      case 8 -> Filter.unseen();
      case 9 -> Filter.not(filter(data, depth + 1));
      case 10 -> Filter.or(filter(data, depth + 1), filter(data, depth + 1));
      default -> {
        List<Filter> all = new ArrayList<>();
        int n = data.consumeInt(1, 4);
        for (int i = 0; i < n; i++) {
          all.add(filter(data, depth + 1));
        }
        yield Filter.and(all);
      }
    };
  }
}
