package io.locus.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("EnvOverrides")
class EnvOverridesTest {

  private static JsonObject config() {
    return new JsonObject()
        .put("profile", "development")
        .put("roles", new JsonArray().add("api").add("writer"))
        .put("http", new JsonObject().put("port", 8080).put("compress", false).put("publicBaseUrl", ""))
        .put("rabbitmq", new JsonObject().put("confirmTimeoutMs", 1500))
        .put("cassandra", new JsonObject()
            .put("replication", new JsonObject().put("class", "SimpleStrategy").put("replication_factor", 1)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "profile, LOCUS_PROFILE",
    "http.port, LOCUS_HTTP_PORT",
    "http.publicBaseUrl, LOCUS_HTTP_PUBLIC_BASE_URL",
    "http.maxBodyBytes, LOCUS_HTTP_MAX_BODY_BYTES",
    "rabbitmq.confirmTimeoutMs, LOCUS_RABBITMQ_CONFIRM_TIMEOUT_MS",
    "rabbitmq.virtualHost, LOCUS_RABBITMQ_VIRTUAL_HOST",
    "cassandra.replication.replication_factor, LOCUS_CASSANDRA_REPLICATION_REPLICATION_FACTOR",
    "instances.api, LOCUS_INSTANCES_API",
  })
  @DisplayName("names the variable of a dotted key as LOCUS_ plus the path in upper snake case")
  void variableFor(String path, String variable) {
    assertThat(EnvOverrides.variableFor(path)).isEqualTo(variable);
  }

  @Test
  @DisplayName("an integer key is overridden with the number the variable gives")
  void overridesInteger() {
    JsonObject result = EnvOverrides.apply(config(), Map.of("LOCUS_HTTP_PORT", " 9090 "));
    assertThat(result.getJsonObject("http").getValue("port")).isEqualTo(9090L);
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource({"true, true", "TRUE, true", "False, false", "false, false"})
  @DisplayName("a boolean key is overridden by true or false in any case")
  void overridesBoolean(String raw, boolean expected) {
    JsonObject result = EnvOverrides.apply(config(), Map.of("LOCUS_HTTP_COMPRESS", raw));
    assertThat(result.getJsonObject("http").getValue("compress")).isEqualTo(expected);
  }

  @Test
  @DisplayName("a list key is overridden by a comma-separated value, trimmed, empty items dropped")
  void overridesList() {
    JsonObject result = EnvOverrides.apply(config(), Map.of("LOCUS_ROLES", " api , query,, "));
    assertThat(result.getJsonArray("roles").getList()).containsExactly("api", "query");
  }

  @Test
  @DisplayName("a string key is overridden with the trimmed text of the variable")
  void overridesString() {
    JsonObject result = EnvOverrides.apply(config(), Map.of("LOCUS_PROFILE", " production "));
    assertThat(result.getString("profile")).isEqualTo("production");
  }

  @Test
  @DisplayName("a key nested two sections deep is overridden by its own variable")
  void overridesNestedKey() {
    JsonObject result =
        EnvOverrides.apply(config(), Map.of("LOCUS_CASSANDRA_REPLICATION_REPLICATION_FACTOR", "3"));
    assertThat(result.getJsonObject("cassandra").getJsonObject("replication").getValue("replication_factor"))
        .isEqualTo(3L);
  }

  @Test
  @DisplayName("the input is left untouched and variables that match no key are ignored")
  void copiesAndIgnoresUnknown() {
    JsonObject original = config();
    JsonObject result =
        EnvOverrides.apply(original, Map.of("LOCUS_HTTP_PORT", "1", "LOCUS_NO_SUCH_KEY", "x", "PATH", "/bin"));
    assertThat(original).isEqualTo(config());
    assertThat(result.getJsonObject("http").getValue("port")).isEqualTo(1L);
    assertThat(result.fieldNames()).isEqualTo(original.fieldNames());
    assertThat(result.getJsonObject("http").fieldNames()).isEqualTo(original.getJsonObject("http").fieldNames());
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("LOCUS_HTTP_PORT", "eighty", "http.port"),
        Arguments.of("LOCUS_HTTP_PORT", "80.5", "http.port"),
        Arguments.of("LOCUS_HTTP_PORT", "", "http.port"),
        Arguments.of("LOCUS_HTTP_PORT", "99999999999999999999", "http.port"),
        Arguments.of("LOCUS_RABBITMQ_CONFIRM_TIMEOUT_MS", "1.5s", "rabbitmq.confirmTimeoutMs"),
        Arguments.of("LOCUS_HTTP_COMPRESS", "yes", "http.compress"),
        Arguments.of("LOCUS_HTTP_COMPRESS", "1", "http.compress"));
  }

  @ParameterizedTest(name = "{0}=\"{1}\"")
  @MethodSource("badValues")
  @DisplayName("a value that is not of the key's type is refused with a message naming the key and the variable")
  void refusesWrongType(String variable, String raw, String key) {
    assertThatThrownBy(() -> EnvOverrides.apply(config(), Map.of(variable, raw)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(variable)
        .hasMessageContaining(key);
  }
}
