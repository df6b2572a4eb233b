package io.locus.http;

import io.locus.ops.OpsSettings;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.auth.AuthSettings;
import io.locus.common.CallbackTargets;
import io.locus.common.ConfigKeys;
import io.locus.place.PlaceSettings;
import io.locus.place.Places;
import io.locus.query.LocalReads;
import io.locus.support.ApiContract;
import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The OpenAPI document describes the router, no more and no less")
class ApiDocumentTest {
  private static Vertx vertx;
  private static Router router;

  @BeforeAll
  static void router() {
    vertx = Vertx.vertx();
    JsonObject config = TestNode.config(Map.of());
    HttpSettings http = HttpSettings.from(config.getJsonObject(ConfigKeys.HTTP));
    Api api = new Api(vertx, http);
    router =
        HttpVerticle.router(
            vertx,
            api,
            new LocalReads(vertx, null),
            new Places(vertx, PlaceSettings.from(config.getJsonObject(ConfigKeys.PLACES))),
            new ChangeStreams(vertx, api),
            AuthSettings.from(config.getJsonObject(ConfigKeys.AUTH)),
            new CallbackTargets(true, false),
            ctx -> ctx.fail(500),
            OpsSettings.from(config));
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("it is a valid OpenAPI 3.1 document, each operation with a unique id, a summary, a tag and its answers")
  void valid() {
    ApiContract contract = ApiContract.get();
    assertThat(contract.document().getString("openapi")).isEqualTo("3.1.0");
    Set<String> ids = new HashSet<>();
    JsonObject paths = contract.document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (Map.Entry<String, Object> entry : paths.getJsonObject(path)) {
        if (!(entry.getValue() instanceof JsonObject operation) || !operation.containsKey("responses")) {
          continue;
        }
        String where = entry.getKey() + " " + path;
        assertThat(ids.add(operation.getString("operationId", ""))).as(where + ": a unique operationId").isTrue();
        assertThat(operation.getString("summary", "")).as(where + ": summary").isNotBlank();
        assertThat(operation.getJsonArray("tags", null)).as(where + ": tags").isNotEmpty();
        assertThat(operation.getJsonObject("responses").fieldNames()).as(where + ": responses").isNotEmpty();
      }
    }
    assertThat(ids).hasSizeGreaterThan(20);
  }

  @Test
  @DisplayName("every route of the router is documented, and every documented operation is routed")
  void routesMatchTheDocument() {
    Set<String> routed = new TreeSet<>();
    int regexRoutes = 0;
    for (Route route : router.getRoutes()) {
      if (route.methods() == null) {
        continue; // request ids, body reading, guards and catch-alls: every method, no operation of their own
      }
      String path = route.getPath();
      if (path == null) {
        regexRoutes++;
        continue; // a route by regex: the NDJSON upload, checked below
      }
      if (path.endsWith("/")) {
        continue; // a prefix (the docs page's scripts and styles)
      }
      route.methods().forEach(method -> routed.add(method.name() + " " + canonical(path.replaceAll(":([A-Za-z]+)", "{$1}"))));
    }
    Set<String> documented = new TreeSet<>();
    List<String> ndjson = new ArrayList<>();
    for (ApiContract.Operation operation : ApiContract.get().operations()) {
      String sample = operation.template().replaceAll("\\{[^}]+}", "layer");
      if (operation.method().equals("POST") && sample.matches(NdjsonIngest.pathRegex())) {
        ndjson.add(operation.template());
        continue;
      }
      documented.add(operation.method() + " " + canonical(operation.template()));
    }
    assertThat(documented).as("documented operations (the .json suffix optional)").containsExactlyElementsOf(routed);
    assertThat(regexRoutes).as("routes by regex").isEqualTo(1);
    assertThat(ndjson).as("the documented NDJSON upload").containsExactly("/0.1/records/{layer}.ndjson");
  }

  @Test
  @DisplayName("the API viewer's release in the jar is the one the docs page loads")
  void viewerIsInTheJar() {
    assertThat(getClass().getClassLoader().getResource(ApiDocs.SWAGGER_UI_RESOURCES + "/swagger-ui-bundle.js")).isNotNull();
    assertThat(getClass().getClassLoader().getResource(ApiDocs.DOCUMENT_RESOURCE)).isNotNull();
  }

  /** A path without its optional final {@code .json}. */
  private static String canonical(String path) {
    return path.endsWith(".json") ? path.substring(0, path.length() - ".json".length()) : path;
  }
}
