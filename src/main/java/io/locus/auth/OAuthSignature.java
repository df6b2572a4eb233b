package io.locus.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature primitives of two-legged OAuth 1.0 (RFC 5849) with HMAC-SHA1: parameter
 * collection (§3.4.1.3.1), base string construction (§3.4.1), signing (§3.4.2) and
 * percent-encoding (§3.6). Pure functions; no I/O and no framework dependency.
 */
public final class OAuthSignature {
  private static final String SIGNATURE_PARAM = "oauth_signature";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private OAuthSignature() {}

  /**
   * One name/value pair of the signature's parameters (§3.4.1.3), already decoded.
   *
   * @param name the decoded parameter name
   * @param value the decoded parameter value ("" when empty)
   */
  public record Param(String name, String value) {
    /** Rejects null name or value. */
    public Param {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * RFC 5849 §3.6 percent-encoding: the UTF-8 bytes of {@code value}, with the unreserved
   * characters ALPHA, DIGIT, '-', '.', '_' and '~' kept as they are and every other byte written as
   * '%' and two upper-case hex digits (so ' ' is "%20", never '+').
   */
  public static String percentEncode(String value) {
    int plain = 0;
    while (plain < value.length() && isUnreserved(value.charAt(plain))) {
      plain++;
    }
    if (plain == value.length()) {
      return value; // most names and values: nothing to escape
    }
    byte[] bytes = value.getBytes(UTF_8);
    StringBuilder out = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (isUnreserved(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * Decodes percent-encoding (the inverse of §3.6): each "%XX" is one byte, the bytes are read as
   * UTF-8; characters that are not escaped stand for themselves, so '+' stays '+'.
   *
   * @throws IllegalArgumentException on a '%' not followed by two hex digits, or on escaped bytes
   *     that are not valid UTF-8
   */
  public static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) == '%') {
        int hi = i + 2 < value.length() ? hexValue(value.charAt(i + 1)) : -1;
        int lo = hi < 0 ? -1 : hexValue(value.charAt(i + 2));
        if (lo < 0) {
          throw new IllegalArgumentException("malformed percent escape at index " + i);
        }
        bytes.write(hi << 4 | lo);
        i += 3;
      } else {
        int next = value.indexOf('%', i);
        int end = next < 0 ? value.length() : next;
        bytes.writeBytes(value.substring(i, end).getBytes(UTF_8));
        i = end;
      }
    }
    try {
      return UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent escapes are not valid UTF-8", e);
    }
  }

  /**
   * The parameters of a raw (undecoded) query string or {@code application/x-www-form-urlencoded}
   * body (§3.4.1.3.1), in order: split on '&amp;', then on the first '='; '+' means space (W3C form
   * encoding) and percent escapes are decoded; a name without '=' has value "". Empty segments
   * (as in "a=1&amp;&amp;b=2") carry no parameter and are skipped.
   *
   * @param raw the query string without '?', or the body; null or "" gives an empty list
   * @throws IllegalArgumentException on a malformed escape
   */
  public static List<Param> decodeForm(String raw) {
    List<Param> params = new ArrayList<>();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.add(new Param(formDecode(name), formDecode(value)));
    }
    return params;
  }

  /**
   * The OAuth protocol parameters of an {@code Authorization: OAuth ...} header (§3.5.1). The
   * scheme name "OAuth" is matched case-insensitively; it is followed by comma-separated
   * {@code name="value"} pairs, with optional spaces or tabs around commas and '='. Names and values
   * are percent-decoded (a backslash inside quotes escapes the next character, as in an HTTP
   * quoted-string). Only names starting with "oauth_" are returned, in header order, which drops
   * "realm" (§3.5.1) along with any other non-protocol parameter.
   *
   * @return the parameters, possibly empty; null when {@code header} is null or of another scheme
   * @throws IllegalArgumentException when the header is of the OAuth scheme but malformed: missing
   *     name or '=', unquoted or unterminated value, missing comma, duplicate name, bad escape
   */
  public static List<Param> parseAuthorizationHeader(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip();
    int schemeEnd = 0;
    while (schemeEnd < h.length() && !isSpace(h.charAt(schemeEnd))) {
      schemeEnd++;
    }
    if (!h.substring(0, schemeEnd).equalsIgnoreCase("OAuth")) {
      return null;
    }
    List<Param> params = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int i = skipSpaces(h, schemeEnd);
    while (i < h.length()) {
      int nameStart = i;
      while (i < h.length() && "=,\" \t".indexOf(h.charAt(i)) < 0) {
        i++;
      }
      if (i == nameStart) {
        throw new IllegalArgumentException("missing parameter name at index " + i);
      }
      String name = percentDecode(h.substring(nameStart, i));
      i = skipSpaces(h, i);
      if (i == h.length() || h.charAt(i) != '=') {
        throw new IllegalArgumentException("missing '=' after " + name);
      }
      i = skipSpaces(h, i + 1);
      if (i == h.length() || h.charAt(i) != '"') {
        throw new IllegalArgumentException("unquoted value for " + name);
      }
      StringBuilder quoted = new StringBuilder();
      i++;
      while (i < h.length() && h.charAt(i) != '"') {
        if (h.charAt(i) == '\\' && i + 1 < h.length()) {
          i++;
        }
        quoted.append(h.charAt(i++));
      }
      if (i == h.length()) {
        throw new IllegalArgumentException("unterminated value for " + name);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("duplicate parameter " + name);
      }
      String value = percentDecode(quoted.toString());
      if (name.startsWith("oauth_")) {
        params.add(new Param(name, value));
      }
      i = skipSpaces(h, i + 1);
      if (i < h.length()) {
        if (h.charAt(i) != ',') {
          throw new IllegalArgumentException("expected ',' after " + name);
        }
        i = skipSpaces(h, i + 1);
        if (i == h.length()) {
          throw new IllegalArgumentException("trailing ','");
        }
      }
    }
    return params;
  }

  /**
   * The base string URI (§3.4.1.2): scheme and host lower-cased, the port dropped when it is the
   * scheme's default (80 for http, 443 for https) or empty, the raw path kept as sent (an empty
   * path becomes "/"), no query and no fragment (anything from a '?' or '#' in {@code rawPath} is
   * cut off).
   *
   * @param scheme the request's scheme, e.g. "http"
   * @param hostHeader the request's Host header, e.g. "Example.com:8080" or "[::1]:8443"
   * @param rawPath the path as sent on the request line, undecoded
   * @throws IllegalArgumentException when {@code hostHeader} is null or empty
   */
  public static String baseStringUri(String scheme, String hostHeader, String rawPath) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      throw new IllegalArgumentException("missing Host");
    }
    String lowerScheme = scheme.toLowerCase(Locale.ROOT);
    String host = hostHeader.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon > host.lastIndexOf(']')) {
      String port = host.substring(colon + 1);
      if (port.isEmpty() || port.equals(defaultPort(lowerScheme))) {
        host = host.substring(0, colon);
      }
    }
    String path = rawPath == null ? "" : rawPath.split("[?#]", 2)[0];
    return lowerScheme + "://" + host + (path.isEmpty() ? "/" : path);
  }

  /**
   * The signature base string (§3.4.1.1): the upper-cased method, '&amp;', the encoded base string
   * URI, '&amp;', and the encoded normalized parameters. Normalization (§3.4.1.3.2) percent-encodes
   * each name and value, sorts the pairs by encoded name and then encoded value, and joins them as
   * {@code name=value} with '&amp;'.
   *
   * <p>{@code params} must hold every query, form-body and OAuth protocol parameter of the request
   * except "oauth_signature", which the caller excludes (§3.4.1.3.1); "realm" is not a parameter.
   *
   * @param baseStringUri the result of {@link #baseStringUri}
   * @throws IllegalArgumentException when {@code params} contains "oauth_signature"
   */
  public static String baseString(String method, String baseStringUri, List<Param> params) {
    for (Param p : params) {
      if (p.name().equals(SIGNATURE_PARAM)) {
        throw new IllegalArgumentException("oauth_signature must not be part of the base string");
      }
    }
    String normalized =
        params.stream()
            .map(p -> new Param(percentEncode(p.name()), percentEncode(p.value())))
            .sorted(Comparator.comparing(Param::name).thenComparing(Param::value))
            .map(p -> p.name() + "=" + p.value())
            .collect(Collectors.joining("&"));
    return percentEncode(method.toUpperCase(Locale.ROOT))
        + "&"
        + percentEncode(baseStringUri)
        + "&"
        + percentEncode(normalized);
  }

  /**
   * HMAC-SHA1 (§3.4.2) of the base string's UTF-8 bytes, keyed with
   * {@code encode(consumerSecret) + "&" + encode(tokenSecret)}, as standard base64 with padding.
   *
   * @param tokenSecret the token shared-secret; "" for two-legged requests
   */
  public static String hmacSha1(String baseString, String consumerSecret, String tokenSecret) {
    String key = percentEncode(consumerSecret) + "&" + percentEncode(tokenSecret);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }

  /**
   * Compares the server's and the request's signatures (§3.2) in time independent of where they
   * differ ({@link MessageDigest#isEqual} over their UTF-8 bytes).
   *
   * @return true when both are non-null and equal; false when either is null
   */
  public static boolean sameSignature(String expected, String provided) {
    if (expected == null || provided == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(UTF_8), provided.getBytes(UTF_8));
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  private static String formDecode(String raw) {
    return percentDecode(raw.replace('+', ' '));
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private static int skipSpaces(String s, int from) {
    int i = from;
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String defaultPort(String scheme) {
    return switch (scheme) {
      case "http" -> "80";
      case "https" -> "443";
      default -> null;
    };
  }
}
