package io.locus.cli;

import io.locus.auth.SignCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Option;

/**
 * The node a command talks to and the consumer it signs as (options every command shares,
 * defaulted from the node's configuration), and the one way the commands send a request:
 * signed, and sent again when the node answers 503, 429, 502 or 504 or does not answer, after
 * its {@code Retry-After} or else a growing pause with jitter.
 */
final class Connection {
  @Option(names = "--url", description = "the node to send to (default: this configuration's http.port on loopback, or http.publicBaseUrl)")
  String url;

  @Option(names = "--key", description = "consumer key (default: the configuration's development consumer)")
  String key;

  @Option(names = "--secret", description = "consumer secret")
  String secret;

  @Option(names = "--retries", defaultValue = "10", description = "times a request is sent again before the command stops (default: ${DEFAULT-VALUE})")
  int retries;

  private final NodeDefaults defaults;
  /**
   * HTTP/1.1: a cleartext request would otherwise try an upgrade to HTTP/2 (h2c), which proxies
   * and servers handle unevenly (one such upgraded request here got no answer at all); the
   * batches in flight each take a connection of their own instead.
   */
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  Connection(NodeDefaults defaults) {
    this.defaults = defaults;
  }

  /** A reason the options cannot be used, or null when they can. */
  String problem() {
    if (retries < 0) {
      return "--retries must be at least 0";
    }
    return key().isEmpty() || secret().isEmpty()
        ? "no consumer to sign as: give --key and --secret (the configuration has no development consumer)"
        : null;
  }

  /** The node's base URL, without a trailing slash. */
  String base() {
    String base = url != null ? url : defaults.url();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /**
   * Sends {@code method pathAndQuery} (with {@code body} of {@code contentType}, or none when
   * {@code body} is null) until it gets an answer that is not worth waiting out, and returns it.
   *
   * @throws CommandStopped when the retries are spent, {@code stopped} says so, or the thread is interrupted
   */
  HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body, BooleanSupplier stopped) {
    String target = base() + pathAndQuery;
    String why = "";
    for (int attempt = 0; attempt <= retries && !stopped.getAsBoolean(); attempt++) {
      HttpResponse<String> response;
      try {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(target))
                .timeout(Duration.ofMinutes(2))
                .header("Authorization", SignCommand.authorization(method, target, null, key(), secret()));
        if (body == null) {
          request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
          request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException unanswered) {
        why = "no answer from " + base() + " (" + unanswered + ")";
        pause(backoffMs(attempt));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CommandStopped("interrupted");
      }
      int status = response.statusCode();
      if (status != 503 && status != 429 && status != 502 && status != 504) {
        return response;
      }
      why = status + " " + response.body();
      pause(response.headers().firstValue("Retry-After").map(Connection::retryAfterMs).orElse(backoffMs(attempt)));
    }
    throw new CommandStopped(stopped.getAsBoolean() ? "stopped" : "gave up after " + (retries + 1) + " attempts: " + why);
  }

  private String key() {
    return key != null ? key : defaults.key();
  }

  private String secret() {
    return secret != null ? secret : defaults.secret();
  }

  /** A pause growing from 0.5 s, doubling to 30 s at most, with jitter. */
  static long backoffMs(int attempt) {
    long ceiling = Math.min(30_000, 500L << Math.min(attempt, 6));
    return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
  }

  /** A {@code Retry-After} of seconds in milliseconds (at most a minute); a date or garbage: one second. */
  static long retryAfterMs(String value) {
    try {
      return Math.min(60_000, Math.max(0, Long.parseLong(value.trim())) * 1000);
    } catch (NumberFormatException notSeconds) {
      return 1_000;
    }
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis); // a client's back-off before sending again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandStopped("interrupted");
    }
  }
}
