package io.locus.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("ConfigReader")
class ConfigReaderTest {

  private static JsonObject json() {
    return new JsonObject()
        .put("name", "locus")
        .put("blank", "   ")
        .put("flag", true)
        .put("list", new JsonArray().add("a").add("b"))
        .put("net", new JsonObject()
            .put("port", 8080)
            .put("wholeDouble", 2.0)
            .put("inner", new JsonObject().put("maxBodyBytes", 10)));
  }

  private static ConfigReader reader() {
    return new ConfigReader(json());
  }

  @Test
  @DisplayName("reads strings, booleans, lists and integers of the expected types")
  void readsValues() {
    ConfigReader reader = reader();
    assertThat(reader.string("name")).isEqualTo("locus");
    assertThat(reader.nonBlank("name")).isEqualTo("locus");
    assertThat(reader.bool("flag")).isTrue();
    assertThat(reader.strings("list")).containsExactly("a", "b");
    assertThat(reader.section("net").integer("port", 1, 65535)).isEqualTo(8080);
    assertThat(reader.section("net").integer("wholeDouble", 0, 10)).isEqualTo(2);
    assertThat(reader.object("net").getInteger("port")).isEqualTo(8080);
  }

  @Test
  @DisplayName("accepts integers equal to either bound of the range")
  void boundsAreInclusive() {
    ConfigReader net = reader().section("net");
    assertThat(net.integer("port", 8080, 9000)).isEqualTo(8080);
    assertThat(net.integer("port", 1, 8080)).isEqualTo(8080);
  }

  static Stream<Arguments> failures() {
    return Stream.<Arguments>of(
        Arguments.of("missing string", (Consumer<ConfigReader>) r -> r.string("nope"),
            "'nope'", "LOCUS_NOPE", "is missing"),
        Arguments.of("missing nested integer", (Consumer<ConfigReader>) r -> r.section("net").integer("timeoutMs", 0, 9),
            "'net.timeoutMs'", "LOCUS_NET_TIMEOUT_MS", "is missing"),
        Arguments.of("missing section", (Consumer<ConfigReader>) r -> r.section("http"),
            "'http'", "LOCUS_HTTP", "is missing"),
        Arguments.of("string where integer expected", (Consumer<ConfigReader>) r -> r.integer("name", 0, 9),
            "'name'", "LOCUS_NAME", "must be an integer, got \"locus\""),
        Arguments.of("fractional integer", (Consumer<ConfigReader>) r -> new ConfigReader(new JsonObject().put("n", 1.5)).integer("n", 0, 9),
            "'n'", "LOCUS_N", "must be an integer"),
        Arguments.of("integer above range", (Consumer<ConfigReader>) r -> r.section("net").integer("port", 1, 1024),
            "'net.port'", "LOCUS_NET_PORT", "must be between 1 and 1024, got 8080"),
        Arguments.of("integer below range", (Consumer<ConfigReader>) r -> r.section("net").integer("port", 9000, 9999),
            "'net.port'", "LOCUS_NET_PORT", "must be between 9000 and 9999"),
        Arguments.of("integer beyond int", (Consumer<ConfigReader>) r -> new ConfigReader(new JsonObject().put("n", 1L << 40)).integer("n", 0, Integer.MAX_VALUE),
            "'n'", "LOCUS_N", "must be between"),
        Arguments.of("number where string expected", (Consumer<ConfigReader>) r -> r.section("net").string("port"),
            "'net.port'", "LOCUS_NET_PORT", "must be a string"),
        Arguments.of("blank string", (Consumer<ConfigReader>) r -> r.nonBlank("blank"),
            "'blank'", "LOCUS_BLANK", "must not be blank"),
        Arguments.of("string where boolean expected", (Consumer<ConfigReader>) r -> r.bool("name"),
            "'name'", "LOCUS_NAME", "must be true or false"),
        Arguments.of("string where list expected", (Consumer<ConfigReader>) r -> r.strings("name"),
            "'name'", "LOCUS_NAME", "must be a list of strings"),
        Arguments.of("list with a number", (Consumer<ConfigReader>) r -> new ConfigReader(new JsonObject().put("roles", new JsonArray().add("api").add(3))).strings("roles"),
            "'roles'", "LOCUS_ROLES", "must be a list of strings"),
        Arguments.of("string where section expected", (Consumer<ConfigReader>) r -> r.section("name"),
            "'name'", "LOCUS_NAME", "must be an object"),
        Arguments.of("list where object expected", (Consumer<ConfigReader>) r -> r.object("list"),
            "'list'", "LOCUS_LIST", "must be an object"),
        Arguments.of("deeply nested wrong type", (Consumer<ConfigReader>) r -> r.section("net").section("inner").string("maxBodyBytes"),
            "'net.inner.maxBodyBytes'", "LOCUS_NET_INNER_MAX_BODY_BYTES", "must be a string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  @DisplayName("every failure is a ConfigException naming the full key path and its environment variable")
  void failuresNameKeyAndVariable(String name, Consumer<ConfigReader> read, String key, String variable, String detail) {
    assertThatThrownBy(() -> read.accept(reader()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("(env " + variable + ")")
        .hasMessageContaining(detail);
  }

  @Test
  @DisplayName("a key whose value is JSON null counts as missing")
  void nullIsMissing() {
    assertThatThrownBy(() -> new ConfigReader(new JsonObject().putNull("host")).string("host"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'host' (env LOCUS_HOST) is missing");
  }
}
