package io.locus.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Which hosts a webhook may call: a guard against server-side request forgery, where a callback
 * URL points Locus at the network it runs in (a cloud metadata service, an admin port, a
 * database). Loopback addresses are refused unless {@code allowLoopback} (the development
 * profile allows them, for a local receiver); private, link-local, carrier-grade NAT and
 * unique-local addresses unless {@code allowPrivate}; unspecified, multicast and broadcast
 * addresses always. A URL is checked twice: by its text when a layer is saved ({@link
 * #refusalOf(URI)}: a literal address or a local name), and by every address its host resolves
 * to before each delivery ({@link #refusalOf(InetAddress)}), which also catches names that
 * resolve to internal addresses.
 */
public record CallbackTargets(boolean allowLoopback, boolean allowPrivate) {
  /** The most callback URLs one layer or fence may have. */
  public static final int MAX_URLS = 16;

  /**
   * A {@code callback_urls} member as a body gives it (absent or null: none), validated: at most
   * {@link #MAX_URLS} absolute http(s) URLs with a host, each allowed by {@link #refusalOf(URI)};
   * anything else is a {@link Failure} 400 naming what is wrong.
   */
  public JsonArray urls(Object value) {
    if (value != null && !(value instanceof JsonArray)) {
      throw Failure.badRequest("\"callback_urls\" must be a list of URLs");
    }
    JsonArray urls = value == null ? new JsonArray() : (JsonArray) value;
    if (urls.size() > MAX_URLS) {
      throw Failure.badRequest("at most " + MAX_URLS + " callback_urls");
    }
    for (Object url : urls) {
      URI uri = url instanceof String text && text.matches("https?://[^\\s]{1,2000}") ? absolute(text) : null;
      if (uri == null) {
        throw Failure.badRequest("callback_urls must be http(s) URLs, got " + url);
      }
      String refusal = refusalOf(uri);
      if (refusal != null) {
        throw Failure.badRequest(refusal);
      }
    }
    return urls.copy();
  }

  /** {@code url} parsed, when it is absolute with a host (webhooks will be sent there); else null. */
  private static URI absolute(String url) {
    try {
      URI uri = new URI(url);
      return uri.getHost() != null && !uri.getHost().isEmpty() ? uri : null;
    } catch (URISyntaxException malformed) {
      return null;
    }
  }

  /** Why {@code url} may not be called, judged from its text alone, or null when it may. */
  public String refusalOf(URI url) {
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return "callback URL without a host: " + url;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return allowLoopback ? null : "callback URL names a loopback host: " + host;
    }
    if (!allowPrivate && (name.endsWith(".local") || name.endsWith(".internal") || name.endsWith(".localdomain"))) {
      return "callback URL names an internal host: " + host;
    }
    if (!isLiteral(name)) {
      return null;
    }
    try {
      return refusalOf(InetAddress.getByName(name));
    } catch (UnknownHostException malformed) {
      return "callback URL has a malformed address: " + host;
    }
  }

  /** Why {@code address} may not be called, or null when it may. */
  public String refusalOf(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isMulticastAddress() || isBroadcast(address)) {
      return "callback address " + address.getHostAddress() + " cannot be called";
    }
    if (address.isLoopbackAddress()) {
      return allowLoopback ? null : "callback address " + address.getHostAddress() + " is a loopback address";
    }
    if (!allowPrivate && isInternal(address)) {
      return "callback address " + address.getHostAddress() + " is a private or link-local address";
    }
    return null;
  }

  /** An IPv4 dotted quad or an IPv6 address (no DNS is asked for either). */
  private static boolean isLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  private static boolean isBroadcast(InetAddress address) {
    byte[] bytes = address.getAddress();
    return address instanceof Inet4Address && (bytes[0] & 0xff) == 255 && (bytes[1] & 0xff) == 255 && (bytes[2] & 0xff) == 255 && (bytes[3] & 0xff) == 255;
  }

  private static boolean isInternal(InetAddress address) {
    if (address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      // 0.0.0.0/8 ("this network"), 100.64.0.0/10 (carrier-grade NAT), 198.18.0.0/15 (benchmarking)
      return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second == 18 || second == 19));
    }
    // fc00::/7: unique local addresses
    return address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc;
  }
}
