package io.locus.record;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ExactJson")
class ExactJsonTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "{\"lon\":-122.433287165,\"lat\":37.774929}",
    "{\"price\":1.10}",
    "{\"nested\":{\"a\":[2.50,{\"b\":0.10}]}}",
    "{\"big\":123456789012345678901234567890}",
    "{\"many\":3.14159265358979323846264338327950288}",
    "{\"zero\":0.000,\"neg\":-1.50}",
    "{\"int\":42,\"s\":\"1.10\",\"t\":true,\"n\":null}"
  })
  @DisplayName("numbers survive a parse and encode round trip with exactly the digits written")
  void roundTripIsExact(String text) {
    assertThat(ExactJson.parseObject(text).encode()).isEqualTo(text);
    assertThat(ExactJson.parseObject(Buffer.buffer(text)).encode()).isEqualTo(text);
  }

  @Test
  @DisplayName("a decimal number is held as a BigDecimal with its scale, not as a double")
  void decimalsAreBigDecimal() {
    JsonObject json = ExactJson.parseObject("{\"lon\":-122.433287165,\"p\":1.10}");
    assertThat(json.getValue("lon")).isEqualTo(new BigDecimal("-122.433287165"));
    assertThat(json.getValue("p")).isInstanceOf(BigDecimal.class);
    assertThat(((BigDecimal) json.getValue("p")).scale()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"v\":0.0000001}", "{\"v\":1000.0}", "{\"v\":-0.00001234}"})
  @DisplayName("a small or plain decimal keeps its exact value through a round trip")
  void exactValueKept(String text) {
    BigDecimal sent = new BigDecimal(text.substring(5, text.length() - 1));
    Object back = ExactJson.parseObject(ExactJson.parseObject(text).encode()).getValue("v");
    assertThat(back).isInstanceOf(BigDecimal.class);
    assertThat(((BigDecimal) back).compareTo(sent)).isZero();
    assertThat(((BigDecimal) back).scale()).isEqualTo(sent.scale());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("empty", "", "malformed JSON"),
        Arguments.of("whitespace only", "   ", "malformed JSON"),
        Arguments.of("literal null", "null", "a JSON object is required"),
        Arguments.of("array", "[1,2]", "a JSON object is required"),
        Arguments.of("number", "42", "a JSON object is required"),
        Arguments.of("string", "\"feature\"", "a JSON object is required"),
        Arguments.of("unclosed object", "{\"a\":1", "malformed JSON"),
        Arguments.of("missing value", "{\"a\":}", "malformed JSON"),
        Arguments.of("single quotes", "{'a':1}", "malformed JSON"),
        Arguments.of("unquoted key", "{a:1}", "malformed JSON"),
        Arguments.of("trailing comma", "{\"a\":1,}", "malformed JSON"),
        Arguments.of("second object", "{\"a\":1}{}", "malformed JSON"),
        Arguments.of("trailing garbage", "{\"a\":1} x", "malformed JSON"),
        Arguments.of("duplicate key", "{\"a\":1,\"a\":2}", "malformed JSON"),
        Arguments.of("nested duplicate key", "{\"p\":{\"x\":1,\"x\":1}}", "malformed JSON"),
        Arguments.of("NaN literal", "{\"a\":NaN}", "malformed JSON"),
        Arguments.of("Infinity literal", "{\"a\":-Infinity}", "malformed JSON"),
        Arguments.of("leading zero", "{\"a\":01}", "malformed JSON"),
        Arguments.of("hex number", "{\"a\":0x10}", "malformed JSON"),
        Arguments.of("comment", "/* c */{\"a\":1}", "malformed JSON"),
        Arguments.of("raw control char in string", "{\"a\":\"x\u0001y\"}", "malformed JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("text that is not exactly one JSON object is refused as invalid input")
  void malformedString(String name, String text, String message) {
    assertThatThrownBy(() -> ExactJson.parseObject(text))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("a body that is not exactly one JSON object is refused as invalid input")
  void malformedBuffer(String name, String text, String message) {
    String expected = text.isEmpty() ? "request body is empty" : message;
    assertThatThrownBy(() -> ExactJson.parseObject(Buffer.buffer(text)))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining(expected);
  }

  @Test
  @DisplayName("an array keeps its exact numbers and anything else is refused")
  void parseArray() {
    assertThat(ExactJson.parseArray("[-122.433287165,37.10]").encode()).isEqualTo("[-122.433287165,37.10]");
    assertThatThrownBy(() -> ExactJson.parseArray("{}"))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("a JSON array is required");
    assertThatThrownBy(() -> ExactJson.parseArray("[1,"))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("malformed JSON");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"1e-999999999", "1e999999999", "-1E-2147483647", "1E+2147483647", "0E-999999999", "1e401", "1e-401"})
  @DisplayName("a decimal with an exponent beyond ±400 is refused wherever it is, naming where, before anything formats it")
  void numberBombs(String bomb) {
    String text = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1," + bomb + "]}}";
    long started = System.nanoTime();
    assertThatThrownBy(() -> ExactJson.parseObject(Buffer.buffer(text)))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("geometry.coordinates[1]")
        .hasMessageContaining("exponent between -400 and 400");
    assertThatThrownBy(() -> ExactJson.parseObject("{\"properties\":{\"a\":[{\"b\":" + bomb + "}]}}"))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("properties.a[0].b");
    assertThatThrownBy(() -> ExactJson.parseArray("[" + bomb + "]")).isInstanceOf(Failure.class);
    assertThat(System.nanoTime() - started).as("nanoseconds to refuse").isLessThan(1_000_000_000L);
  }

  @Test
  @DisplayName("numbers within the bounds keep their digits, at the edges too")
  void numbersWithinBounds() {
    assertThat(ExactJson.parseObject("{\"a\":1e-400,\"b\":-1E+400,\"c\":-122.433287165}").encode())
        .isEqualTo("{\"a\":1E-400,\"b\":-1E+400,\"c\":-122.433287165}");
  }
}
