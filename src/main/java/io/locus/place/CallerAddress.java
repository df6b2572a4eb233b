package io.locus.place;

import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client behind a request, for {@code nearby/ip}: the connection's peer,
 * unless that peer is a trusted proxy, in which case the entries the proxies appended to the
 * forwarding header are read from the right, each trusted proxy's entry naming the hop before
 * it, until the first address that is not a trusted proxy. Entries to the left of it are what a
 * client asserted itself, and are never believed.
 */
public final class CallerAddress {
  /** Which header the trusted proxies append to. */
  public enum Header {
    X_FORWARDED_FOR("X-Forwarded-For"),
    FORWARDED("Forwarded");

    private final String name;

    Header(String name) {
      this.name = name;
    }

    /** The header's name on the wire. */
    public String headerName() {
      return name;
    }

    /** The header named {@code name} (case-insensitive); null when it is neither. */
    public static Header named(String name) {
      for (Header header : values()) {
        if (header.name.equalsIgnoreCase(name)) {
          return header;
        }
      }
      return null;
    }
  }

  private final List<IPAddress> trusted;
  private final Header header;

  /** Believes the forwarding {@code header} when the peer is in one of the {@code trustedProxies} blocks (CIDR). */
  public CallerAddress(List<String> trustedProxies, Header header) {
    List<IPAddress> blocks = new ArrayList<>();
    for (String cidr : trustedProxies) {
      IPAddress block = IpAddresses.block(cidr);
      if (block == null) {
        throw new IllegalArgumentException("not an address or CIDR block: " + cidr);
      }
      blocks.add(block);
    }
    this.trusted = List.copyOf(blocks);
    this.header = header;
  }

  /** The forwarding header read from trusted proxies. */
  public Header header() {
    return header;
  }

  /**
   * The caller's address, as text, given the connection's {@code peer} address and every value
   * of the forwarding header in the order received; the nearest untrusted address, or the last
   * trusted proxy's when the hop before it wrote something that is not an address.
   */
  public String of(String peer, List<String> headerValues) {
    IPAddress current = IpAddresses.parse(peer);
    if (current == null) {
      return peer;
    }
    List<String> hops = hops(headerValues);
    for (int i = hops.size() - 1; i >= 0 && isTrusted(current); i--) {
      IPAddress before = IpAddresses.parse(withoutPort(hops.get(i)));
      if (before == null) {
        break;
      }
      current = before;
    }
    return current.toCanonicalString();
  }

  private boolean isTrusted(IPAddress address) {
    return trusted.stream().anyMatch(block -> block.getIPVersion() == address.getIPVersion() && block.contains(address));
  }

  /** The hops the header lists, leftmost (farthest) first. */
  private List<String> hops(List<String> values) {
    List<String> hops = new ArrayList<>();
    for (String value : values) {
      for (String element : value.split(",")) {
        String hop = header == Header.FORWARDED ? forwardedFor(element) : element.trim();
        hops.add(hop == null ? "" : hop);
      }
    }
    return hops;
  }

  /** The {@code for=} of one RFC 7239 element, unquoted; null when it has none. */
  private static String forwardedFor(String element) {
    for (String pair : element.split(";")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase("for")) {
        String value = pair.substring(equals + 1).trim();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
      }
    }
    return null;
  }

  /** {@code 192.0.2.1:4711} → {@code 192.0.2.1}; {@code [2001:db8::1]:4711} → {@code [2001:db8::1]}; others as they are. */
  private static String withoutPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close > 0 ? hop.substring(0, close + 1) : hop;
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }
}
