package io.locus.place;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/** Strict parsing of IP address literals and CIDR blocks, and which addresses no database can place. */
final class IpAddresses {
  /** One address in the usual forms only: dotted quad, or IPv6 (compressed, mixed or bracketed); no prefixes, ranges or inet_aton forms. */
  private static final IPAddressStringParameters ADDRESS =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowSingleSegment(false)
          .allowPrefix(false)
          .allowMask(false)
          .allowWildcardedSeparator(false)
          .allow_inet_aton(false)
          .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
          .toParams();

  private static final IPAddressStringParameters BLOCK =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowSingleSegment(false)
          .allowMask(false)
          .allow_inet_aton(false)
          .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
          .toParams();

  private IpAddresses() {}

  /** The address {@code text} names, IPv4-mapped IPv6 taken as the IPv4 address; null when it is not one address. */
  static IPAddress parse(String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    IPAddress address = new IPAddressString(bare, ADDRESS).getAddress();
    if (address == null) {
      return null;
    }
    return address.isIPv6() && address.toIPv6().isIPv4Mapped() ? address.toIPv6().getEmbeddedIPv4Address() : address;
  }

  /** The block {@code cidr} names ({@code 10.0.0.0/8}, {@code ::1/128}, or a single address); null when malformed. */
  static IPAddress block(String cidr) {
    IPAddress block = new IPAddressString(cidr, BLOCK).getAddress();
    return block == null ? null : block.toPrefixBlock();
  }

  /** Whether {@code address} is one no public database places: loopback, private, link-local, unique local, multicast or unspecified. */
  static boolean isNonPublic(IPAddress address) {
    return address.isLoopback() || address.isLocal() || address.isMulticast() || address.isAnyLocal() || address.isUnspecified();
  }
}
