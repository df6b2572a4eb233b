package io.locus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.common.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("LocusConfig")
class LocusConfigTest {
  private static final Path SHIPPED = Path.of("conf/locus.json");

  @TempDir Path dir;

  private static JsonObject shipped() {
    try {
      return new JsonObject(Files.readString(SHIPPED, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + SHIPPED.toAbsolutePath(), e);
    }
  }

  private Path write(JsonObject json) throws IOException {
    Path file = dir.resolve("locus.json");
    Files.writeString(file, json.encodePrettily(), StandardCharsets.UTF_8);
    return file;
  }

  private JsonObject loadMutated(Consumer<JsonObject> mutation, Map<String, String> env) throws IOException {
    JsonObject json = shipped();
    mutation.accept(json);
    return LocusConfig.load(write(json), env);
  }

  @Test
  @DisplayName("the shipped conf/locus.json loads and validates without overrides")
  void shippedConfigLoads() {
    JsonObject config = LocusConfig.load(SHIPPED, Map.of());
    assertThat(config).isEqualTo(shipped());
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(8080);
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("missing http.port",
            (Consumer<JsonObject>) j -> j.getJsonObject("http").remove("port"),
            "http.port", "LOCUS_HTTP_PORT", "is missing"),
        Arguments.of("missing rabbitmq section",
            (Consumer<JsonObject>) j -> j.remove("rabbitmq"),
            "rabbitmq", "LOCUS_RABBITMQ", "is missing"),
        Arguments.of("missing cassandra.localDatacenter",
            (Consumer<JsonObject>) j -> j.getJsonObject("cassandra").remove("localDatacenter"),
            "cassandra.localDatacenter", "LOCUS_CASSANDRA_LOCAL_DATACENTER", "is missing"),
        Arguments.of("missing instance count of a configured role",
            (Consumer<JsonObject>) j -> j.getJsonObject("instances").remove("writer"),
            "instances.writer", "LOCUS_INSTANCES_WRITER", "is missing"),
        Arguments.of("port as a string",
            (Consumer<JsonObject>) j -> j.getJsonObject("http").put("port", "8080"),
            "http.port", "LOCUS_HTTP_PORT", "must be an integer"),
        Arguments.of("host as a number",
            (Consumer<JsonObject>) j -> j.getJsonObject("rabbitmq").put("host", 127),
            "rabbitmq.host", "LOCUS_RABBITMQ_HOST", "must be a string"),
        Arguments.of("roles as a string",
            (Consumer<JsonObject>) j -> j.put("roles", "api"),
            "roles", "LOCUS_ROLES", "must be a list of strings"),
        Arguments.of("http section as a list",
            (Consumer<JsonObject>) j -> j.put("http", new JsonArray()),
            "http", "LOCUS_HTTP", "must be an object"),
        Arguments.of("http port above 65535",
            (Consumer<JsonObject>) j -> j.getJsonObject("http").put("port", 70000),
            "http.port", "LOCUS_HTTP_PORT", "must be between 0 and 65535, got 70000"),
        Arguments.of("negative http port",
            (Consumer<JsonObject>) j -> j.getJsonObject("http").put("port", -1),
            "http.port", "LOCUS_HTTP_PORT", "must be between"),
        Arguments.of("rabbitmq port 0",
            (Consumer<JsonObject>) j -> j.getJsonObject("rabbitmq").put("port", 0),
            "rabbitmq.port", "LOCUS_RABBITMQ_PORT", "must be between 1 and 65535, got 0"),
        Arguments.of("cassandra port above 65535",
            (Consumer<JsonObject>) j -> j.getJsonObject("cassandra").put("port", 65536),
            "cassandra.port", "LOCUS_CASSANDRA_PORT", "must be between 1 and 65535"),
        Arguments.of("zero shards",
            (Consumer<JsonObject>) j -> j.getJsonObject("rabbitmq").put("shards", 0),
            "rabbitmq.shards", "LOCUS_RABBITMQ_SHARDS", "must be between"),
        Arguments.of("blank rabbitmq user",
            (Consumer<JsonObject>) j -> j.getJsonObject("rabbitmq").put("user", " "),
            "rabbitmq.user", "LOCUS_RABBITMQ_USER", "must not be blank"),
        Arguments.of("unknown role",
            (Consumer<JsonObject>) j -> j.put("roles", new JsonArray().add("api").add("cook")),
            "roles", "LOCUS_ROLES", "unknown role \"cook\""),
        Arguments.of("no roles",
            (Consumer<JsonObject>) j -> j.put("roles", new JsonArray()),
            "roles", "LOCUS_ROLES", "at least one role"),
        Arguments.of("unknown profile",
            (Consumer<JsonObject>) j -> j.put("profile", "staging"),
            "profile", "LOCUS_PROFILE", "development or production"),
        Arguments.of("replication without class",
            (Consumer<JsonObject>) j -> j.getJsonObject("cassandra").getJsonObject("replication").remove("class"),
            "cassandra.replication.class", "LOCUS_CASSANDRA_REPLICATION_CLASS", "is missing"),
        Arguments.of("keyspace that is not a CQL identifier",
            (Consumer<JsonObject>) j -> j.getJsonObject("cassandra").put("keyspace", "Bad-Name"),
            "cassandra.keyspace", "LOCUS_CASSANDRA_KEYSPACE", "Bad-Name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  @DisplayName("a bad value in the file stops loading with a message naming the key and its variable")
  void badFileValues(String name, Consumer<JsonObject> mutation, String key, String variable, String detail) {
    assertThatThrownBy(() -> loadMutated(mutation, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(variable)
        .hasMessageContaining(detail);
  }

  @Test
  @DisplayName("an integer key is overridden from the environment")
  void envOverridesInteger() {
    JsonObject config = LocusConfig.load(SHIPPED, Map.of("LOCUS_HTTP_PORT", "9191", "LOCUS_RABBITMQ_SHARDS", "16"));
    assertThat(config.getJsonObject("http").getInteger("port")).isEqualTo(9191);
    assertThat(config.getJsonObject("rabbitmq").getInteger("shards")).isEqualTo(16);
  }

  @Test
  @DisplayName("the role list is overridden from the environment as a comma-separated list")
  void envOverridesList() {
    JsonObject config = LocusConfig.load(SHIPPED, Map.of("LOCUS_ROLES", "api, query"));
    assertThat(config.getJsonArray("roles").getList()).containsExactly("api", "query");
  }

  @Test
  @DisplayName("a boolean key in the file is overridden from the environment")
  void envOverridesBoolean() throws IOException {
    JsonObject config =
        loadMutated(j -> j.getJsonObject("http").put("gzip", false), Map.of("LOCUS_HTTP_GZIP", "true"));
    assertThat(config.getJsonObject("http").getBoolean("gzip")).isTrue();
  }

  static Stream<Arguments> badEnv() {
    return Stream.of(
        Arguments.of("LOCUS_HTTP_PORT", "80eighty", "http.port", "must be an integer"),
        Arguments.of("LOCUS_HTTP_PORT", "8080.0", "http.port", "must be an integer"),
        Arguments.of("LOCUS_RABBITMQ_PREFETCH", "lots", "rabbitmq.prefetch", "must be an integer"),
        Arguments.of("LOCUS_HTTP_PORT", "123456", "http.port", "must be between 0 and 65535"),
        Arguments.of("LOCUS_INSTANCES_API", "0", "instances.api", "must be between 1 and 256"),
        Arguments.of("LOCUS_ROLES", "api,cook", "roles", "unknown role \"cook\""),
        Arguments.of("LOCUS_ROLES", " , ", "roles", "at least one role"),
        Arguments.of("LOCUS_CASSANDRA_HOST", "  ", "cassandra.host", "must not be blank"));
  }

  @ParameterizedTest(name = "{0}=\"{1}\"")
  @MethodSource("badEnv")
  @DisplayName("a bad value from the environment stops loading with a message naming the key and the variable")
  void badEnvValues(String variable, String raw, String key, String detail) {
    assertThatThrownBy(() -> LocusConfig.load(SHIPPED, Map.of(variable, raw)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(variable)
        .hasMessageContaining(detail);
  }

  @Test
  @DisplayName("a file that does not exist is reported with its path")
  void missingFile() {
    Path absent = dir.resolve("absent.json");
    assertThatThrownBy(() -> LocusConfig.load(absent, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read config file")
        .hasMessageContaining(absent.toString());
  }

  @Test
  @DisplayName("a file that is not JSON is reported with its path")
  void notJson() throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{ \"profile\": ", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LocusConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid JSON")
        .hasMessageContaining(file.toString());
  }

  private static final Path PRODUCTION_EXAMPLE = Path.of("conf/locus.production.example.json");
  private static final Map<String, String> PRODUCTION_SECRETS =
      Map.of(
          "LOCUS_AUTH_ADMIN_KEY", "k7Qe9mZ2vX4pL8sR1tY6uW3oN5aB0cDf",
          "LOCUS_RABBITMQ_PASSWORD", "broker-secret");

  @Test
  @DisplayName("the production example loads once its secrets come from the environment")
  void productionExampleLoadsWithSecrets() {
    JsonObject config = LocusConfig.load(PRODUCTION_EXAMPLE, PRODUCTION_SECRETS);
    assertThat(config.getString("profile")).isEqualTo("production");
  }

  static Stream<Arguments> developmentDefaultsInProduction() {
    return Stream.of(
        Arguments.of("the example's placeholder admin key", Map.of("LOCUS_AUTH_ADMIN_KEY", "set LOCUS_AUTH_ADMIN_KEY"), "auth.adminKey"),
        Arguments.of("the development admin key", Map.of("LOCUS_AUTH_ADMIN_KEY", "locus-development-admin-key"), "auth.adminKey"),
        Arguments.of("a short admin key", Map.of("LOCUS_AUTH_ADMIN_KEY", "short-key"), "auth.adminKey"),
        Arguments.of("a development consumer", Map.of("LOCUS_AUTH_DEV_CONSUMER_KEY", "locus-dev", "LOCUS_AUTH_DEV_CONSUMER_SECRET", "locus-dev-secret"), "auth.devConsumerKey"),
        Arguments.of("the broker's guest password", Map.of("LOCUS_RABBITMQ_PASSWORD", "guest"), "rabbitmq.password"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("developmentDefaultsInProduction")
  @DisplayName("the production profile refuses to start with a development default")
  void productionRefusesDevelopmentDefaults(String name, Map<String, String> env, String key) {
    Map<String, String> merged = new java.util.HashMap<>(PRODUCTION_SECRETS);
    merged.putAll(env);
    assertThatThrownBy(() -> LocusConfig.load(PRODUCTION_EXAMPLE, merged))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining("production");
  }

  @Test
  @DisplayName("the development configuration with its defaults is refused once its profile says production")
  void developmentFileAsProduction() {
    assertThatThrownBy(() -> LocusConfig.load(SHIPPED, Map.of("LOCUS_PROFILE", "production")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("production");
  }
}
