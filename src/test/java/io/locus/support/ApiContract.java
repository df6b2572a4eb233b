package io.locus.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI 3.1 document ({@code src/main/resources/openapi/locus.json}), read once,
 * checked against the OpenAPI 3.1 meta-schema and with its references resolved, by Vert.x's
 * OpenAPI and JSON Schema libraries. It tells which documented operation a request is, and
 * whether an answer is one the document promises: {@link Http} checks every answer it receives,
 * so every integration test checks the document as well.
 */
public final class ApiContract {
  private static final Path DOCUMENT = Path.of("src/main/resources/openapi/locus.json");
  private static final JsonSchemaOptions DRAFT = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("app:///");
  private static ApiContract loaded;

  /** One documented operation: {@code pattern} matches the raw paths it answers (the {@code .json} suffix optional). */
  public record Operation(String id, String method, String template, Pattern pattern, JsonObject responses) {
    /** Characters of the template outside its parameters: the more, the more specific. */
    int literalLength() {
      return template.replaceAll("\\{[^}]+}", "").length();
    }
  }

  private final JsonObject document;
  private final List<Operation> operations = new ArrayList<>();

  private ApiContract(JsonObject document, JsonObject resolved) {
    this.document = document;
    resolved.getJsonObject("paths").forEach(path -> {
      if (!(path.getValue() instanceof JsonObject item)) {
        return; // a marker the resolver leaves, not a path
      }
      for (Map.Entry<String, Object> operation : item) {
        if (operation.getValue() instanceof JsonObject described && described.containsKey("responses")) {
          operations.add(new Operation(
              described.getString("operationId"),
              operation.getKey().toUpperCase(Locale.ROOT),
              path.getKey(),
              pattern(path.getKey()),
              described.getJsonObject("responses")));
        }
      }
    });
  }

  /** The document, loaded at the first call; fails when it is not a valid OpenAPI 3.1 document. */
  public static synchronized ApiContract get() {
    if (loaded == null) {
      loaded = load();
    }
    return loaded;
  }

  private static ApiContract load() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject document = new JsonObject(Files.readString(DOCUMENT));
      SchemaRepository metaSchemas = OpenAPIVersion.V3_1.getRepository(vertx, "app:///").await();
      OutputUnit valid = OpenAPIVersion.V3_1.validateContract(vertx, metaSchemas, document.copy()).await();
      if (!Boolean.TRUE.equals(valid.getValid())) {
        throw new AssertionError(DOCUMENT + " is not a valid OpenAPI 3.1 document: " + valid.toJson().encodePrettily());
      }
      return new ApiContract(document, OpenAPIVersion.V3_1.resolve(vertx, metaSchemas, document.copy()).await());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      vertx.close().await();
    }
  }

  /** The document as written. */
  public JsonObject document() {
    return document;
  }

  /** Every documented operation. */
  public List<Operation> operations() {
    return List.copyOf(operations);
  }

  /** The most specific documented operation that answers {@code method} on {@code rawPath}, if any. */
  public Optional<Operation> find(String method, String rawPath) {
    return operations.stream()
        .filter(operation -> operation.method().equals(method) && operation.pattern().matcher(rawPath).matches())
        .max(Comparator.comparingInt(Operation::literalLength));
  }

  /**
   * Fails when an answer to {@code method} on {@code rawPath} is not one the document promises:
   * a status it does not list (server errors and 429 may fall to {@code default}), a media type
   * it does not list, or a JSON body its schema refuses. Requests on no documented route are not
   * checked (they are the router's 404 and 405).
   */
  public void check(String method, String rawPath, int status, String contentType, String body) {
    Optional<Operation> found = find(method, rawPath);
    if (found.isEmpty()) {
      return;
    }
    Operation operation = found.get();
    String where = method + " " + rawPath + " (" + operation.id() + ") answered " + status;
    JsonObject response = operation.responses().getJsonObject(String.valueOf(status));
    if (response == null && (status >= 500 || status == 429)) {
      response = operation.responses().getJsonObject("default");
    }
    if (response == null) {
      throw new AssertionError(where + ": a status the document does not list for it; body " + body);
    }
    JsonObject content = response.getJsonObject("content");
    if (content == null || content.isEmpty() || body == null || body.isEmpty()) {
      return;
    }
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonObject media = content.getJsonObject(mediaType);
    if (media == null) {
      throw new AssertionError(where + " as " + mediaType + ": the document lists " + content.fieldNames());
    }
    if (!mediaType.endsWith("json") || !media.containsKey("schema")) {
      return;
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new AssertionError(where + ": not JSON: " + body, e);
    }
    OutputUnit result = Validator.create(JsonSchema.of(media.getJsonObject("schema")), DRAFT).validate(json);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError(where + ": the body does not match the document's schema: "
          + result.getErrors() + System.lineSeparator() + "body " + abbreviated(body));
    }
  }

  private static String abbreviated(String body) {
    return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "…";
  }

  /** A path template as a regex of raw paths: each {@code {name}} one segment, a final {@code .json} optional. */
  static Pattern pattern(String template) {
    boolean jsonSuffix = template.endsWith(".json");
    String stem = jsonSuffix ? template.substring(0, template.length() - ".json".length()) : template;
    StringBuilder regex = new StringBuilder();
    Matcher parameter = Pattern.compile("\\{[^}]+}").matcher(stem);
    int at = 0;
    while (parameter.find()) {
      regex.append(Pattern.quote(stem.substring(at, parameter.start()))).append("[^/]+?");
      at = parameter.end();
    }
    regex.append(Pattern.quote(stem.substring(at)));
    if (jsonSuffix) {
      regex.append("(?:\\.json)?");
    }
    return Pattern.compile(regex.toString());
  }
}
