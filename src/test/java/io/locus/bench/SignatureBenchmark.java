package io.locus.bench;

import io.locus.auth.SignCommand;
import io.locus.auth.SignedRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What checking one OAuth signature costs an API verticle: reading the header and query,
 * building the base string and the HMAC-SHA1, for a nearby search with four query parameters.
 * Run with {@code make bench-signature}; figures in docs/performance.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SignatureBenchmark {
  private static final String URL =
      "http://127.0.0.1:8080/0.1/records/com.example.parks/nearby/37.774900,-122.419400.json";
  private static final String QUERY = "radius=1&limit=20&prop.name=cafe&order=distance";

  private String authorization;

  @Setup
  public void setup() {
    authorization = SignCommand.authorization("GET", URL + "?" + QUERY, null, "locus-dev", "locus-dev-secret");
  }

  @Benchmark
  public boolean verify() {
    return SignedRequest.parse("GET", URL, QUERY, null, authorization).signedWith("locus-dev-secret");
  }
}
