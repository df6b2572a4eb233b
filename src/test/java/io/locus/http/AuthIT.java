package io.locus.http;

import io.locus.ops.OpsSettings;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.auth.AuthSettings;
import io.locus.auth.OAuthSignature;
import io.locus.auth.OAuthSignature.Param;
import io.locus.common.CallbackTargets;
import io.locus.common.ConfigKeys;
import io.locus.place.PlaceSettings;
import io.locus.place.Places;
import io.locus.ops.OpsRoutes;
import io.locus.query.LocalReads;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.OAuthClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Authentication, tenancy and rate limits, end to end")
class AuthIT {
  private static final String ADMIN_KEY = AuthSettings.DEVELOPMENT_ADMIN_KEY;
  private static final String POINT = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4,37.7]}}";
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  /** A new consumer made through the admin surface: {key, secret, …}. */
  private static JsonObject newConsumer(JsonObject body) {
    Response created = admin("POST", "/admin/consumers", body.encode(), ADMIN_KEY);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static Http as(JsonObject consumer) {
    return NODE.http().as(consumer.getString("key"), consumer.getString("secret"));
  }

  private static Response admin(String method, String path, String body, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(NODE.http().base() + path))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return NODE.http().exchange(request.build());
  }

  /**
   * A request signed by our own signature code with chosen protocol parameters, for the cases a
   * correct client library will not produce (stale timestamps, missing parameters…).
   */
  private static Response crafted(String method, String path, Map<String, String> oauth, String secret) {
    String url = NODE.http().base() + path;
    URI uri = URI.create(url);
    List<Param> params = new ArrayList<>();
    oauth.forEach((name, value) -> params.add(new Param(name, value)));
    params.addAll(OAuthSignature.decodeForm(uri.getRawQuery()));
    String base =
        OAuthSignature.baseString(method, OAuthSignature.baseStringUri("http", uri.getRawAuthority(), uri.getRawPath()), params);
    StringBuilder header = new StringBuilder("OAuth ");
    oauth.forEach((name, value) -> header.append(name).append("=\"").append(OAuthSignature.percentEncode(value)).append("\", "));
    header.append("oauth_signature=\"").append(OAuthSignature.percentEncode(OAuthSignature.hmacSha1(base, secret, ""))).append('"');
    return NODE.http().exchange(HttpRequest.newBuilder(uri).method(method, BodyPublishers.noBody()).header("Authorization", header.toString()).build());
  }

  private static Map<String, String> oauth(long timestamp) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("oauth_consumer_key", Http.DEV_KEY);
    params.put("oauth_nonce", UUID.randomUUID().toString());
    params.put("oauth_signature_method", "HMAC-SHA1");
    params.put("oauth_timestamp", String.valueOf(timestamp));
    params.put("oauth_version", "1.0");
    return params;
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static Response send(String method, String path, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(NODE.http().base() + path)).method(method, BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return NODE.http().exchange(request.build());
  }

  @Nested
  @DisplayName("signatures")
  class Signatures {
    @Test
    @DisplayName("no credentials: 401 with WWW-Authenticate: OAuth and a JSON error")
    void missing() {
      Response response = NODE.http().unsigned().get("/0.1/layers");
      assertThat(response.status()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).startsWith("OAuth");
      assertThat(response.json().getInteger("code")).isEqualTo(401);
    }

    @Test
    @DisplayName("every route but the health checks, metrics and the API description refuses an unsigned request before any handler runs")
    void everyRouteIsCovered() {
      Router router =
          HttpVerticle.router(
              NODE.node().vertx(),
              new Api(NODE.node().vertx(), HttpSettings.from(NODE.node().config.getJsonObject(ConfigKeys.HTTP))),
              new LocalReads(NODE.node().vertx(), null),
              new Places(NODE.node().vertx(), PlaceSettings.from(NODE.node().config.getJsonObject(ConfigKeys.PLACES))),
              new ChangeStreams(NODE.node().vertx(), new Api(NODE.node().vertx(), HttpSettings.from(NODE.node().config.getJsonObject(ConfigKeys.HTTP)))),
              AuthSettings.from(NODE.node().config.getJsonObject(ConfigKeys.AUTH)),
              new CallbackTargets(true, false),
              ctx -> ctx.fail(500),
              OpsSettings.from(NODE.node().config));
      List<String> checked = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        String path = route.getPath();
        if (path == null || OpsRoutes.PATHS.contains(path) || ApiDocs.PATHS.contains(path) || MapPage.PATHS.contains(path) || path.endsWith("/")) {
          continue; // open on purpose; the body handler and catch-alls carry no path of their own
        }
        String concrete = path.replaceAll(":[a-z]+", "it.x");
        List<String> methods =
            route.methods() == null ? List.of("GET") : route.methods().stream().map(Object::toString).toList();
        for (String method : methods) {
          Response response = send(method, concrete, null);
          assertThat(response.status()).as(method + " " + concrete).isEqualTo(401);
          assertThat(response.header("WWW-Authenticate")).as(method + " " + concrete)
              .startsWith(path.startsWith("/admin") ? "Bearer" : "OAuth");
          checked.add(method + " " + concrete);
        }
      }
      assertThat(checked).hasSizeGreaterThan(15);
      assertThat(send("GET", "/no/such/path", null).status()).isEqualTo(401);
      for (String open : OpsRoutes.PATHS) {
        assertThat(send("GET", open, null).status()).as(open).isIn(200, 503);
      }
      for (String open : ApiDocs.PATHS) {
        assertThat(send("GET", open, null).status()).as(open).isEqualTo(200);
      }
      for (String open : MapPage.PATHS) {
        assertThat(send("GET", open, null).status()).as(open).isEqualTo(200);
      }
    }

    @Test
    @DisplayName("a request signed by an independent OAuth library (ScribeJava) with a query is accepted")
    void independentLibrary() {
      String layer = NODE.http().newLayer("it.auth.");
      Response nearby = NODE.http().get("/0.1/records/" + layer + "/nearby/37.7,-122.4.json?radius=1000&limit=5&prop.name=a%20b");
      assertThat(nearby.status()).as(nearby.body()).isEqualTo(200);
    }

    @Test
    @DisplayName("a wrong secret, an unknown key, a changed query: 401")
    void wrongSignature() {
      assertThat(NODE.http().as(Http.DEV_KEY, "not-the-secret").get("/0.1/layers").status()).isEqualTo(401);
      Response unknown = NODE.http().as("no-such-consumer", "whatever-secret").get("/0.1/layers");
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(unknown.json().getString("message")).contains("consumer");
      String header = new OAuthClient(Http.DEV_KEY, Http.DEV_SECRET).authorization("GET", NODE.http().base() + "/0.1/layers?limit=5");
      Response tampered = send("GET", "/0.1/layers?limit=6", header);
      assertThat(tampered.status()).isEqualTo(401);
      assertThat(tampered.json().getString("message")).isEqualTo("invalid signature");
    }

    @Test
    @DisplayName("a timestamp outside the window: 401; inside it: accepted")
    void staleTimestamp() {
      assertThat(crafted("GET", "/0.1/layers", oauth(now() - 301 - 5), Http.DEV_SECRET).status()).isEqualTo(401);
      assertThat(crafted("GET", "/0.1/layers", oauth(now() + 301 + 5), Http.DEV_SECRET).status()).isEqualTo(401);
      assertThat(crafted("GET", "/0.1/layers", oauth(now() - 200), Http.DEV_SECRET).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a replayed request (same nonce and timestamp): 401")
    void replay() {
      String header = new OAuthClient(Http.DEV_KEY, Http.DEV_SECRET).authorization("GET", NODE.http().base() + "/0.1/layers");
      assertThat(send("GET", "/0.1/layers", header).status()).isEqualTo(200);
      Response replayed = send("GET", "/0.1/layers", header);
      assertThat(replayed.status()).isEqualTo(401);
      assertThat(replayed.json().getString("message")).contains("nonce");
    }

    @Test
    @DisplayName("incomplete or unsupported OAuth parameters: 400; a token: 401")
    void malformed() {
      Map<String, String> noNonce = oauth(now());
      noNonce.remove("oauth_nonce");
      assertThat(crafted("GET", "/0.1/layers", noNonce, Http.DEV_SECRET).status()).isEqualTo(400);
      Map<String, String> plaintext = oauth(now());
      plaintext.put("oauth_signature_method", "PLAINTEXT");
      assertThat(crafted("GET", "/0.1/layers", plaintext, Http.DEV_SECRET).status()).isEqualTo(400);
      Map<String, String> token = oauth(now());
      token.put("oauth_token", "abc");
      assertThat(crafted("GET", "/0.1/layers", token, Http.DEV_SECRET).status()).isEqualTo(401);
      assertThat(send("GET", "/0.1/layers", "OAuth oauth_consumer_key=unquoted").status()).isEqualTo(400);
    }

    @Test
    @DisplayName("form-encoded body parameters are part of the signature")
    void formBody() {
      OAuthClient signer = new OAuthClient(Http.DEV_KEY, Http.DEV_SECRET);
      String path = "/0.1/layers/it.auth.form.json";
      String header = signer.authorization("PUT", NODE.http().base() + path, Map.of("title", "a b"));
      Response signed = NODE.http().exchange(form(path, "title=a+b", header));
      // Signed correctly, it reaches the handler, which wants JSON.
      assertThat(signed.status()).isEqualTo(400);
      assertThat(signed.json().getString("message")).doesNotContain("signature");
      String other = signer.authorization("PUT", NODE.http().base() + path, Map.of("title", "a b"));
      assertThat(NODE.http().exchange(form(path, "title=a+c", other)).status()).isEqualTo(401);
    }

    private HttpRequest form(String path, String body, String header) {
      return HttpRequest.newBuilder(URI.create(NODE.http().base() + path))
          .PUT(BodyPublishers.ofString(body))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("Authorization", header)
          .build();
    }
  }

  @Nested
  @DisplayName("tenancy")
  class Tenancy {
    @Test
    @DisplayName("a private layer is invisible to another consumer: 404 for every read and write, 409 on its name")
    void privateLayer() {
      Http owner = as(newConsumer(new JsonObject().put("name", "owner")));
      Http other = as(newConsumer(new JsonObject().put("name", "other")));
      String layer = owner.newLayer("it.private.");
      assertThat(owner.put("/0.1/records/" + layer + "/r1.json", POINT).status()).isEqualTo(202);
      owner.awaitStatus("/0.1/records/" + layer + "/r1.json", 200);

      assertThat(other.get("/0.1/layers/" + layer + ".json").status()).isEqualTo(404);
      assertThat(other.get("/0.1/records/" + layer + "/r1.json").status()).isEqualTo(404);
      assertThat(other.get("/0.1/records/" + layer + "/r1/history.json").status()).isEqualTo(404);
      assertThat(other.get("/0.1/records/" + layer + "/nearby/37.7,-122.4.json?radius=1000").status()).isEqualTo(404);
      assertThat(other.put("/0.1/records/" + layer + "/r2.json", POINT).status()).isEqualTo(404);
      assertThat(other.delete("/0.1/records/" + layer + "/r1.json").status()).isEqualTo(404);
      assertThat(other.delete("/0.1/layers/" + layer + ".json").status()).isEqualTo(404);
      Response taken = other.put("/0.1/layers/" + layer + ".json", "{\"public\":true}");
      assertThat(taken.status()).isEqualTo(409);
      assertThat(other.get("/0.1/layers.json").json().getJsonArray("layers").encode()).doesNotContain(layer);

      JsonObject mine = owner.get("/0.1/layers/" + layer + ".json").json();
      assertThat(mine.getBoolean("public")).isFalse();
      assertThat(mine.containsKey("owner")).isFalse();
      assertThat(owner.get("/0.1/layers.json").json().getJsonArray("layers").encode()).contains(layer);
      assertThat(owner.get("/0.1/records/" + layer + "/r1.json").status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a public layer is readable by any consumer and writable only by its owner (403)")
    void publicLayer() {
      Http owner = as(newConsumer(new JsonObject().put("name", "owner")));
      Http other = as(newConsumer(new JsonObject().put("name", "reader")));
      String layer = owner.newLayer("it.public.");
      assertThat(owner.put("/0.1/layers/" + layer + ".json", "{\"public\":true}").status()).isEqualTo(200);
      assertThat(owner.put("/0.1/records/" + layer + "/r1.json", POINT).status()).isEqualTo(202);
      owner.awaitStatus("/0.1/records/" + layer + "/r1.json", 200);

      Response read = other.get("/0.1/layers/" + layer + ".json");
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.json().containsKey("owner")).isFalse();
      // The owner's read may have come from Cassandra while the node loaded the layer, and the
      // next from memory, where the write shows once its change arrived: both are polled.
      other.awaitStatus("/0.1/records/" + layer + "/r1.json", 200);
      Eventually.await(
          Duration.ofSeconds(20),
          () -> other.get("/0.1/records/" + layer + "/nearby/37.7,-122.4.json?radius=1000").json().getJsonArray("features").size(),
          size -> size == 1);
      assertThat(other.put("/0.1/records/" + layer + "/r2.json", POINT).status()).isEqualTo(403);
      assertThat(other.delete("/0.1/layers/" + layer + ".json").status()).isEqualTo(403);
      assertThat(other.put("/0.1/layers/" + layer + ".json", "{}").status()).isEqualTo(409);
      assertThat(owner.get("/0.1/layers/" + layer + ".json").status()).isEqualTo(200);
    }
  }

  @Nested
  @DisplayName("consumers and limits")
  class Consumers {
    @Test
    @DisplayName("the admin surface needs its key; creates, lists without secrets, revokes at once")
    void adminLifecycle() {
      assertThat(admin("GET", "/admin/consumers", null, null).status()).isEqualTo(401);
      assertThat(admin("GET", "/admin/consumers", null, "wrong").status()).isEqualTo(401);
      assertThat(admin("POST", "/admin/consumers", "{\"name\":42}", ADMIN_KEY).status()).isEqualTo(400);

      JsonObject consumer = newConsumer(new JsonObject().put("name", "to revoke"));
      assertThat(consumer.getString("secret")).hasSizeGreaterThanOrEqualTo(40);
      assertThat(as(consumer).get("/0.1/layers.json").status()).isEqualTo(200);

      String listed = admin("GET", "/admin/consumers", null, ADMIN_KEY).body();
      assertThat(listed).contains(consumer.getString("key")).doesNotContain(consumer.getString("secret"));

      Response revoked = admin("DELETE", "/admin/consumers/" + consumer.getString("key"), null, ADMIN_KEY);
      assertThat(revoked.status()).isEqualTo(200);
      Eventually.await(Duration.ofSeconds(5), () -> as(consumer).get("/0.1/layers.json").status(), status -> status == 401);
      assertThat(admin("DELETE", "/admin/consumers/no-such-key", null, ADMIN_KEY).status()).isEqualTo(404);
    }

    @Test
    @DisplayName("over its rate a consumer gets 429 with Retry-After, then is served again")
    void rateLimit() {
      JsonObject limit = new JsonObject().put("requestsPerSecond", 1).put("burst", 3);
      Http limited = as(newConsumer(new JsonObject().put("name", "limited").put("rateLimit", limit)));
      List<Integer> statuses = new ArrayList<>();
      Response refused = null;
      for (int i = 0; i < 8; i++) {
        Response response = limited.get("/0.1/layers.json");
        statuses.add(response.status());
        if (response.status() == 429 && refused == null) {
          refused = response;
        }
      }
      assertThat(statuses.subList(0, 3)).containsOnly(200);
      assertThat(statuses).contains(429);
      assertThat(statuses.stream().filter(s -> s == 200).count()).isLessThanOrEqualTo(5);
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 2L);
      Eventually.await(Duration.ofSeconds(5), () -> limited.get("/0.1/layers.json").status(), status -> status == 200);
      // Other consumers are not slowed by it.
      assertThat(NODE.http().get("/0.1/layers.json").status()).isEqualTo(200);
    }
  }
}
