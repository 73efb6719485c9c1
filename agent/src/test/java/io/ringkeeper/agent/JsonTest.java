package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

  @Test
  void readsEveryKindOfValue() throws Exception {
    Object parsed = Json.parse(
        " {\"s\":\"a\\\"b\\\\c\\n\\u00e9\\/\",\"i\":-9223372036854775808,\"d\":1.5e2,\"t\":true,\"f\":false,"
            + "\"n\":null,\"a\":[1,[],{}],\"big\":123456789012345678901234567890} ");
    Map<?, ?> map = (Map<?, ?>) parsed;
    assertThat(map.get("s")).isEqualTo("a\"b\\c\né/");
    assertThat(map.get("i")).isEqualTo(Long.MIN_VALUE);
    assertThat(map.get("d")).isEqualTo(150.0);
    assertThat(map.get("t")).isEqualTo(true);
    assertThat(map.get("f")).isEqualTo(false);
    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.get("n")).isNull();
    assertThat(map.get("a")).isEqualTo(Arrays.asList(1L, List.of(), Map.of()));
    assertThat(map.get("big")).isEqualTo(new BigDecimal("123456789012345678901234567890"));
  }

  @Test
  void writesWhatItReads() throws Exception {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("text", "quote \" backslash \\ control \u0001 newline \n");
    value.put("long", Long.MAX_VALUE);
    value.put("double", 0.25);
    value.put("list", Arrays.asList("x", null, false));
    value.put("nested", Map.of("k", 1L));
    String written = Json.write(value);
    assertThat(Json.parse(written)).isEqualTo(value);
    assertThat(written).contains("\\u0001");
  }

  @Test
  void writesNanAndInfinityAsNull() {
    assertThat(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[null,null]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", "tru",
      "\"unterminated", "\"bad \\x escape\"", "\"ctl \u0001\"", "{} {}", "[1] x", "{\"a\":1,\"a\":2}", "NaN",
      "\"\\u12\""})
  void refusesMalformedInput(String text) {
    assertThatThrownBy(() -> Json.parse(text)).isInstanceOf(Json.ParseException.class)
        .hasMessageContaining("at character");
  }

  @Test
  void refusesDeepNestingInsteadOfOverflowingTheStack() {
    String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(Json.ParseException.class)
        .hasMessageContaining("nesting deeper than");
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.write(uncheckedParse(ok))).isEqualTo(ok);
  }

  private static Object uncheckedParse(String text) {
    try {
      return Json.parse(text);
    } catch (Json.ParseException e) {
      throw new AssertionError(e);
    }
  }
}
