package io.locus.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A seeded grammar of malformed and odd HTTP requests to Locus. Request {@code i} depends on the
 * seed, {@code i} and the run's layer names only, so any one can be made again without the
 * others ({@link #generate}). Strings that go on the wire hold one char per byte (ISO-8859-1):
 * request targets and header values may carry any byte.
 *
 * <p>A request is a route of the API (every route and method, the operational and admin ones,
 * unknown paths) with its parameters drawn from pools of good, odd and bad values, then up to a
 * few mutations of its method, path, query, headers, body, credentials or framing. Each choice
 * is recorded as a tag, so that a failure names what was odd about the request.
 *
 * <p>It never asks for something that would destroy the data the test checks afterwards: no
 * DELETE reaches the keeper layer, a PUT or POST to it carries only a body that must be refused,
 * and no admin revocation names the development consumer.
 */
final class FuzzGrammar {
  /** How a request is authenticated; the signature is made when the request is sent. */
  enum Auth {
    SIGNED, SIGNED_QUERY, SIGNED_TWICE, STALE, FUTURE, WRONG_SECRET, UNKNOWN_KEY, TOKEN, VERSION_2, PLAINTEXT,
    UNSIGNED, GARBAGE, GARBAGE_THEN_SIGNED, SIGNED_THEN_GARBAGE, ADMIN, BAD_ADMIN;

    boolean validlySigned() {
      return this == SIGNED || this == SIGNED_QUERY || this == SIGNED_TWICE || this == SIGNED_THEN_GARBAGE;
    }
  }

  record Header(String name, String value) {}

  /** One generated request; the wire form is made by the sender, which signs it. */
  static final class Request {
    final int index;
    final List<String> tags = new ArrayList<>();
    String route;
    String method;
    String target;
    String version = "HTTP/1.1";
    /** What ends each line of the head: CRLF, or a bare LF. */
    String lineEnd = "\r\n";
    final List<Header> headers = new ArrayList<>();
    byte[] body;
    Auth auth = Auth.SIGNED;
    String garbageAuth;
    /** Sent on a connection of its own, with {@code Connection: close}: it may desynchronise one. */
    boolean fresh;
    boolean explicitHost;
    boolean explicitLength;

    Request(int index) {
      this.index = index;
    }

    boolean head() {
      return method.equalsIgnoreCase("HEAD");
    }

    String contentType() {
      return headers.stream().filter(h -> h.name().equalsIgnoreCase("Content-Type")).map(Header::value).findFirst().orElse(null);
    }

    /** The request for a failure report, long parts cut. */
    String summary() {
      StringBuilder out = new StringBuilder();
      out.append('#').append(index).append(' ').append(tags).append('\n');
      out.append("  ").append(cut(method, 80)).append(' ').append(cut(target, 300)).append(' ').append(cut(version, 40));
      out.append(" (target ").append(target.length()).append(" bytes)\n");
      out.append("  auth ").append(auth).append(garbageAuth == null ? "" : " " + cut(garbageAuth, 120)).append('\n');
      int shown = 0;
      for (Header h : headers) {
        if (shown++ == 12) {
          out.append("  … ").append(headers.size() - 12).append(" more headers\n");
          break;
        }
        out.append("  ").append(cut(h.name(), 60));
        out.append(h.value() == null ? " (no colon)\n" : ": " + cut(h.value(), 120) + " (" + h.value().length() + ")\n");
      }
      if (body != null) {
        out.append("  body ").append(body.length).append(" bytes: ").append(cut(new String(body, ISO_8859_1), 300)).append('\n');
      }
      return out.toString();
    }
  }

  /** Shortens and escapes a wire string for a report. */
  static String cut(String text, int max) {
    if (text == null) {
      return "null";
    }
    String shown = text.length() > max ? text.substring(0, max) : text;
    StringBuilder out = new StringBuilder();
    for (char c : shown.toCharArray()) {
      if (c < 0x20 || c >= 0x7F) {
        out.append(String.format("\\x%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > max) {
      out.append("…[").append(text.length()).append(']');
    }
    return out.toString();
  }

  private final long seed;
  private final String keepLayer;
  private final String keeperId;
  private final String scratchLayer;
  private final String runId;
  private final int port;

  FuzzGrammar(long seed, String keepLayer, String keeperId, String scratchLayer, String runId, int port) {
    this.seed = seed;
    this.keepLayer = keepLayer;
    this.keeperId = keeperId;
    this.scratchLayer = scratchLayer;
    this.runId = runId;
    this.port = port;
  }

  // ---------------------------------------------------------------- pools

  static final String[] NUMBERS = {
    "0", "1", "-1", "2.5", "1.5", "-0", "0.0", "10", "90", "-90", "180", "-180", "90.0001", "-90.0001", "180.5", "-181",
    "NaN", "-NaN", "nan", "Infinity", "-Infinity", "+Infinity", "inf", "1e309", "-1e309", "1e-400", "4.9e-324",
    "1.7976931348623157e308", "99999999999999999999", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "2147483647", "2147483648", "-2147483648", "0x1A", "0x1p3", "1_000", "1d", "1f", "1L",
    "", " ", "%20", "1.5e2", "1E2", "+1", "1.", ".5", "1e", "e", "--1", "1-", "0.0000001", "12345678901234567890.123",
    "%31", "%zz", "%", "1%00", "%C3%28", "%D9%A1", "1,5", "1e13", "1e12", "5e-324", "20038", "20037", "1/0", "null",
    "true", "0" + "0".repeat(300) + "1", "1" + "0".repeat(400), "-" + "9".repeat(50),
    // number bombs: short as text, a gigabyte in plain notation or an overflow when converted
    "1e-999999999", "1e999999999", "-1E-2147483647", "1E%2B2147483647", "%221e-999999999%22", "%22-1E-2147483647%22"
  };

  /** Number bombs as JSON values, bare and quoted. */
  static final String[] NUMBER_BOMBS = {
    "1e-999999999", "1e999999999", "-1E-2147483647", "1E+2147483647",
    "\"1e-999999999\"", "\"1e999999999\"", "\"-1E-2147483647\"", "\"1E+2147483647\""
  };

  static final String[] GOOD_NUMBERS = {"0", "1", "2.5", "1.5", "10", "45.5", "-33.9", "100", "0.001"};

  static final String[] BROKEN_ESCAPES = {
    "%", "%z", "%zz", "%C3%28", "%00", "%FF", "%E2%82", "%ED%A0%80", "%C0%AF", "%%", "%2", "%g0", "%0", "%C3", "%F4%90%80%80",
    "%80", "%FE%FF", "%25", "%2F", "%5C", "%0A", "%0D%0A", "%7F", "%E2%80%AE"
  };

  static final String[] CONTROL_BYTES = {"\u0001", "\u0000", "\u007f", "\t", "\u000b", "\u000c", "\u001b", "\u0008"};

  static final String[] RAW_HIGH_BYTES = {"\u00c3\u0028", "\u00ff", "\u0080", "\u00e2\u0082", "\u00c3\u00a9", "\u00ed\u00a0\u0080", "\u00f0\u009f\u0098\u0080"};

  static final String[] WRONG_TYPES = {
    "null", "true", "false", "0", "-1", "1.5", "1e999", "\"\"", "\"x\"", "\"Feature\"", "[]", "{}", "[1,2]", "{\"a\":1}",
    "NaN", "Infinity", "-Infinity", "\"NaN\"", "[[1,2],[3,4]]", "9999999999999999999999", "-0", "\"\\u0000\"",
    "\"\\ud800\"", "\"" + "w".repeat(3000) + "\""
  };

  static final String[] COORDINATES = {
    "0", "1.5", "-180", "180", "-90", "90", "90.0001", "-90.0001", "180.0001", "-181", "1e999", "-1e999", "NaN",
    "Infinity", "-Infinity", "\"NaN\"", "\"1.5\"", "\"abc\"", "null", "true", "[]", "{}", "1e-400", "4.9E-324", "-0",
    "-0.0", "1.00000000000000000000000000001", "12345678901234567890", "0x10", "01", ".5", "1.", "+1", "\"\"",
    "\" 1.5\"", "\"Infinity\"", "\"1e999\"", "1E2", "-1.5e1",
    "1e-999999999", "1e999999999", "-1E-2147483647", "1E+2147483647",
    "\"1e-999999999\"", "\"1e999999999\"", "\"-1E-2147483647\"", "\"1E+2147483647\""
  };

  static final String[] MALFORMED_JSON = {
    "{", "}", "[", "]", "{\"type\":", "{\"type\":\"Feature\",", "{'type':'Feature'}", "{type:Feature}", "{\"a\":1,}", "[1,]",
    "{\"a\" 1}", "nul", "tru", "01", "1.", "-", "\"\\x\"", "\"\\u12\"", "/* c */{}", "// c\n{}", "{\"a\":NaN}",
    "{\"a\":Infinity}", "{\"a\":-Infinity}", "{\"a\":1e999}", "{\"a\":\u0001}", "{\"a\":\"b\u0001c\"}",
    "{\"type\":\"Feature\"}}", "{\"type\":\"Feature\"}{}", "{\"type\":\"Feature\"} x", "{\"\\ud800\":1}",
    "{\"a\":\"\\uDC00\\uD800\"}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":0x10}", "{,}", "{\"a\"}",
    "{\"a\":}", "{:1}", "\"unterminated", "{\"a\":[1,2}", "{\"a\":{\"b\":[}]}", "\u0000", "\u00ef\u00bb\u00bf{}",
    "{\"a\":\"\\\"}", "[][]", "{\"\":\"\"}", "{\"type\":\"Feature\",\"type\":\"Feature\"}"
  };

  static final String[] JSON_SCALARS = {"", " ", "\r\n", "null", "true", "0", "-1", "[]", "\"s\"", "[{}]", "{}", "[null]", "1e999"};

  static final String[] METHODS_ODD = {"PATCH", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "FOO", "get", "Get", "M-SEARCH", "PURGE", "LINK", "COPY"};

  static final String[] CONTENT_TYPES = {
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data",
    "application/json; charset=iso-8859-1", "application/json;;;", "application/*", "*/*", "\u00ff\u00fe", "APPLICATION/JSON",
    "application/json; charset=utf-8", "application/x-www-form-urlencoded; charset=utf-8", "application/geo+json",
    "application/xml", "image/png", "application/octet-stream", "json", "", ";", "application/json; boundary=\"",
    "multipart/mixed; boundary=" + "b".repeat(200), "text/html; charset=\"%zz\""
  };

  static final String[] GARBAGE_AUTH = {
    "", "OAuth", "OAuth ", "OAuth ,", "OAuth oauth_consumer_key", "OAuth oauth_consumer_key=", "OAuth oauth_consumer_key=\"locus-dev\"",
    "OAuth oauth_consumer_key=\"locus-dev", "OAuth oauth_consumer_key=locus-dev", "OAuth a=\"b\",,", "OAuth a=\"b\" c=\"d\"",
    "OAuth oauth_nonce=\"%zz\"", "OAuth oauth_nonce=\"%C3%28\"", "OAuth %zz=\"1\"", "OAuth oauth_consumer_key=\"a\", oauth_consumer_key=\"b\"",
    "OAuth realm=\"x\"", "OAuth a=\"b\\\"", "OAuth =\"x\"", "OAuth \"x\"", "OAuth a=\"b\",", "OAuth ,a=\"b\"",
    "Basic dXNlcjpwYXNz", "Basic", "Bearer locus-development-admin-key", "Bearer", "Bearer  ", "oauth x", "Digest username=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"abc\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"-1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"99999999999999999999\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"" + "n".repeat(200) + "\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA256\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"\", oauth_signature_method=\"\", oauth_timestamp=\"\", oauth_nonce=\"\", oauth_signature=\"\"",
    "OAuth oauth_consumer_key=\"" + "k".repeat(3000) + "\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"\u00ff\u00fe\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"x\"",
    "OAuth oauth_consumer_key=\"locus-dev\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"%%%\"",
    "OAuth oauth_consumer_key=\"locus-dev\"\t,\toauth_version=\"1.0\"", "OAuth " + "a=\"b\", ".repeat(500) + "c=\"d\"",
    "OAUTH oauth_consumer_key=\"locus-dev\"", "OAuth\toauth_consumer_key=\"x\"", "OAuth oauth_token=\"t\""
  };

  static final String[] PROPERTY_VALUES = {
    "\"x\"", "5", "1.10", "true", "null", "[1,2,3]", "{\"k\":{\"k\":[true]}}", "\"café\"", "\"\\u0000\"", "-0", "1e308",
    "\"" + "p".repeat(500) + "\""
  };

  // ---------------------------------------------------------------- generation

  Request generate(int index) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    Request req = new Request(index);
    List<String> segments = new ArrayList<>();
    List<String> query = new ArrayList<>();
    Body body = route(r, req, segments, query);
    req.tags.add(req.route);

    // the method: now and then one the route does not take
    if (r.nextInt(100) < 8) {
      String odd = pick(r, METHODS_ODD);
      req.tags.add("method:" + odd);
      req.method = odd;
    } else if (r.nextInt(100) < 2) {
      String[] weird = {"G\u0001T", "", "GET GET", "\u00ff\u00fe", "X".repeat(300), "CONNECT", "DELETE\t"};
      req.method = pick(r, weird);
      req.tags.add("method:weird(" + cut(req.method, 12) + ")");
      req.fresh = true;
    }

    // body bytes, with the body mutations
    if (body != null) {
      req.body = body.text(r, req);
      if (req.contentType() == null) {
        req.headers.add(new Header("Content-Type", "application/json"));
      }
    } else if (r.nextInt(100) < 3) {
      req.body = pick(r, new String[] {"{}", "x", "{\"type\":\"Feature\"}", "[" .repeat(10_000)}).getBytes(ISO_8859_1);
      req.tags.add("body:unexpected");
    }

    int mutations = r.nextInt(100) < 25 ? 0 : 1 + (r.nextInt(100) < 30 ? 1 : 0) + (r.nextInt(100) < 10 ? 1 : 0);
    for (int m = 0; m < mutations; m++) {
      int what = r.nextInt(100);
      if (what < 30) {
        mutatePath(r, req, segments);
      } else if (what < 50) {
        mutateQuery(r, req, query);
      } else if (what < 75) {
        mutateHeaders(r, req);
      } else if (what < 92) {
        mutateAuth(r, req, query);
      } else {
        mutateFraming(r, req);
      }
    }

    if (req.target == null) {
      req.target = target(segments, query);
    }
    if (req.target.length() > 4000) {
      req.fresh = true; // the codec refuses long request lines and closes
    }
    makeSafe(r, req);
    return req;
  }

  /** What a body-taking route sends: valid or not, and how. */
  private interface Body {
    String json(SplittableRandom r, Request req);

    /** The body bytes, after the generic body mutations. */
    default byte[] text(SplittableRandom r, Request req) {
      String json = json(r, req);
      if (r.nextInt(100) < 30) {
        return mutateBody(r, req, json);
      }
      return json.getBytes(UTF_8);
    }
  }

  private static String target(List<String> segments, List<String> query) {
    String path = "/" + String.join("/", segments);
    return query.isEmpty() ? path : path + "?" + String.join("&", query);
  }

  private Body route(SplittableRandom r, Request req, List<String> segments, List<String> query) {
    int roll = r.nextInt(100);
    if (roll < 4) {
      req.route = "layers.list";
      req.method = "GET";
      segments.addAll(List.of("0.1", r.nextBoolean() ? "layers" : "layers.json"));
      maybe(r, query, 40, "limit", number(r));
      maybe(r, query, 40, "cursor", cursor(r));
      return null;
    }
    if (roll < 9) {
      req.route = "layer.get";
      req.method = "GET";
      segments.addAll(List.of("0.1", "layers", suffix(r, layerName(r, true))));
      return null;
    }
    if (roll < 12) {
      req.route = "layer.link";
      req.method = "GET";
      segments.addAll(List.of("0.1", "layer", suffix(r, layerName(r, true))));
      return null;
    }
    if (roll < 17) {
      req.route = "layer.put";
      req.method = "PUT";
      String name = layerName(r, true);
      segments.addAll(List.of("0.1", "layers", suffix(r, name)));
      return (rr, q) -> layerBody(rr, q, name.equals(keepLayer));
    }
    if (roll < 19) {
      req.route = "layer.delete";
      req.method = "DELETE";
      segments.addAll(List.of("0.1", "layers", suffix(r, layerName(r, false))));
      return null;
    }
    if (roll < 29) {
      req.route = "nearby";
      req.method = "GET";
      segments.addAll(List.of("0.1", "records", layerName(r, true), "nearby", suffix(r, where(r))));
      searchQuery(r, query, true);
      return null;
    }
    if (roll < 36) {
      req.route = "within.box";
      req.method = "GET";
      segments.addAll(List.of("0.1", "records", layerName(r, true), "within", suffix(r, box(r))));
      searchQuery(r, query, false);
      return null;
    }
    if (roll < 43) {
      req.route = "within.polygon";
      req.method = "POST";
      segments.addAll(List.of("0.1", "records", layerName(r, true), r.nextBoolean() ? "within" : "within.json"));
      searchQuery(r, query, false);
      return (rr, q) -> polygonBody(rr, q);
    }
    if (roll < 49) {
      req.route = "bulk";
      req.method = "POST";
      String layer = layerName(r, true);
      segments.addAll(List.of("0.1", "records", suffix(r, layer)));
      return (rr, q) -> bulkBody(rr, q, layer.equals(keepLayer));
    }
    if (roll < 54) {
      req.route = "history";
      req.method = "GET";
      segments.addAll(List.of("0.1", "records", layerName(r, true), recordId(r, true), r.nextBoolean() ? "history" : "history.json"));
      maybe(r, query, 50, "limit", number(r));
      maybe(r, query, 40, "cursor", cursor(r));
      return null;
    }
    if (roll < 62) {
      req.route = "record.get";
      req.method = "GET";
      segments.addAll(List.of("0.1", "records", layerName(r, true), suffix(r, recordId(r, true))));
      return null;
    }
    if (roll < 66) {
      req.route = "record.multiget";
      req.method = "GET";
      segments.addAll(List.of("0.1", "records", layerName(r, true), suffix(r, ids(r))));
      return null;
    }
    if (roll < 76) {
      req.route = "record.put";
      req.method = "PUT";
      String layer = layerName(r, true);
      String id = recordId(r, true);
      segments.addAll(List.of("0.1", "records", layer, suffix(r, id)));
      boolean keeper = layer.equals(keepLayer) && id.equals(keeperId);
      return (rr, q) -> keeper ? invalidFeature(rr, q, id) : featureBody(rr, q, id);
    }
    if (roll < 79) {
      req.route = "record.delete";
      req.method = "DELETE";
      segments.addAll(List.of("0.1", "records", layerName(r, false), suffix(r, recordId(r, false))));
      return null;
    }
    if (roll < 81) {
      req.route = "admin.list";
      req.method = "GET";
      segments.addAll(List.of("admin", "consumers"));
      req.auth = adminAuth(r);
      maybe(r, query, 20, "limit", number(r));
      return null;
    }
    if (roll < 83) {
      req.route = "admin.create";
      req.method = "POST";
      segments.addAll(List.of("admin", "consumers"));
      req.auth = adminAuth(r);
      return (rr, q) -> consumerBody(rr, q);
    }
    if (roll < 84) {
      req.route = "admin.revoke";
      req.method = "DELETE";
      segments.addAll(List.of("admin", "consumers", pick(r, new String[] {"fz-nokey-" + r.nextInt(1000), "", "%zz", "%", "a".repeat(300), "k".repeat(5000), "%C3%28", "x,y", "..", "%00"})));
      req.auth = adminAuth(r);
      return null;
    }
    if (roll < 89) {
      String[] ops = {"health", "health/live", "health/ready", "metrics", "health/", "health/live/x", "metrics.json", "health.json"};
      String op = r.nextInt(100) < 8 ? "metrics" : pick(r, new String[] {"health", "health/live", "health/ready", pick(r, ops)});
      req.route = "ops:" + op;
      req.method = "GET";
      segments.addAll(List.of(op.split("/", -1)));
      req.auth = r.nextBoolean() ? Auth.UNSIGNED : Auth.SIGNED;
      return null;
    }
    if (roll < 93) {
      req.route = "unknown";
      req.method = pick(r, new String[] {"GET", "GET", "POST", "PUT", "DELETE"});
      String[][] unknown = {
        {""}, {"0.1"}, {"0.1", ""}, {"0.2", "records", scratchLayer, "x"}, {"0.1", "records"}, {"0.1", "records", ""},
        {"favicon.ico"}, {"0.1", "records", scratchLayer, "a", "b", "c", "d"}, {"0.1", "layers", "a", "b"}, {"admin"},
        {"admin", "x"}, {"0.1", "records", scratchLayer, "nearby"}, {"0.1", "records", scratchLayer, "within", "a", "b"},
        {"..", "..", "etc", "passwd"}, {"0.1", "LAYERS"}, {"0.1", "records", scratchLayer, "x", "history", "y"},
        {"index.html"}, {"0.1", "layers.xml"}, {"%2e%2e", "%2e%2e"}, {"~"}, {"0.1", "records", scratchLayer, ".json"}
      };
      segments.addAll(List.of(pick(r, unknown)));
      return r.nextInt(4) == 0 ? (rr, q) -> featureBody(rr, q, null) : null;
    }
    // the node's clean answers, for contrast: a good GET of the keeper, a good search near it
    req.route = "good";
    req.method = "GET";
    if (r.nextBoolean()) {
      segments.addAll(List.of("0.1", "records", keepLayer, keeperId));
    } else {
      segments.addAll(List.of("0.1", "records", keepLayer, "nearby", "2.5,1.5"));
      query.add("radius=" + pick(r, GOOD_NUMBERS));
    }
    return null;
  }

  private Auth adminAuth(SplittableRandom r) {
    int roll = r.nextInt(100);
    return roll < 65 ? Auth.ADMIN : roll < 80 ? Auth.BAD_ADMIN : roll < 90 ? Auth.UNSIGNED : roll < 95 ? Auth.SIGNED : Auth.GARBAGE;
  }

  /** A layer name: the keeper's, the scratch one, a few made up, or a bad one. */
  private String layerName(SplittableRandom r, boolean keeperAllowed) {
    int roll = r.nextInt(100);
    if (roll < 30 && keeperAllowed) {
      return keepLayer;
    }
    if (roll < 55) {
      return scratchLayer;
    }
    if (roll < 70) {
      return "fz." + runId + ".l" + r.nextInt(20);
    }
    String[] bad = {
      "", ".", "..", ".hidden", "a..b", "a%20b", "l".repeat(129), "l".repeat(128), "l".repeat(5000 + r.nextInt(3000)), "%zz", "%", "%C3%28",
      "%00", "a%2Fb", "\u00ff", "%E2%80%AE", "layer.json.json", "-x", "_x", "*", "%2E%2E", "a,b", "%2e", "a%0Ab",
      "A".repeat(128), "k%D0%B5ep", "a;b", "a:b", "a@b", "%20", "+", "a+b", "%41%42", "UPPER", "0", "a.", "a-", "\u00e9"
    };
    return pick(r, bad);
  }

  private String recordId(SplittableRandom r, boolean keeperAllowed) {
    int roll = r.nextInt(100);
    if (roll < 25 && keeperAllowed) {
      return keeperId;
    }
    if (roll < 65) {
      return randomId(r);
    }
    String[] bad = {
      "", "%20", "a%2Fb", "a..b", "a%01b", "a%0Ab", "%zz", "%", "%C3%28", "%00", "%FF", "k%D0%B5eper", "a%E2%80%8Bb", "..", ".",
      "a".repeat(256), "a".repeat(257), "a".repeat(5000 + r.nextInt(5000)), "x.json", "x.json.json", "history", "nearby", "within",
      "a%2Cb", "!$'()*+;=:@", "~", "a%20b", "%2E%2E", "\u00e9", "a#b", "%23", "%3F", "a?b=c", "%u0041", "%%41", "+"
    };
    return pick(r, bad);
  }

  private static String randomId(SplittableRandom r) {
    String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~:@!$'()*+;=-";
    int length = 1 + r.nextInt(16);
    StringBuilder id = new StringBuilder("f");
    for (int i = 0; i < length; i++) {
      id.append(chars.charAt(r.nextInt(chars.length())));
    }
    return id.toString().replace("..", "._");
  }

  private String ids(SplittableRandom r) {
    int roll = r.nextInt(100);
    if (roll < 10) {
      return String.join(",", java.util.Collections.nCopies(100, "a"));
    }
    if (roll < 20) {
      return String.join(",", java.util.Collections.nCopies(101 + r.nextInt(2000), "b"));
    }
    if (roll < 30) {
      return pick(r, new String[] {",", ",,", "a,", ",a", "a,,b", keeperId + "," + keeperId, "a%2Cb,c", "%2C", "a,%zz"});
    }
    int n = 2 + r.nextInt(5);
    List<String> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(recordId(r, true));
    }
    return String.join(",", list);
  }

  private static String suffix(SplittableRandom r, String segment) {
    int roll = r.nextInt(100);
    return roll < 30 ? segment + ".json" : roll < 33 ? segment + pick(r, new String[] {".JSON", ".json.json", ".xml", ".", ".json?"}) : segment;
  }

  private static String number(SplittableRandom r) {
    return r.nextInt(100) < 40 ? pick(r, GOOD_NUMBERS) : pick(r, NUMBERS);
  }

  private static String where(SplittableRandom r) {
    int roll = r.nextInt(100);
    if (roll < 40) {
      return number(r) + "," + number(r);
    }
    if (roll < 55) {
      return pick(r, new String[] {"9q8yy", "9q8yyk8ytpxr", "s0000", "u", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "9q8yya!", "9Q8YY", "ilo", "0", "%39q8yy"});
    }
    if (roll < 65) {
      return "2.5,1.5";
    }
    return pick(r, new String[] {
      "", ",", "1,2,3", "NaN,NaN", "Infinity,0", "91,0", "0,181", "1e309,0", "0x10,0", " 1 , 2 ", "1;2", "%zz", "1%2C2",
      "a,b", ",,", "-90,-180", "90,180", "1,", ",1", "1.5.5,2", "%20,%20", "1e-400,5e-324", "1e-999999999,0", "0,-1E-2147483647"
    });
  }

  private static String box(SplittableRandom r) {
    int roll = r.nextInt(100);
    if (roll < 45) {
      return number(r) + "," + number(r) + "," + number(r) + "," + number(r);
    }
    if (roll < 60) {
      return "1,1,3,3";
    }
    return pick(r, new String[] {
      "-90,-180,90,180", "10,10,0,0", "0,170,10,-170", "1,2,3", "1,2,3,4,5", "", ",,,", "NaN,0,1,1", "0,0,0,0",
      "-91,0,1,1", "0,-181,1,1", "1e309,0,1,1", "a,b,c,d", "89.9,-180,90,180", "-90,0,-89.9999,0.0001", "%zz",
      "1e-999999999,0,1,1", "0,-1E-2147483647,1,1", "0,0,1E%2B2147483647,1", "0,0,1,1e999999999"
    });
  }

  private static String cursor(SplittableRandom r) {
    int roll = r.nextInt(100);
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    if (roll < 30) {
      String[] texts = {
        "h1:-1", "h1:abc", "h1:9223372036854775808", "h1:", "h1:1e5", "h1:0", "l1:", "l1:..", "l1:a b", "l1:" + "x".repeat(200),
        "l1:fz", "s1:0:0:x", "s1:1:zz:x", "s1:12:7ff8000000000000:keeper", "s1:x:y:z", "s1:0:fff0000000000000:",
        "s1:-1:0:" + "i".repeat(300), "s1:2147483648:0:a", "s2:0:0:a", "s1:0:0", "\u0000", "h1:9223372036854775807"
      };
      return url.encodeToString(pick(r, texts).getBytes(UTF_8));
    }
    if (roll < 45) {
      byte[] bytes = new byte[1 + r.nextInt(64)];
      r.nextBytes(bytes);
      return url.encodeToString(bytes);
    }
    return pick(r, new String[] {
      "", "abc", "%25%25", "bDE6c29tZWxheWVy", "====", "%zz", "%C3%28", "-_-_", "bnVsbA", "a+b/c=", "A".repeat(3000),
      "A".repeat(9000), "%", "a%00b", "!!!", "\u00ff"
    });
  }

  private static void searchQuery(SplittableRandom r, List<String> query, boolean nearby) {
    if (nearby) {
      maybe(r, query, 45, "radius", number(r));
      maybe(r, query, 8, "bbox", box(r));
    }
    maybe(r, query, 30, "limit", number(r));
    maybe(r, query, 15, "start", number(r));
    maybe(r, query, 15, "end", number(r));
    maybe(r, query, 15, "order", pick(r, new String[] {"distance", "created", "-created", "x", "", "DISTANCE", "%2Dcreated", "+created", "created,distance"}));
    maybe(r, query, 15, "cursor", cursor(r));
    if (r.nextInt(100) < 15) {
      maybe(r, query, 80, "prop.name", pick(r, new String[] {"name", "n", "", "a".repeat(3000), "%zz", "layer", "prop.name", "%00"}));
      maybe(r, query, 50, "prop.type", pick(r, new String[] {"string", "number", "boolean", "x", "", "NUMBER", "%zz"}));
      if (r.nextBoolean()) {
        maybe(r, query, 80, "prop.equals", pick(r, new String[] {"x", "5", "true", "NaN", "1e999999999", "1e-999999999", "-1E-2147483647", "", "%zz", "1" + "0".repeat(3000)}));
      } else {
        maybe(r, query, 60, "prop.start", number(r));
        maybe(r, query, 60, "prop.end", number(r));
      }
      maybe(r, query, 10, "prop.other", "x");
      maybe(r, query, 5, "prop.", "x");
    }
  }

  private static void maybe(SplittableRandom r, List<String> query, int percent, String name, String value) {
    if (r.nextInt(100) < percent) {
      query.add(name + "=" + value);
    }
  }

  // ---------------------------------------------------------------- bodies

  /** A Feature as fields of raw JSON, so that any field can take any text. */
  private static Map<String, String> feature(SplittableRandom r, String id) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("type", "\"Feature\"");
    if (id != null) {
      f.put("id", "\"" + id + "\"");
    }
    if (r.nextBoolean()) {
      f.put("created", String.valueOf(1_300_000_000L + r.nextInt(300_000_000)));
    }
    String lon = String.format(Locale.ROOT, "%.6f", r.nextDouble(-180, 180));
    String lat = String.format(Locale.ROOT, "%.6f", r.nextDouble(-90, 90));
    f.put("geometry", "{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]}");
    StringBuilder props = new StringBuilder("{");
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":").append(pick(r, PROPERTY_VALUES));
    }
    f.put("properties", props.append('}').toString());
    return f;
  }

  private static String json(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
  }

  /** A Feature for a record PUT: often valid, else with fields of wrong type or value. */
  private String featureBody(SplittableRandom r, Request req, String urlId) {
    Map<String, String> f = feature(r, urlId != null && r.nextInt(100) < 30 ? urlId : null);
    if (r.nextInt(100) < 55) {
      mutateFeature(r, req, f, urlId);
    } else {
      req.tags.add("feature:valid");
    }
    return json(f);
  }

  private static void mutateFeature(SplittableRandom r, Request req, Map<String, String> f, String urlId) {
    int roll = r.nextInt(13);
    String lon = "1.5";
    String lat = "2.5";
    switch (roll) {
      case 0 -> {
        String field = pick(r, new String[] {"type", "id", "created", "geometry", "properties"});
        f.put(field, pick(r, WRONG_TYPES));
        req.tags.add("feature:type-of-" + field);
      }
      case 1 -> {
        f.put("geometry", "{\"type\":" + pick(r, WRONG_TYPES) + ",\"coordinates\":[1,2]}");
        req.tags.add("feature:geometry.type-wrong-type");
      }
      case 2 -> {
        f.put("geometry", "{\"type\":\"" + pick(r, new String[] {"LineString", "Polygon", "point", "POINT", "MultiPoint", "GeometryCollection", "Feature", ""}) + "\",\"coordinates\":[1,2]}");
        req.tags.add("feature:geometry.type-value");
      }
      case 3, 4 -> {
        String a = r.nextBoolean() ? pick(r, COORDINATES) : lon;
        String b = r.nextBoolean() ? pick(r, COORDINATES) : lat;
        f.put("geometry", "{\"type\":\"Point\",\"coordinates\":[" + a + "," + b + "]}");
        req.tags.add("feature:coordinates");
      }
      case 5 -> {
        String[] shapes = {"[]", "[1]", "[1,2,3]", "[1,2,3,4]", "[[1,2]]", "\"1,2\"", "null", "{}", "[1,[2]]", "[" + "1,".repeat(5000) + "1]"};
        f.put("geometry", "{\"type\":\"Point\",\"coordinates\":" + pick(r, shapes) + "}");
        req.tags.add("feature:coordinates-shape");
      }
      case 6 -> {
        String field = pick(r, new String[] {"type", "geometry", "properties"});
        f.remove(field);
        req.tags.add("feature:missing-" + field);
      }
      case 7 -> {
        f.put("geometry", pick(r, new String[] {"{\"type\":\"Point\"}", "{\"coordinates\":[1,2]}", "{}"}));
        req.tags.add("feature:geometry-incomplete");
      }
      case 8 -> {
        String field = r.nextInt(4) == 0 ? "expires" : "created";
        f.put(field, r.nextBoolean() ? pick(r, NUMBER_BOMBS)
            : pick(r, new String[] {"-5", "\"yesterday\"", "1e20", "1.5", "\"1300000000\"", "9223372036854775807", "9223372036854775808", "-0", "0", "1e999", "NaN", "253402300799"}));
        req.tags.add("feature:" + field);
      }
      case 9 -> {
        f.put("id", pick(r, new String[] {"\"other\"", "\"\"", "5", "\"" + "i".repeat(300) + "\"", "\"a/b\"", "\"a,b\"", "\"..\"", "null"}));
        req.tags.add("feature:id" + (urlId == null ? "" : "-vs-url"));
      }
      case 10 -> {
        f.put(pick(r, new String[] {"layer", "selfLink", "distance", "\u00e9", "", "k".repeat(2000), "type\u0000"}), pick(r, WRONG_TYPES));
        req.tags.add("feature:extra-field");
      }
      case 11 -> {
        f.put("properties", oneOf(r,
            () -> "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", () -> "{\"a\":\"" + "x".repeat(60_000) + "\"}",
            () -> many(1000, i -> "\"k" + i + "\":" + i), () -> "{\"\":1,\"\\u0000\":2}", () -> "{\"a\":NaN}",
            () -> "{\"a\":1e999}", () -> "{\"a\":1,\"a\":2}", () -> "{\"a\":" + "{\"a\":".repeat(500) + "1" + "}".repeat(500) + "}"));
        req.tags.add("feature:properties-odd");
      }
      default -> {
        f.put("type", "\"Feature\",\"type\":\"Feature\"");
        req.tags.add("feature:duplicate-key");
      }
    }
  }

  private static String many(int n, java.util.function.IntFunction<String> entry) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",").append(entry.apply(i));
    }
    return out.append('}').toString();
  }

  /** A body that must be refused as the keeper's new value; nothing here may be accepted. */
  private static String invalidFeature(SplittableRandom r, Request req, String id) {
    req.tags.add("keeper-write");
    String point = "{\"type\":\"Point\",\"coordinates\":";
    return oneOf(r,
      () -> "{\"type\":\"Feature\",\"geometry\":" + point + "[1.5," + pick(r, new String[] {"90.0001", "-91", "NaN", "\"NaN\"", "Infinity", "1e999", "\"east\"", "{}", "null", "[]", "1e-999999999", "\"-1E-2147483647\""}) + "]}}",
      () -> "{\"type\":\"Feature\",\"geometry\":" + point + "[" + pick(r, new String[] {"180.5", "-181", "NaN", "\"Infinity\"", "-1e999", "true"}) + ",2.5]}}",
      () -> "{\"type\":\"Feature\",\"geometry\":" + point + "[1]}}",
      () -> "{\"type\":\"Feature\",\"properties\":{}}",
      () -> "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}}",
      () -> "{\"type\":\"Point\",\"coordinates\":[1,2]}",
      () -> "{\"type\":\"Feature\",\"geometry\":" + point + "[1,2]},\"properties\":" + pick(r, new String[] {"[1]", "5", "\"x\"", "true"}) + "}",
      () -> "{\"type\":\"Feature\",\"created\":" + pick(r, new String[] {"-5", "\"yesterday\"", "true", "{}"}) + ",\"geometry\":" + point + "[1,2]}}",
      () -> "{\"type\":\"Feature\",\"id\":\"not-" + id + "\",\"geometry\":" + point + "[1,2]}}",
      () -> pick(r, MALFORMED_JSON),
      () -> "[".repeat(10_000) + "]".repeat(10_000),
      () -> "{\"type\":\"Feature\",\"geometry\":" + point + "[1,2]},\"properties\":{\"pad\":\"" + "x".repeat(1_100_000) + "\"}}",
      () -> {
        String good = "{\"type\":\"Feature\",\"geometry\":" + point + "[9,9]},\"properties\":{\"moved\":true}}";
        return good.substring(0, r.nextInt(good.length())); // truncated
      });
  }

  private String bulkBody(SplittableRandom r, Request req, boolean keeperLayer) {
    int roll = r.nextInt(100);
    if (keeperLayer && roll < 30) {
      roll = 30 + r.nextInt(70); // no valid collections for the keeper's layer: it may hold new records, not lose or move one
    }
    if (roll < 30) {
      req.tags.add("bulk:valid");
      return collection(r, req, 1 + r.nextInt(5), false);
    }
    if (roll < 60) {
      req.tags.add("bulk:mixed");
      return collection(r, req, 2 + r.nextInt(5), true);
    }
    req.tags.add("bulk:odd");
    return oneOf(r,
      () -> "{\"type\":\"Feature\"}", () -> "{\"type\":\"FeatureCollection\",\"features\":{}}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":[]}", () -> "{\"type\":\"FeatureCollection\"}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":[1,null,\"x\"]}", () -> "{\"type\":\"FeatureCollection\",\"features\":null}",
      () -> "{\"features\":[]}", () -> "{\"type\":\"featurecollection\",\"features\":[]}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":[" + json(feature(r, null)) + "]}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", java.util.Collections.nCopies(101, json(feature(r, "x")))) + "]}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", java.util.Collections.nCopies(3, json(feature(r, "dup")))) + "]}",
      () -> "{\"type\":\"FeatureCollection\",\"features\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
  }

  private String collection(SplittableRandom r, Request req, int n, boolean mutate) {
    List<String> features = new ArrayList<>();
    int bad = mutate ? r.nextInt(n) : -1;
    for (int i = 0; i < n; i++) {
      Map<String, String> f = feature(r, i == bad && r.nextBoolean() ? randomId(r) : "fb" + r.nextInt(1_000_000));
      if (i == bad) {
        mutateFeature(r, req, f, null);
      }
      features.add(json(f));
    }
    return "{\"type\":\"FeatureCollection\",\"features\":[" + String.join(",", features) + "]}";
  }

  private static String polygonBody(SplittableRandom r, Request req) {
    double lon = r.nextDouble(-170, 170);
    double lat = r.nextDouble(-80, 80);
    double size = r.nextInt(100) < 70 ? r.nextDouble(0.001, 2) : r.nextDouble(2, 90);
    String ring = ring(lon, lat, size, 4 + r.nextInt(8));
    int roll = r.nextInt(100);
    if (roll < 30) {
      req.tags.add("polygon:valid");
      return r.nextBoolean()
          ? "{\"type\":\"Polygon\",\"coordinates\":[" + ring + "]}"
          : "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" + ring + "]}}";
    }
    if (roll < 40) {
      req.tags.add("polygon:multi");
      return "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + ring + "],[" + ring(lon + 5, lat, size, 5) + "]]}";
    }
    req.tags.add("polygon:odd");
    return oneOf(r,
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", // not closed
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[0,0]]]}", // too few points
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}", // a bow tie
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,0],[0,0],[0,0]]]}", // all one point
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[170,0],[-170,0],[-170,10],[170,10],[170,0]]]}", // across the antimeridian
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}", // the world
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,89],[120,89],[-120,89],[0,89]]]}", // around the pole
      () -> "{\"type\":\"Polygon\",\"coordinates\":[" + ring + ",[[0,0],[0,0],[0,0],[0,0]]]}", // a degenerate hole
      () -> "{\"type\":\"Polygon\",\"coordinates\":[" + ring + "," + ring + "]}", // a hole as big as the shell
      () -> "{\"type\":\"Polygon\",\"coordinates\":[" + ring(lon, lat, size, 10_000) + "]}", // 10,000 vertices
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[NaN,0],[1,0],[1,1],[NaN,0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,91],[0,0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e999,0],[1,1],[0,0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1," + pick(r, NUMBER_BOMBS) + "],[1,1],[0,1],[0,0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[\"0\",\"0\"],[\"1\",0],[1,1],[\"0\",\"0\"]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[1,2]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":{}}",
      () -> "{\"type\":\"Polygon\"}",
      () -> "{\"type\":\"Point\",\"coordinates\":[1,2]}",
      () -> "{\"type\":\"Feature\"}",
      () -> "{\"type\":\"Feature\",\"geometry\":null}",
      () -> "{\"type\":\"Feature\",\"geometry\":5}",
      () -> "{\"type\":\"MultiPolygon\",\"coordinates\":[[]]}",
      () -> "{\"type\":\"MultiPolygon\",\"coordinates\":[" + ring + "]}",
      () -> "{\"type\":\"GeometryCollection\",\"geometries\":[]}",
      () -> "{\"type\":5,\"coordinates\":[]}",
      () -> "{}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0,0],[1,0,0],[1,1,0],[0,0,0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0],[1],[1],[0]]]}",
      () -> "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1e-12,0],[1e-12,1e-12],[0,0]]]}",
      () -> "{\"type\":\"MultiPolygon\",\"coordinates\":[" + String.join(",", java.util.Collections.nCopies(2000, "[" + ring + "]")) + "]}");
  }

  private static String ring(double lon, double lat, double size, int points) {
    StringBuilder ring = new StringBuilder("[");
    for (int i = 0; i < points; i++) {
      double angle = 2 * Math.PI * i / points;
      double x = Math.max(-180, Math.min(180, lon + size * Math.cos(angle)));
      double y = Math.max(-90, Math.min(90, lat + size * Math.sin(angle)));
      ring.append(String.format(Locale.ROOT, "[%.6f,%.6f],", x, y));
    }
    double x0 = Math.max(-180, Math.min(180, lon + size));
    return ring.append(String.format(Locale.ROOT, "[%.6f,%.6f]]", x0, Math.max(-90, Math.min(90, lat)))).toString();
  }

  private static String layerBody(SplittableRandom r, Request req, boolean keeperLayer) {
    if (keeperLayer || r.nextInt(100) < 50) {
      req.tags.add(keeperLayer ? "layer-body:keeper-invalid" : "layer-body:invalid");
      return oneOf(r,
          () -> "{\"public\":\"yes\"}", () -> "{\"callback_urls\":\"http://x\"}", () -> "{\"callback_urls\":[\"ftp://x\"]}",
          () -> "{\"title\":5}", () -> "{", () -> "{\"title\":null,\"public\":1}", () -> "{\"callback_urls\":[5]}",
          () -> "{\"callback_urls\":[\"http://\"]}", () -> "{\"callback_urls\":[\"http://%zz\"]}", () -> "{\"callback_urls\":[\"not a url\"]}",
          () -> "{\"title\":\"" + "t".repeat(100_000) + "\"}", () -> "[".repeat(10_000) + "]".repeat(10_000), () -> "[]",
          () -> "{\"public\":NaN}", () -> "{\"callback_urls\":[\"javascript:alert(1)\"]}",
          () -> "{\"description\":[]}");
    }
    req.tags.add("layer-body:maybe-valid");
    return oneOf(r,
        () -> "{}", () -> "{\"title\":\"t\"}", () -> "{\"title\":\"fuzz\",\"description\":\"d\",\"public\":false}",
        () -> "{\"callback_urls\":[\"http://127.0.0.1:9/x\"]}", () -> "{\"title\":\"\\u0000\"}", () -> "{\"unknown\":1}",
        () -> "{\"public\":true}", () -> "{\"callback_urls\":[\"http://%zz\"]}",
        () -> "{\"callback_urls\":[" + String.join(",", java.util.Collections.nCopies(1000, "\"http://a.example/\"")) + "]}",
        () -> "{\"title\":\"" + "\u00e9".repeat(100) + "\"}");
  }

  private String consumerBody(SplittableRandom r, Request req) {
    String[] names = {"\"fz-" + runId + "\"", "\"\"", "\"  \"", "5", "null", "[]", "\"" + "n".repeat(201) + "\"", "\"" + "n".repeat(200) + "\"", "\"\\u0000\"", "\"é\""};
    String[] limits = {
      "{\"requestsPerSecond\":10,\"burst\":20}", "{\"requestsPerSecond\":0,\"burst\":1}", "{\"requestsPerSecond\":-1,\"burst\":1}",
      "{\"requestsPerSecond\":1.5,\"burst\":1}", "{\"requestsPerSecond\":1e7,\"burst\":1}", "{\"requestsPerSecond\":1000001,\"burst\":1}",
      "{\"requestsPerSecond\":1,\"burst\":10000001}", "{\"requestsPerSecond\":\"10\",\"burst\":1}", "{}", "5", "[]", "null",
      "{\"requestsPerSecond\":NaN,\"burst\":1}", "{\"requestsPerSecond\":9223372036854775808,\"burst\":1}",
      "{\"requestsPerSecond\":1e999,\"burst\":1}", "{\"requestsPerSecond\":2147483648,\"burst\":2147483648}",
      "{\"requestsPerSecond\":-1E-2147483647,\"burst\":1}", "{\"requestsPerSecond\":1,\"burst\":1e-999999999}",
      "{\"requestsPerSecond\":1E+2147483647,\"burst\":1}"
    };
    String body = "{\"name\":" + pick(r, names) + (r.nextBoolean() ? ",\"rateLimit\":" + pick(r, limits) : "") + "}";
    req.tags.add("consumer-body");
    return r.nextInt(100) < 10 ? pick(r, JSON_SCALARS) : body;
  }

  /** The generic body mutations, for any body. */
  private static byte[] mutateBody(SplittableRandom r, Request req, String json) {
    int roll = r.nextInt(100);
    if (roll < 15) {
      req.tags.add("body:truncated");
      return json.substring(0, r.nextInt(Math.max(1, json.length()))).getBytes(UTF_8);
    }
    if (roll < 30) {
      req.tags.add("body:malformed");
      return pick(r, MALFORMED_JSON).getBytes(ISO_8859_1);
    }
    if (roll < 38) {
      req.tags.add("body:scalar");
      return pick(r, JSON_SCALARS).getBytes(UTF_8);
    }
    if (roll < 48) {
      req.tags.add("body:deep");
      return oneOf(r,
          () -> "[".repeat(10_000) + "]".repeat(10_000), () -> "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000),
          () -> "[".repeat(10_000), () -> "[".repeat(100_000) + "]".repeat(100_000),
          () -> "{\"type\":\"Feature\",\"properties\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_001)).getBytes(UTF_8);
    }
    if (roll < 53) {
      req.tags.add("body:huge");
      req.fresh = true;
      int size = 1_048_577 + r.nextInt(2_000_000);
      return (r.nextBoolean() ? "{\"type\":\"Feature\",\"properties\":{\"pad\":\"" + "x".repeat(size) + "\"}}" : " ".repeat(size) + json).getBytes(UTF_8);
    }
    if (roll < 56) {
      req.tags.add("body:at-limit");
      int pad = 1_048_576 - json.length() - 12;
      return pad > 0 ? ("{\"pad\":\"" + "y".repeat(pad) + "\"}").getBytes(UTF_8) : json.getBytes(UTF_8);
    }
    if (roll < 70) {
      req.tags.add("body:invalid-utf8");
      String bad = pick(r, RAW_HIGH_BYTES);
      byte[] text = json.getBytes(UTF_8);
      int at = r.nextInt(text.length + 1);
      byte[] out = new byte[text.length + bad.length()];
      System.arraycopy(text, 0, out, 0, at);
      System.arraycopy(bad.getBytes(ISO_8859_1), 0, out, at, bad.length());
      System.arraycopy(text, at, out, at + bad.length(), text.length - at);
      return out;
    }
    if (roll < 78) {
      req.tags.add("body:binary");
      byte[] out = new byte[1 + r.nextInt(2000)];
      r.nextBytes(out);
      return out;
    }
    if (roll < 90) {
      req.tags.add("body:form");
      req.headers.add(new Header("Content-Type", "application/x-www-form-urlencoded"));
      return pick(r, new String[] {"a=b&c=d", "type=Feature", "%zz=1", "a=%C3%28", "oauth_nonce=x", "oauth_consumer_key=locus-dev&oauth_nonce=y",
        "=", "&&&", "a", "a=" + "b".repeat(5000), "a=1&a=2", "json=" + json.substring(0, Math.min(200, json.length()))}).getBytes(ISO_8859_1);
    }
    req.tags.add("body:trailing-garbage");
    return (json + pick(r, new String[] {"}", "]]", "x", ",", "\u0000", " {}", "\n\n\n", "//"})).getBytes(UTF_8);
  }

  // ---------------------------------------------------------------- mutations

  private void mutatePath(SplittableRandom r, Request req, List<String> segments) {
    int roll = r.nextInt(100);
    int at = segments.isEmpty() ? 0 : r.nextInt(segments.size());
    if (segments.isEmpty()) {
      segments.add("");
    }
    String segment = segments.get(at);
    int pos = segment.isEmpty() ? 0 : r.nextInt(segment.length() + 1);
    if (roll < 25) {
      String escape = pick(r, BROKEN_ESCAPES);
      segments.set(at, segment.substring(0, pos) + escape + segment.substring(pos));
      req.tags.add("path:escape(" + escape + ")@" + at);
    } else if (roll < 35) {
      String control = pick(r, CONTROL_BYTES);
      segments.set(at, segment.substring(0, pos) + control + segment.substring(pos));
      req.tags.add("path:control(" + cut(control, 4) + ")");
      req.fresh = true;
    } else if (roll < 45) {
      String high = pick(r, RAW_HIGH_BYTES);
      segments.set(at, segment.substring(0, pos) + high + segment.substring(pos));
      req.tags.add("path:raw-bytes(" + cut(high, 16) + ")");
    } else if (roll < 55) {
      String[] dots = {"..", ".", "../..", "../../../../etc/passwd", "%2E%2E", "%2e", "...", ".%2E", "a/..", "x/../..", "~", "./."};
      String dot = pick(r, dots);
      segments.add(at, dot);
      req.tags.add("path:dots(" + dot + ")");
    } else if (roll < 63) {
      String[] slashes = {"", "", "%2F", "%5C", "\\", "//"};
      String slash = pick(r, slashes);
      segments.add(at, slash);
      req.tags.add("path:slashes(" + slash + ")");
    } else if (roll < 70) {
      String[] spaces = {" ", "%20", "+", " HTTP/1.1", "\u00a0", "%09"};
      String space = pick(r, spaces);
      segments.set(at, segment.substring(0, pos) + space + segment.substring(pos));
      req.tags.add("path:space(" + cut(space, 12) + ")");
      req.fresh |= space.startsWith(" ");
    } else if (roll < 80) {
      int length = pick(r, new int[] {3000, 4100, 5000, 8000, 20_000, 70_000});
      segments.set(at, segment + "a".repeat(length));
      req.tags.add("path:long(" + length + ")");
    } else if (roll < 84) {
      for (int i = 0; i < segments.size(); i++) {
        segments.set(i, segments.get(i).toUpperCase(Locale.ROOT));
      }
      req.tags.add("path:upper-case");
    } else if (roll < 88) {
      String[] matrix = {";jsessionid=1", ";", "#frag", "#", "?", "??", "%3F", "&"};
      String m = pick(r, matrix);
      segments.set(segments.size() - 1, segments.get(segments.size() - 1) + m);
      req.tags.add("path:suffix(" + m + ")");
    } else if (roll < 92) {
      req.target = pick(r, new String[] {"http://127.0.0.1:" + port, "http://other.example", "HTTP://127.0.0.1:" + port, "https://127.0.0.1:" + port, "//127.0.0.1"})
          + target(segments, List.of());
      req.tags.add("path:absolute-form");
    } else if (roll < 95) {
      req.target = pick(r, new String[] {"*", "", "0.1/layers", "?", "#", "%", "http://", "/%", "\u00ff"});
      req.tags.add("path:target(" + cut(req.target, 12) + ")");
      req.fresh = true;
    } else {
      // many segments
      int n = pick(r, new int[] {100, 1000, 1900});
      for (int i = 0; i < n; i++) {
        segments.add("s");
      }
      req.tags.add("path:segments(" + n + ")");
    }
  }

  private static void mutateQuery(SplittableRandom r, Request req, List<String> query) {
    int roll = r.nextInt(100);
    if (roll < 20 && !query.isEmpty()) {
      String param = query.get(r.nextInt(query.size()));
      String name = param.split("=", 2)[0];
      query.add(name + "=" + number(r));
      req.tags.add("query:repeated(" + name + ")");
    } else if (roll < 40) {
      String escape = pick(r, BROKEN_ESCAPES);
      String name = pick(r, new String[] {"limit", "radius", "cursor", "start", "x", escape, "prop.name"});
      query.add(r.nextBoolean() ? name + "=" + escape : escape + "=" + "1");
      req.tags.add("query:escape(" + escape + ")");
    } else if (roll < 55) {
      String[] shapes = {"limit", "=", "&", "&&&", "=x", "radius=", "a=b=c", "+=+", "limit=1&&limit=2", "x=\u00ff", "x=\u0001", "%26=%3D"};
      String shape = pick(r, shapes);
      query.add(shape);
      req.tags.add("query:shape(" + cut(shape, 16) + ")");
      req.fresh |= shape.contains("\u0001");
    } else if (roll < 70) {
      int length = pick(r, new int[] {1000, 3000, 5000, 10_000});
      String name = pick(r, new String[] {"cursor", "radius", "limit", "prop.equals", "x"});
      query.add(name + "=" + "9".repeat(length));
      req.tags.add("query:huge(" + name + "," + length + ")");
    } else if (roll < 80) {
      int n = pick(r, new int[] {100, 500, 1000});
      for (int i = 0; i < n; i++) {
        query.add("p" + i + "=" + i);
      }
      req.tags.add("query:many(" + n + ")");
    } else if (roll < 90) {
      String oauth = pick(r, new String[] {"oauth_nonce=x", "oauth_consumer_key=locus-dev", "oauth_signature=abc", "oauth_token=t", "oauth_version=2.0", "oauth_timestamp=1"});
      query.add(oauth);
      req.tags.add("query:oauth(" + oauth + ")");
    } else {
      String name = pick(r, new String[] {"radius", "limit", "start", "end", "cursor", "order", "bbox"});
      query.add(name + "=" + pick(r, NUMBERS));
      req.tags.add("query:param(" + name + ")");
    }
  }

  private void mutateHeaders(SplittableRandom r, Request req) {
    int roll = r.nextInt(100);
    if (roll < 12) {
      int length = pick(r, new int[] {4000, 7000, 8000, 9000, 20_000, 70_000});
      req.headers.add(new Header(pick(r, new String[] {"X-Fuzz", "User-Agent", "Cookie", "Accept", "X-Request-Id", "Referer"}), "v".repeat(length)));
      req.tags.add("header:huge(" + length + ")");
      req.fresh |= length >= 8000;
    } else if (roll < 20) {
      int n = pick(r, new int[] {50, 100, 300, 1000});
      for (int i = 0; i < n; i++) {
        req.headers.add(new Header("X-H" + i, "v" + i));
      }
      req.tags.add("header:many(" + n + ")");
      req.fresh |= n >= 300;
    } else if (roll < 40) {
      String type = pick(r, CONTENT_TYPES);
      req.headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
      if (r.nextInt(10) > 0) {
        req.headers.add(new Header("Content-Type", type));
        req.tags.add("header:content-type(" + cut(type, 40) + ")");
      } else {
        req.tags.add("header:no-content-type");
      }
      if (type.startsWith("multipart") && req.body == null) {
        req.body = "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--xyz--\r\n".getBytes(ISO_8859_1);
      }
    } else if (roll < 52) {
      req.explicitHost = true;
      String[] hosts = {null, "", "localhost:" + port, "LOCALHOST:" + port, "a b", "%zz", "[::1", "127.0.0.1:99999", "127.0.0.1", "h".repeat(5000), "\u00ff", "127.0.0.1:" + port + "@evil", "::"};
      String host = pick(r, hosts);
      if (host != null) {
        req.headers.add(new Header("Host", host));
        if (r.nextInt(4) == 0) {
          req.headers.add(new Header("Host", "other.example"));
          req.tags.add("header:host-twice");
        }
      }
      req.tags.add("header:host(" + cut(host, 20) + ")");
    } else if (roll < 60) {
      String[] ids = {"", "a b", "x".repeat(65), "x".repeat(5000), "\u00ff", "../../", "id\u0001", "ok-1"};
      String id = pick(r, ids);
      req.headers.add(new Header("X-Request-Id", id));
      req.tags.add("header:request-id(" + cut(id, 12) + ")");
      req.fresh |= id.contains("\u0001");
    } else if (roll < 68) {
      String[][] odd = {
        {"Expect", "100-continue"}, {"Expect", "garbage"}, {"Accept", "\u00ff/\u00ff"}, {"Accept-Encoding", "gzip, deflate, br"},
        {"Content-Encoding", "gzip"}, {"Content-Encoding", "deflate"}, {"Range", "bytes=-"}, {"If-Modified-Since", "yesterday"},
        {"Origin", "null"}, {"Accept-Charset", "ebcdic"}, {"Transfer-Encoding", "identity"}, {"Connection", "keep-alive, close, upgrade"},
        {"Cookie", "a=b; c"}, {"Accept", "text/html"}, {"Max-Forwards", "-1"}, {"X-HTTP-Method-Override", "DELETE"},
        {"Forwarded", "for=\"[::1\""}, {"X-Forwarded-Proto", "gopher"}, {"X-Forwarded-Host", "%zz"}, {"Te", "trailers, deflate"},
        {"Content-Type", "text/plain"}, {"Content-Type", "application/x-www-form-urlencoded"}
      };
      String[] h = pick(r, odd);
      req.headers.add(new Header(h[0], h[1]));
      req.tags.add("header:" + h[0] + "(" + cut(h[1], 20) + ")");
    } else if (roll < 80) {
      String[][] garbage = {
        {"Bad Header", "x"}, {"X-\u0001", "x"}, {"", "x"}, {"NoColon", null}, {" Folded", "x"}, {"X-Nul", "a\u0000b"},
        {"X-High", "\u00ff\u00fe"}, {"X-Tab", "\tx\t"}, {"X-Ctl", "a\u0001b"}, {"\u00ff", "x"}, {"X:Colon", "x"}, {"X-Empty", ""}
      };
      String[] h = pick(r, garbage);
      req.headers.add(new Header(h[0], h[1]));
      req.tags.add("header:garbage(" + cut(h[0], 12) + ")");
      req.fresh = true;
    } else {
      String value = pick(r, GARBAGE_AUTH);
      req.auth = r.nextBoolean() ? Auth.GARBAGE_THEN_SIGNED : Auth.SIGNED_THEN_GARBAGE;
      req.garbageAuth = value;
      req.tags.add("header:authorization-twice");
    }
  }

  private static void mutateAuth(SplittableRandom r, Request req, List<String> query) {
    int roll = r.nextInt(100);
    Auth auth;
    if (roll < 30) {
      auth = Auth.GARBAGE;
      req.garbageAuth = pick(r, GARBAGE_AUTH);
    } else if (roll < 45) {
      auth = Auth.UNSIGNED;
    } else {
      auth = pick(r, new Auth[] {Auth.SIGNED_QUERY, Auth.SIGNED_TWICE, Auth.STALE, Auth.FUTURE, Auth.WRONG_SECRET, Auth.UNKNOWN_KEY,
        Auth.TOKEN, Auth.VERSION_2, Auth.PLAINTEXT, Auth.ADMIN, Auth.BAD_ADMIN});
    }
    req.auth = auth;
    req.tags.add("auth:" + auth + (req.garbageAuth == null ? "" : "(" + cut(req.garbageAuth, 24) + ")"));
  }

  private static void mutateFraming(SplittableRandom r, Request req) {
    req.fresh = true;
    int roll = r.nextInt(100);
    if (req.body == null) {
      req.body = "{\"type\":\"Feature\"}".getBytes(ISO_8859_1);
    }
    if (roll < 35) {
      String[] lengths = {"abc", "-1", " " + req.body.length + " ", req.body.length + ", " + req.body.length, "99999999999999999999", "+" + req.body.length,
        "0x10", "", String.valueOf(Math.max(0, req.body.length - 3)), "0", "1e3"};
      String length = pick(r, lengths);
      req.explicitLength = true;
      req.headers.add(new Header("Content-Length", length));
      if (r.nextInt(4) == 0) {
        req.headers.add(new Header("Content-Length", String.valueOf(req.body.length + 1)));
        req.tags.add("frame:content-length-twice");
      }
      req.tags.add("frame:content-length(" + length + ")");
    } else if (roll < 60) {
      req.explicitLength = true;
      boolean good = r.nextBoolean();
      req.headers.add(new Header("Transfer-Encoding", pick(r, new String[] {"chunked", "Chunked", "chunked, gzip", "gzip, chunked", " chunked"})));
      String hex = Integer.toHexString(req.body.length);
      String chunks = good
          ? hex + "\r\n" + new String(req.body, ISO_8859_1) + "\r\n0\r\n\r\n"
          : pick(r, new String[] {"zz\r\nabc\r\n0\r\n\r\n", "-5\r\nabc\r\n0\r\n\r\n", hex + ";ext=\"\r\n" + new String(req.body, ISO_8859_1) + "\r\n0\r\n\r\n",
              "ffffffffffffffff\r\nabc\r\n0\r\n\r\n", "3\r\nabcdef\r\n0\r\n\r\n", "0\r\nX-Trailer: \u0001\r\n\r\n"});
      req.body = chunks.getBytes(ISO_8859_1);
      if (r.nextInt(3) == 0) {
        req.headers.add(new Header("Content-Length", "5"));
        req.tags.add("frame:te-and-cl");
      }
      req.tags.add("frame:chunked(" + (good ? "good" : "bad") + ")");
    } else if (roll < 80) {
      String version = pick(r, new String[] {"HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "FOO/1.1", "HTTP/1", "http/1.1", "", "HTTP/1.1 x", "HTTP/0.9"});
      req.version = version;
      req.tags.add("frame:version(" + version + ")");
    } else if (roll < 90) {
      String[] injections = {"\r\nX-Injected: 1", "\n", "\r", "\r\n\r\n"};
      String injection = pick(r, injections);
      req.headers.add(new Header("X-Split", "a" + injection + "b"));
      req.tags.add("frame:header-injection(" + cut(injection, 12) + ")");
    } else {
      req.lineEnd = "\n"; // bare LF line ends
      req.tags.add("frame:bare-lf");
    }
  }

  // ---------------------------------------------------------------- safety

  /**
   * Keeps the fuzzing away from the data the test checks afterwards: nothing that could delete
   * the keeper layer or record, overwrite either with something valid, or revoke the consumer
   * the test signs as. Whatever mutations made of a path, it is judged on its decoded text.
   */
  private void makeSafe(SplittableRandom r, Request req) {
    String method = req.method.trim().toUpperCase(Locale.ROOT);
    String decoded = lenientDecode(req.target).toLowerCase(Locale.ROOT);
    boolean keeperLayer = decoded.contains(keepLayer.toLowerCase(Locale.ROOT));
    boolean keeperRecord = keeperLayer && decoded.contains("/" + keeperId.toLowerCase(Locale.ROOT));
    boolean writes = method.equals("PUT") || method.equals("POST") || method.equals("PATCH");
    if (method.startsWith("DELETE") && (keeperLayer || decoded.contains("locus-dev"))) {
      req.method = "GET";
      req.tags.add("safety:delete-to-get");
    }
    // A bulk write never names the keeper (its features' ids are made up), a search writes nothing.
    boolean overwrites = writes && (keeperRecord || keeperLayer && req.route.startsWith("layer"));
    if (overwrites && !knownInvalid(req)) {
      SplittableRandom own = r.split();
      req.tags.removeIf(t -> t.startsWith("body:") || t.startsWith("frame:") || t.startsWith("feature:") || t.startsWith("layer-body:"));
      req.body = (req.route.startsWith("layer") ? layerBody(own, req, true) : invalidFeature(own, req, keeperId)).getBytes(UTF_8);
      req.headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Length") || h.name().equalsIgnoreCase("Transfer-Encoding"));
      req.explicitLength = false;
      req.version = "HTTP/1.1";
      req.lineEnd = "\r\n";
      if (req.contentType() == null) {
        req.headers.add(new Header("Content-Type", "application/json"));
      }
      req.tags.add("safety:invalid-body");
    }
    if (req.body != null && req.body.length > 256 * 1024) {
      req.fresh = true;
    }
  }

  private static boolean knownInvalid(Request req) {
    return req.tags.stream().anyMatch(t -> t.equals("keeper-write") || t.equals("layer-body:keeper-invalid"))
        && req.tags.stream().noneMatch(t -> t.startsWith("body:") || t.startsWith("frame:"));
  }

  /** Decodes every well-formed %XX escape (repeatedly), leaving the rest as it is. */
  static String lenientDecode(String raw) {
    String text = raw.replace('+', ' ');
    for (int round = 0; round < 3; round++) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '%' && i + 2 < text.length() && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
          out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          out.append(c);
        }
      }
      text = out.toString();
    }
    return text;
  }

  // ---------------------------------------------------------------- helpers

  /** One alternative of several, built only when chosen. */
  interface Alt {
    String get();
  }

  static String oneOf(SplittableRandom r, Alt... options) {
    return options[r.nextInt(options.length)].get();
  }

  static <T> T pick(SplittableRandom r, T[] options) {
    return options[r.nextInt(options.length)];
  }

  static int pick(SplittableRandom r, int[] options) {
    return options[r.nextInt(options.length)];
  }
}
