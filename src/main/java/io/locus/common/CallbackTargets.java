package io.locus.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
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
