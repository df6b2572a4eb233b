package io.locus.bench;

/** A {@code host:port} address as given on the command line. */
record HostPort(String host, int port) {
  /** Parses {@code host:port}, or {@code host} alone with {@code defaultPort}. */
  static HostPort parse(String value, int defaultPort) {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      return new HostPort(value, defaultPort);
    }
    try {
      return new HostPort(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not host:port: " + value);
    }
  }
}
