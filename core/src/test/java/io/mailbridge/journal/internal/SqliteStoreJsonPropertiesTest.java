package io.mailbridge.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The journal's columns of JSON (properties, cache keys) are written through one generator per batch:
 * each value must read exactly as Jackson's {@code ObjectMapper.writeValueAsString} writes it, the
 * reference, also when many values follow each other through the same generator.
 */
class SqliteStoreJsonPropertiesTest {
  private static final ObjectMapper REFERENCE = new ObjectMapper();

  @Property(tries = 300)
  void aBatchOfValuesReadsAsTheMapperWritesEachAlone(@ForAll("batches") List<Object> values) throws Exception {
    StringWriter text = new StringWriter();
    List<String> ours = new ArrayList<>();
    List<String> reference = new ArrayList<>();
    try (JsonGenerator json = SqliteStore.generator(text)) {
      for (Object v : values) {
        ours.add(SqliteStore.json(json, text, v));
        reference.add(REFERENCE.writeValueAsString(v));
      }
    }
    assertThat(ours).isEqualTo(reference);
  }

  @Provide
  Arbitrary<List<Object>> batches() {
    return value(3).list().ofMinSize(1).ofMaxSize(6);
  }

  private static Arbitrary<Object> value(int depth) {
    // Any text: controls, quotes, backslashes, non-Latin scripts, characters outside the BMP, lone surrogates.
    Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30),
        Arbitraries.strings().withChars("\"\\/\u0000\u001f\u007f\u2028\u00e9\ud83d\ude00\ud800 <>&'").ofMaxLength(12));
    List<Arbitrary<?>> leaves = Arrays.asList(text, Arbitraries.integers(), Arbitraries.longs(),
        Arbitraries.of(true, false), Arbitraries.doubles(), Arbitraries.just(null));
    @SuppressWarnings("unchecked")
    Arbitrary<Object> leaf = (Arbitrary<Object>) (Arbitrary<?>) Arbitraries.oneOf((List) leaves);
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> inner = value(depth - 1);
    Arbitrary<Object> list = inner.list().ofMaxSize(4).map(l -> (Object) l);
    Arbitrary<Object> map = Arbitraries.maps(text, inner).ofMaxSize(5).map(m -> (Object) new LinkedHashMap<>(m));
    Arbitrary<Object> mixedKeys = Arbitraries.maps(Arbitraries.integers(), inner).ofMaxSize(3).map(m -> (Object) m);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, leaf), net.jqwik.api.Tuple.of(2, list),
        net.jqwik.api.Tuple.of(2, map), net.jqwik.api.Tuple.of(1, mixedKeys));
  }

  @Property(tries = 50)
  void aRecordsPropertiesReadAsTheMapperWritesThem(@ForAll("properties") Map<String, Object> props) throws Exception {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = SqliteStore.generator(text)) {
      assertThat(SqliteStore.json(json, text, props)).isEqualTo(REFERENCE.writeValueAsString(props));
      assertThat(SqliteStore.json(json, text, List.of("k1", "k2"))).isEqualTo("[\"k1\",\"k2\"]");
    }
  }

  @Provide
  Arbitrary<Map<String, Object>> properties() {
    return Arbitraries.maps(Arbitraries.of("subject", "uid", "toAddress", "flags", "size"),
        Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(20).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l), Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.strings().all().ofMaxLength(10).list().ofMaxSize(3).map(l -> (Object) l)))
        .map(m -> new LinkedHashMap<>(m));
  }
}
