package io.locus.place;

import inet.ipaddr.IPAddress;
import io.locus.common.Failure;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where an IP address or a street address is, for the nearby searches that start from
 * one. One per node, shared by its HTTP verticles: the IP databases and the city list are read
 * once, at the first lookup that needs them, on a worker (they are files of tens of megabytes);
 * lookups run on a worker too. Failures are {@link Failure}s: 400 for a malformed IP address or
 * an empty street address, 404 for a place no source knows, 501 when no source is configured.
 */
public final class Places {
  private static final Logger LOG = LoggerFactory.getLogger(Places.class);

  private final Vertx vertx;
  private final PlaceSettings settings;
  private final IpLocator ips;
  private final RemoteGeocoder geocoder;
  private final Counter geocoderFailures;
  private volatile CityGeocoder cities;

  public Places(Vertx vertx, PlaceSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.ips =
        new IpLocator(settings.ipDatabases().stream().map(Path::of).toList(), settings.reloadCheckSeconds() * 1000L);
    this.geocoder =
        settings.geocoderUrl().isEmpty()
            ? null
            : new RemoteGeocoder(vertx, settings.geocoderUrl(), settings.geocoderTimeoutMs(), settings.geocoderCacheSize());
    this.geocoderFailures = Counter.builder(Metrics.PLACES_GEOCODER_FAILURES).register(Metrics.registry());
  }

  /** The configured files that do not exist or cannot be read, with the config key naming each; empty when all can. */
  public List<String> missingFiles() {
    List<String> missing = new ArrayList<>();
    for (String file : settings.ipDatabases()) {
      if (!Files.isReadable(Path.of(file))) {
        missing.add(file + " (config key 'places.ipDatabases')");
      }
    }
    if (!settings.citiesFile().isEmpty() && !Files.isReadable(Path.of(settings.citiesFile()))) {
      missing.add(settings.citiesFile() + " (config key 'places.citiesFile')");
    }
    return missing;
  }

  /** Who called, read through the configured trusted proxies. */
  public CallerAddress callers() {
    return settings.callers();
  }

  /**
   * Whether {@code text} is written like an IP address (digits with dots, or a colon), so that a
   * malformed one is told apart from the other nearby forms; a geohash has neither ({@code 42}
   * is one).
   */
  public static boolean looksLikeIp(String text) {
    return text.contains(":") || (text.contains(".") && text.matches("[0-9.]+"));
  }

  /** Where the IP address {@code text} is. */
  public Future<Place> ip(String text) {
    return counted("ip", lookUpIp(text));
  }

  /** Where the street address {@code text} is: by the geocoding service when one is configured and answers, else by the city list. */
  public Future<Place> address(String text) {
    return counted("address", lookUpAddress(text));
  }

  private static Future<Place> counted(String kind, Future<Place> lookup) {
    return lookup.onComplete(
        done -> {
          int status = done.succeeded() ? 200 : Failure.statusOf(done.cause());
          String result = status == 200 ? "found" : status == 404 ? "unknown" : status >= 500 && status != 501 ? "failed" : "refused";
          Counter.builder(Metrics.PLACES_LOOKUPS).tag("kind", kind).tag("result", result).register(Metrics.registry()).increment();
        });
  }

  private Future<Place> lookUpIp(String text) {
    IPAddress address = IpAddresses.parse(text);
    if (address == null) {
      return Future.failedFuture(Failure.badRequest("not an IP address: " + text));
    }
    if (!ips.configured()) {
      return Future.failedFuture(Failure.notImplemented("no IP database is configured: set config key 'places.ipDatabases'"));
    }
    if (IpAddresses.isNonPublic(address)) {
      return Future.failedFuture(Failure.notFound("no location for " + address.toCanonicalString()));
    }
    return vertx.executeBlocking(
        () -> {
          Place place;
          try {
            place = ips.locate(address);
          } catch (UncheckedIOException unreadable) {
            LOG.error("IP lookup failed: {}", unreadable.getMessage());
            throw Failure.unavailable("the IP database cannot be read, retry later");
          }
          if (place == null) {
            throw Failure.notFound("no location for " + address.toCanonicalString());
          }
          return place;
        },
        false);
  }

  private Future<Place> lookUpAddress(String text) {
    if (text == null || text.isBlank()) {
      return Future.failedFuture(Failure.badRequest("nearby/address needs address=… (a street address such as \"41 Decatur St, San Francisco, CA\")"));
    }
    if (geocoder == null && settings.citiesFile().isEmpty()) {
      return Future.failedFuture(
          Failure.notImplemented("no geocoder is configured: set config key 'places.citiesFile' or 'places.geocoderUrl'"));
    }
    if (geocoder == null) {
      return byCity(text);
    }
    return geocoder
        .geocode(text)
        .recover(
            failed -> {
              geocoderFailures.increment();
              LOG.warn("geocoding service failed, answering at city precision: {}", failed.toString());
              return Future.succeededFuture(Optional.empty());
            })
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> byCity(text)));
  }

  private Future<Place> byCity(String text) {
    if (settings.citiesFile().isEmpty()) {
      return Future.failedFuture(Failure.notFound("no place matches " + text));
    }
    return vertx.executeBlocking(
        () -> {
          Place place = cities().geocode(text);
          if (place == null) {
            throw Failure.notFound("no place matches " + text);
          }
          return place;
        },
        false);
  }

  private CityGeocoder cities() {
    CityGeocoder loaded = cities;
    if (loaded == null) {
      synchronized (this) {
        if (cities == null) {
          cities = CityGeocoder.read(Path.of(settings.citiesFile()));
          LOG.info("city list {}: {} cities", settings.citiesFile(), cities.size());
        }
        loaded = cities;
      }
    }
    return loaded;
  }
}
