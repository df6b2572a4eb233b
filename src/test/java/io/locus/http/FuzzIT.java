package io.locus.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import io.locus.http.FuzzGrammar.Auth;
import io.locus.http.FuzzGrammar.Header;
import io.locus.http.FuzzGrammar.Request;
import io.locus.support.Http;
import io.locus.support.RawHttp;
import io.locus.support.RawOAuth;
import io.locus.support.RunningNode;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sends {@value #DEFAULT_REQUESTS} malformed or odd requests, drawn from {@link FuzzGrammar} with a
 * fixed seed, to a real node over raw sockets, and holds the node to what every client is
 * promised: no answer of 500 or above, every 4xx a JSON {@code {"code":…,"message":…}} of its own
 * status, no blocked event loop (checked by {@link TestNode} on close), and the data accepted
 * before still there afterwards.
 *
 * <p>Reproduce a run with {@code -Dlocus.fuzz.seed=<seed>} (and {@code -Dlocus.fuzz.run=<id>} for
 * the same layer names); replay single requests with {@code -Dlocus.fuzz.only=<i>,<j>}. Every
 * failure is written to {@code target/fuzz-failures.txt}.
 */
@DisplayName("Fuzzing: malformed and odd HTTP requests get a JSON 4xx, never a 5xx, and leave accepted data intact")
class FuzzIT {
  static final int DEFAULT_REQUESTS = 10_000;
  static final long SEED = Long.getLong("locus.fuzz.seed", 0x5EED_10C05L);
  static final int REQUESTS = Integer.getInteger("locus.fuzz.requests", DEFAULT_REQUESTS);
  static final int CONNECTIONS = Integer.getInteger("locus.fuzz.connections", 6);
  static final String RUN = System.getProperty("locus.fuzz.run", UUID.randomUUID().toString().substring(0, 8));
  static final String ONLY = System.getProperty("locus.fuzz.only", "");
  /** Prints every request with its answer, for replays of a few. */
  static final boolean VERBOSE = Boolean.getBoolean("locus.fuzz.verbose");
  /** The whole fuzzing must end by then; a hung server fails the test rather than hanging it. */
  static final Duration DEADLINE = Duration.ofMinutes(4);
  /** Longer than any answer may take: the node's own request timeout is 5 s. */
  static final int READ_TIMEOUT_MS = 6_000;
  static final Path REPORT = Path.of("target", "fuzz-failures.txt");

  static final String HOST = "127.0.0.1:" + TestNode.PORT;
  static final String KEEP_LAYER = "fz.keep." + RUN;
  static final String SCRATCH_LAYER = "fz.scratch." + RUN;
  static final String KEEPER = "keeper";
  static final String KEEPER_BODY =
      "{\"type\":\"Feature\",\"created\":1300000000,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.5,2.5]},"
          + "\"properties\":{\"name\":\"keeper\",\"n\":7,\"nested\":{\"a\":[1,2]}}}";
  static final JsonObject KEEPER_PROPERTIES = new JsonObject("{\"name\":\"keeper\",\"n\":7,\"nested\":{\"a\":[1,2]}}");

  @RegisterExtension static final RunningNode NODE = new RunningNode();

  /** One request the node answered wrongly, or not at all. */
  record Failure(Request request, int status, String answer, String why) {
    String describe() {
      return "seed=" + SEED + " run=" + RUN + " " + why + "\n" + request.summary() + "  → " + (status < 0 ? "no answer" : status) + " "
          + FuzzGrammar.cut(answer, 400);
    }

    /** What failures of one kind share: the status and the answer's shape, with numbers and names made alike. */
    String kind() {
      String shape = answer.replaceAll("[0-9]+", "N").replace(RUN, "RUN");
      return (status < 0 ? "no answer" : String.valueOf(status)) + " " + why + " " + FuzzGrammar.cut(shape, 90);
    }
  }

  @BeforeAll
  static void keeper() {
    Http http = NODE.http();
    assertThat(http.put("/0.1/layers/" + KEEP_LAYER, "{\"title\":\"fuzz keeper\"}").status()).isEqualTo(200);
    assertThat(http.put("/0.1/layers/" + SCRATCH_LAYER, "{\"title\":\"fuzz scratch\"}").status()).isEqualTo(200);
    assertThat(http.put("/0.1/records/" + KEEP_LAYER + "/" + KEEPER, KEEPER_BODY).status()).isEqualTo(202);
    http.awaitStatus("/0.1/records/" + KEEP_LAYER + "/" + KEEPER, 200);
  }

  @Test
  @DisplayName("the raw signer signs as the server checks: a raw signed GET of the keeper answers 200")
  void rawSignerIsAccepted() throws IOException {
    Request get = new Request(-1);
    get.route = "good";
    get.method = "GET";
    get.target = "/0.1/records/" + KEEP_LAYER + "/" + KEEPER + "?x=%C3%A9+1&y=a%2Fb";
    try (RawHttp connection = new RawHttp("127.0.0.1", TestNode.PORT, READ_TIMEOUT_MS)) {
      RawHttp.Answer answer = connection.exchange(wire(get), false);
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
      assertThat(new JsonObject(answer.text()).getString("id")).isEqualTo(KEEPER);
    }
  }

  @Test
  @DisplayName("ten thousand seeded malformed or odd requests: no 5xx, every 4xx a JSON error of its status, the keeper intact")
  void fuzz() throws Exception {
    FuzzGrammar grammar = new FuzzGrammar(SEED, KEEP_LAYER, KEEPER, SCRATCH_LAYER, RUN, TestNode.PORT);
    int[] indexes =
        ONLY.isBlank()
            ? IntStream.range(0, REQUESTS).toArray()
            : Arrays.stream(ONLY.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    System.out.printf("fuzz: seed=%d run=%s requests=%d connections=%d%n", SEED, RUN, indexes.length, CONNECTIONS);

    ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    LongAdder signed = new LongAdder();
    LongAdder signedPastAuth = new LongAdder();
    AtomicInteger next = new AtomicInteger();
    PriorityQueue<Slow> slowest = new PriorityQueue<>(Comparator.comparingLong(Slow::ms));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    long started = System.nanoTime();

    List<Thread> workers = new ArrayList<>();
    for (int c = 0; c < CONNECTIONS; c++) {
      Thread worker =
          new Thread(
              () -> {
                RawHttp connection = null;
                try {
                  int i;
                  while ((i = next.getAndIncrement()) < indexes.length && System.nanoTime() < deadline) {
                    Request request = grammar.generate(indexes[i]);
                    long sending = System.nanoTime();
                    Outcome outcome = send(connection, request);
                    long ms = (System.nanoTime() - sending) / 1_000_000;
                    synchronized (slowest) {
                      slowest.add(new Slow(ms, request));
                      if (slowest.size() > 10) {
                        slowest.poll();
                      }
                    }
                    connection = outcome.connection;
                    int status = outcome.answer == null ? -1 : outcome.answer.status();
                    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    if (request.auth == Auth.SIGNED) {
                      signed.increment();
                      if (status != 401 && status != 429) {
                        signedPastAuth.increment();
                      }
                    }
                    Failure failure = judge(request, outcome);
                    if (VERBOSE) {
                      System.out.println(request.summary() + "  → " + status + " "
                          + (outcome.answer == null ? outcome.error : FuzzGrammar.cut(outcome.answer.text(), 300)));
                    }
                    if (failure != null) {
                      failures.add(failure);
                    }
                  }
                } finally {
                  if (connection != null) {
                    connection.close();
                  }
                }
              },
              "fuzz-" + c);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    int sent = Math.min(next.get(), indexes.length);

    List<Failure> sorted = failures.stream().sorted(Comparator.comparingInt(f -> f.request().index)).toList();
    String report =
        report(sorted, statuses, sent, seconds)
            + String.format("validly signed requests: %d, past authentication: %d%n", signed.sum(), signedPastAuth.sum())
            + "slowest answers:\n"
            + slowest.stream()
                .sorted(Comparator.comparingLong(Slow::ms).reversed())
                .map(slow -> String.format("  %6d ms  #%d %s %s%n", slow.ms(), slow.request().index, slow.request().method,
                    FuzzGrammar.cut(slow.request().target, 100) + " " + slow.request().tags))
                .collect(Collectors.joining());
    System.out.println(report);
    Files.createDirectories(REPORT.getParent());
    Files.writeString(
        REPORT,
        report + "\n\nEvery failure:\n\n" + sorted.stream().map(Failure::describe).collect(Collectors.joining("\n\n")),
        UTF_8);

    assertAll(
        () -> assertThat(sent).as("requests sent within " + DEADLINE).isEqualTo(indexes.length),
        () ->
            assertThat(signed.sum() == 0 ? 1.0 : signedPastAuth.doubleValue() / signed.sum())
                .as("share of validly signed requests that got past authentication (else the fuzzing never reached the handlers)")
                .isGreaterThan(ONLY.isBlank() ? 0.6 : -1),
        () -> assertThat(sorted).withFailMessage(() -> failureMessage(sorted, sent)).isEmpty(),
        FuzzIT::keeperIsIntact);
  }

  /** Numbers that are a dozen characters as text and a gigabyte in plain notation, or that overflow any conversion. */
  static final List<String> NUMBER_BOMBS = List.of("1e-999999999", "1e999999999", "-1E-2147483647", "1E+2147483647");

  /** Longest a node may take to refuse a number bomb. */
  static final long BOMB_MS = 2_000;

  @Test
  @DisplayName("a number bomb, quoted or not, in every numeric field of every route gets a fast 4xx, and a normal write after them lands")
  void numberBombs() {
    Http http = NODE.http();
    // a layer of its own: the fuzzing may delete the scratch layer, and a missing layer's 404 would prove nothing
    String bombLayer = http.newLayer("fz.bombs.");
    String layer = "/0.1/records/" + bombLayer;
    List<String> problems = new ArrayList<>();
    for (String bare : NUMBER_BOMBS) {
      for (String b : List.of(bare, "\"" + bare + "\"")) {
        boolean quoted = b.startsWith("\"");
        String q = java.net.URLEncoder.encode(b, UTF_8);
        String point = "{\"type\":\"Point\",\"coordinates\":";
        String good = "\"geometry\":" + point + "[1.5,2.5]}";
        Map<String, java.util.function.Supplier<Http.Response>> requests = new java.util.LinkedHashMap<>();
        // query parameters and path segments (a quoted number there is not a number either)
        requests.put("layers ?limit", () -> http.get("/0.1/layers.json?limit=" + q));
        requests.put("fences ?limit", () -> http.get("/0.1/layers/" + bombLayer + "/fences.json?limit=" + q));
        requests.put("history ?limit", () -> http.get(layer + "/h1/history.json?limit=" + q));
        requests.put("nearby {lat}", () -> http.get(layer + "/nearby/" + q + ",1.5.json"));
        requests.put("nearby {lon}", () -> http.get(layer + "/nearby/2.5," + q + ".json"));
        requests.put("nearby ?radius", () -> http.get(layer + "/nearby/2.5,1.5.json?radius=" + q));
        for (String param : List.of("limit", "start", "end")) {
          requests.put("nearby ?" + param, () -> http.get(layer + "/nearby/2.5,1.5.json?" + param + "=" + q));
          requests.put("within box ?" + param, () -> http.get(layer + "/within/1,1,3,3.json?" + param + "=" + q));
          requests.put("within polygon ?" + param, () -> http.post(layer + "/within.json?" + param + "=" + q, polygon("0")));
        }
        for (String param : List.of("prop.start", "prop.end", "prop.equals")) {
          requests.put("nearby ?" + param, () -> http.get(layer + "/nearby/2.5,1.5.json?prop.name=n&prop.type=number&" + param + "=" + q));
        }
        for (int edge = 0; edge < 4; edge++) {
          String[] edges = {"1", "1", "3", "3"};
          edges[edge] = q;
          String box = String.join(",", edges);
          requests.put("within box edge " + edge, () -> http.get(layer + "/within/" + box + ".json"));
          requests.put("nearby ?bbox edge " + edge, () -> http.get(layer + "/nearby/2.5,1.5.json?bbox=" + box));
          requests.put("changes ?bbox edge " + edge, () -> http.get("/0.1/layers/" + bombLayer + "/changes?bbox=" + box));
        }
        requests.put("changes ?lat", () -> http.get("/0.1/layers/" + bombLayer + "/changes?lat=" + q + "&lon=1&radius=1"));
        requests.put("changes ?lon", () -> http.get("/0.1/layers/" + bombLayer + "/changes?lat=1&lon=" + q + "&radius=1"));
        requests.put("changes ?radius", () -> http.get("/0.1/layers/" + bombLayer + "/changes?lat=1&lon=1&radius=" + q));
        requests.put("changes ?lastEventId", () -> http.get("/0.1/layers/" + bombLayer + "/changes?lastEventId=" + q));
        // bodies: records, bulk, polygons, fences, layers, admin
        requests.put("record latitude", () -> http.put(layer + "/bomb", "{\"type\":\"Feature\",\"geometry\":" + point + "[1.5," + b + "]}}"));
        requests.put("record longitude", () -> http.put(layer + "/bomb", "{\"type\":\"Feature\",\"geometry\":" + point + "[" + b + ",2.5]}}"));
        requests.put("record created", () -> http.put(layer + "/bomb", "{\"type\":\"Feature\",\"created\":" + b + "," + good + "}"));
        requests.put("record expires", () -> http.put(layer + "/bomb", "{\"type\":\"Feature\",\"expires\":" + b + "," + good + "}"));
        requests.put("bulk latitude", () -> http.post(layer + ".json", collection("{\"type\":\"Feature\",\"id\":\"bomb\",\"geometry\":" + point + "[1.5," + b + "]}}")));
        requests.put("bulk created", () -> http.post(layer + ".json", collection("{\"type\":\"Feature\",\"id\":\"bomb\",\"created\":" + b + "," + good + "}")));
        requests.put("bulk expires", () -> http.post(layer + ".json", collection("{\"type\":\"Feature\",\"id\":\"bomb\",\"expires\":" + b + "," + good + "}")));
        requests.put("within polygon vertex", () -> http.post(layer + "/within.json", polygon(b)));
        requests.put("fence radius", () -> http.put("/0.1/layers/" + bombLayer + "/fences/bomb.json", "{\"geometry\":" + point + "[1.5,2.5]},\"radius\":" + b + "}"));
        requests.put("fence latitude", () -> http.put("/0.1/layers/" + bombLayer + "/fences/bomb.json", "{\"geometry\":" + point + "[1.5," + b + "]},\"radius\":10}"));
        requests.put("fence polygon vertex", () -> http.put("/0.1/layers/" + bombLayer + "/fences/bomb.json", "{\"geometry\":" + polygon(b) + "}"));
        if (!quoted) {
          // layer settings have no numeric field: a number anywhere in the body is still read, and bounded
          requests.put("layer body", () -> http.put("/0.1/layers/" + bombLayer + ".json", "{\"title\":\"fuzz bombs\",\"n\":" + b + "}"));
        }
        requests.put("admin consumer rateLimit", () -> admin("POST", "/admin/consumers", "{\"name\":\"fz-bomb\",\"rateLimit\":{\"requestsPerSecond\":" + b + ",\"burst\":1}}"));
        requests.put("admin consumer burst", () -> admin("POST", "/admin/consumers", "{\"name\":\"fz-bomb\",\"rateLimit\":{\"requestsPerSecond\":1,\"burst\":" + b + "}}"));
        requests.put("admin roles instances", () -> admin("PUT", "/admin/roles/query", "{\"instances\":" + b + "}"));
        requests.forEach(
            (what, request) -> {
              long started = System.nanoTime();
              Http.Response answer = request.get();
              long ms = (System.nanoTime() - started) / 1_000_000;
              if (answer.status() < 400 || answer.status() >= 500 || ms > BOMB_MS) {
                problems.add(what + " = " + b + ": " + answer.status() + " in " + ms + " ms: " + FuzzGrammar.cut(answer.body(), 200));
              }
            });
        // a streamed line is refused as a line: the upload itself is answered, with nothing accepted
        long started = System.nanoTime();
        byte[] line = ("{\"type\":\"Feature\",\"id\":\"bomb\",\"geometry\":" + point + "[1.5," + b + "]}}\n").getBytes(UTF_8);
        Http.Response streamed = http.postChunked(layer + ".ndjson", () -> new java.io.ByteArrayInputStream(line));
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (streamed.status() != 202 || streamed.json().getInteger("accepted") != 0 || streamed.json().getInteger("rejectedCount") != 1 || ms > BOMB_MS) {
          problems.add("ndjson latitude = " + b + ": " + streamed.status() + " in " + ms + " ms: " + FuzzGrammar.cut(streamed.body(), 200));
        }
      }
    }
    assertThat(problems).as("number bombs not refused fast with a 4xx").isEmpty();
    assertThat(http.get(layer + "/bomb").status()).isEqualTo(404);
    String after = layer + "/after-bombs";
    assertThat(http.put(after, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.433287165,37.7749]}}").status())
        .isEqualTo(202);
    assertThat(http.awaitStatus(after, 200).json().getJsonObject("geometry").getJsonArray("coordinates").encode())
        .isEqualTo("[-122.433287165,37.7749]");
    keeperIsIntact();
  }

  private static String polygon(String vertex) {
    return "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1," + vertex + "],[1,1],[0,1],[0,0]]]}";
  }

  private static String collection(String feature) {
    return "{\"type\":\"FeatureCollection\",\"features\":[" + feature + "]}";
  }

  private static Http.Response admin(String method, String path, String body) {
    return NODE.http().exchange(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(NODE.http().base() + path))
            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer locus-development-admin-key")
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  /** The keeper record and its layer, as they were before the fuzzing, once the writes it sent have landed. */
  static void keeperIsIntact() {
    Http http = NODE.http();
    // A write sent after the fuzzing, once readable, shows the writers have caught up with it.
    String sentinel = "/0.1/records/" + KEEP_LAYER + "/sentinel";
    assertThat(http.put(sentinel, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[3,4]}}").status()).isEqualTo(202);
    http.awaitStatus(sentinel, 200);

    Http.Response got = http.get("/0.1/records/" + KEEP_LAYER + "/" + KEEPER);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    JsonObject keeper = got.json();
    assertThat(keeper.getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[1.5,2.5]");
    assertThat(keeper.getLong("created")).isEqualTo(1_300_000_000L);
    JsonObject properties = keeper.getJsonObject("properties").copy();
    properties.remove("layer");
    assertThat(properties).isEqualTo(KEEPER_PROPERTIES);

    // Every position the keeper ever had is the one it was given (a replay with the same run id adds one more).
    JsonObject history = http.get("/0.1/records/" + KEEP_LAYER + "/" + KEEPER + "/history?limit=500").json();
    assertThat(history.getJsonArray("geometries").stream().map(g -> ((JsonObject) g).getJsonArray("coordinates").encode()))
        .as("the keeper's history: never moved")
        .isNotEmpty()
        .allMatch("[1.5,2.5]"::equals);

    Http.Response layer = http.get("/0.1/layers/" + KEEP_LAYER);
    assertThat(layer.status()).as(layer.body()).isEqualTo(200);
    assertThat(layer.json().getString("title")).isEqualTo("fuzz keeper");

    JsonArray near = http.get("/0.1/records/" + KEEP_LAYER + "/nearby/2.5,1.5?radius=1").json().getJsonArray("features");
    assertThat(near.stream().map(f -> ((JsonObject) f).getString("id"))).as("a search near the keeper").contains(KEEPER);
    assertThat(http.unsigned().get("/health/live").status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- sending

  record Outcome(RawHttp connection, RawHttp.Answer answer, String error) {}

  record Slow(long ms, Request request) {}

  /**
   * Sends a request on the worker's keep-alive connection (or a connection of its own when the
   * request may desynchronise one); when a reused connection turns out to be closed by the
   * server before any answer, sends it once more on a new one.
   */
  static Outcome send(RawHttp connection, Request request) {
    RawHttp current = connection;
    for (int attempt = 0; ; attempt++) {
      if (current == null || request.fresh) {
        if (current != null) {
          current.close();
        }
        try {
          current = new RawHttp("127.0.0.1", TestNode.PORT, READ_TIMEOUT_MS);
        } catch (IOException e) {
          return new Outcome(null, null, "could not connect: " + e);
        }
      }
      boolean reused = current.used();
      try {
        RawHttp.Answer answer = current.exchange(wire(request), request.head(), request.fresh || request.target.length() > 4000);
        if (answer.closed() || request.fresh) {
          current.close();
          current = null;
        }
        return new Outcome(current, answer, null);
      } catch (RawHttp.NoAnswer closed) {
        current.close();
        current = null;
        if (!reused || attempt > 0) {
          return new Outcome(null, null, "connection closed without an answer");
        }
      } catch (IOException e) {
        current.close();
        return new Outcome(null, null, e.toString());
      }
    }
  }

  /** The request's bytes, signed now (a fresh timestamp and nonce on every attempt). */
  static byte[] wire(Request request) {
    String host = HOST;
    if (request.explicitHost) {
      host = request.headers.stream().filter(h -> h.name().equalsIgnoreCase("Host")).map(Header::value).findFirst().orElse("null");
    }
    String contentType = request.contentType();
    String form =
        contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded") && request.body != null
            ? new String(request.body, UTF_8)
            : null;
    long now = System.currentTimeMillis() / 1000;
    String nonce = "fz" + request.index + "x" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    String target = request.target;
    List<String> authorization = new ArrayList<>();
    Auth auth = request.auth;
    switch (auth) {
      case SIGNED, SIGNED_TWICE, GARBAGE_THEN_SIGNED, SIGNED_THEN_GARBAGE -> {
        String signedHeader = sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now, nonce, List.of());
        if (auth == Auth.GARBAGE_THEN_SIGNED) {
          authorization.add(request.garbageAuth);
        }
        authorization.add(signedHeader);
        if (auth == Auth.SIGNED_TWICE) {
          authorization.add(signedHeader);
        } else if (auth == Auth.SIGNED_THEN_GARBAGE) {
          authorization.add(request.garbageAuth);
        }
      }
      case SIGNED_QUERY -> {
        String oauth =
            "oauth_consumer_key=" + Http.DEV_KEY + "&oauth_nonce=" + nonce + "&oauth_signature_method=HMAC-SHA1&oauth_timestamp=" + now
                + "&oauth_version=1.0";
        String unsigned = target + (target.contains("?") ? "&" : "?") + oauth;
        String signature = RawOAuth.signature(request.method, host, unsigned, form, Http.DEV_SECRET, List.of());
        target = unsigned + "&oauth_signature=" + RawOAuth.encode(signature);
      }
      case STALE -> authorization.add(sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now - 10_000, nonce, List.of()));
      case FUTURE -> authorization.add(sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now + 10_000, nonce, List.of()));
      case WRONG_SECRET -> authorization.add(sign(request, host, target, form, Http.DEV_KEY, "not-the-secret", now, nonce, List.of()));
      case UNKNOWN_KEY -> authorization.add(sign(request, host, target, form, "fz-unknown-consumer", "x", now, nonce, List.of()));
      case TOKEN ->
          authorization.add(sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now, nonce, List.of(new RawOAuth.Param("oauth_token", "tok"))));
      case VERSION_2 ->
          authorization.add(sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now, nonce, List.of(new RawOAuth.Param("oauth_version", "2.0"))));
      case PLAINTEXT ->
          authorization.add(
              sign(request, host, target, form, Http.DEV_KEY, Http.DEV_SECRET, now, nonce, List.of(new RawOAuth.Param("oauth_signature_method", "PLAINTEXT"))));
      case GARBAGE -> authorization.add(request.garbageAuth);
      case ADMIN -> authorization.add("Bearer locus-development-admin-key");
      case BAD_ADMIN -> authorization.add("Bearer not-the-admin-key");
      case UNSIGNED -> {
        // no credentials
      }
      default -> throw new IllegalStateException(auth.toString());
    }

    String end = request.lineEnd;
    StringBuilder head = new StringBuilder();
    head.append(request.method).append(' ').append(target);
    if (!request.version.isEmpty()) {
      head.append(' ').append(request.version);
    }
    head.append(end);
    if (!request.explicitHost) {
      head.append("Host: ").append(HOST).append(end);
    }
    for (Header h : request.headers) {
      head.append(h.name());
      if (h.value() != null) {
        head.append(": ").append(h.value());
      }
      head.append(end);
    }
    for (String value : authorization) {
      head.append("Authorization: ").append(value).append(end);
    }
    if (request.body != null && !request.explicitLength) {
      head.append("Content-Length: ").append(request.body.length).append(end);
    }
    if (request.fresh) {
      head.append("Connection: close").append(end);
    }
    head.append(end);
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + (request.body == null ? 0 : request.body.length));
    out.writeBytes(head.toString().getBytes(ISO_8859_1));
    if (request.body != null) {
      out.writeBytes(request.body);
    }
    return out.toByteArray();
  }

  private static String sign(
      Request request, String host, String target, String form, String key, String secret, long timestamp, String nonce,
      List<RawOAuth.Param> extra) {
    return RawOAuth.authorization(request.method.trim(), host, target, form, key, secret, timestamp, nonce, extra);
  }

  // ---------------------------------------------------------------- judging

  /** Null when the answer keeps the promise; else what was wrong with it. */
  static Failure judge(Request request, Outcome outcome) {
    RawHttp.Answer answer = outcome.answer;
    if (answer == null) {
      // A body whose chunked framing is broken cannot be delimited: the server must close the
      // connection (RFC 9112 §6.3), and the HTTP codec does so before anything can answer.
      boolean unframeable = request.tags.contains("frame:chunked(bad)") && "connection closed without an answer".equals(outcome.error);
      return unframeable ? null : new Failure(request, -1, outcome.error, "no answer");
    }
    int status = answer.status();
    String text = answer.text();
    String contentType = answer.header("Content-Type");
    String shown = (answer.statusLine().startsWith("HTTP/1.1 ") ? "" : "(status line \"" + answer.statusLine() + "\") ")
        + "[" + contentType + "] " + text;
    if (status >= 500) {
      return new Failure(request, status, shown, "server error");
    }
    if (status < 400) {
      return null;
    }
    if (request.head()) {
      // a HEAD answer has no body; its head must still announce the JSON error
      return contentType != null && contentType.contains("json") ? null : new Failure(request, status, shown, "4xx without a JSON body (HEAD)");
    }
    if (text.isEmpty()) {
      return new Failure(request, status, shown, "4xx without a body");
    }
    JsonObject error;
    try {
      error = new JsonObject(text);
    } catch (RuntimeException notJson) {
      return new Failure(request, status, shown, "4xx body not a JSON object");
    }
    Object code = error.getValue("code");
    Object message = error.getValue("message");
    if (!(code instanceof Number) || ((Number) code).intValue() != status) {
      return new Failure(request, status, shown, "4xx JSON code differs from the status");
    }
    if (!(message instanceof String) || ((String) message).isBlank()) {
      return new Failure(request, status, shown, "4xx JSON without a message");
    }
    return null;
  }

  private static String report(List<Failure> failures, Map<Integer, LongAdder> statuses, int sent, long seconds) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("fuzz: seed=%d run=%s: %d requests in %d s, %d failures%n", SEED, RUN, sent, seconds, failures.size()));
    out.append("statuses: ").append(new TreeMap<>(statuses.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()))))
        .append('\n');
    Map<String, List<Failure>> kinds = failures.stream().collect(Collectors.groupingBy(Failure::kind, TreeMap::new, Collectors.toList()));
    out.append("failure kinds:\n");
    kinds.entrySet().stream()
        .sorted((a, b) -> b.getValue().size() - a.getValue().size())
        .forEach(
            e -> {
              Map<String, Long> tags =
                  e.getValue().stream()
                      .flatMap(f -> f.request().tags.stream().map(t -> t.replaceAll("\\(.*", "(")))
                      .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
              String common =
                  tags.entrySet().stream()
                      .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                      .limit(6)
                      .map(t -> t.getKey() + "×" + t.getValue())
                      .collect(Collectors.joining(" "));
              out.append(String.format("  %5d  %s%n         e.g. #%d; tags: %s%n", e.getValue().size(), e.getKey(), e.getValue().get(0).request().index, common));
            });
    return out.toString();
  }

  private static String failureMessage(List<Failure> failures, int sent) {
    return String.format(
        "%d of %d fuzz requests were answered wrongly (seed %d, run %s; all in %s). The first %d:%n%n%s",
        failures.size(), sent, SEED, RUN, REPORT.toAbsolutePath(), Math.min(20, failures.size()),
        failures.stream().limit(20).map(Failure::describe).collect(Collectors.joining("\n\n")));
  }
}
