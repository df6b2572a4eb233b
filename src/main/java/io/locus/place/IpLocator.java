package io.locus.place;

import com.maxmind.db.Reader;
import inet.ipaddr.IPAddress;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places IP addresses with MaxMind-format databases ({@code .mmdb}): MaxMind's own GeoLite2 or
 * GeoIP2 City schema, or ip-location-db's flat one ({@code latitude}, {@code longitude}, {@code
 * city}, {@code state1}, {@code country_code}…). The files are tried in the configured order, so
 * an IPv4 and an IPv6 file can be named side by side. Each file is read whole into memory (no
 * memory map: a file rewritten in place can then never fault a reader), opened at the first
 * lookup, and opened again when its size or modification time has changed, checked at most once
 * per {@code checkMillis}, so an updated database is used without a restart.
 *
 * <p>Blocking (it reads files): call it from a worker. Thread-safe.
 */
public final class IpLocator {
  private static final Logger LOG = LoggerFactory.getLogger(IpLocator.class);

  private final List<Path> files;
  private final long checkNanos;
  private volatile List<Database> databases;
  private volatile long checkedAt;

  private record Database(Path file, long size, long modified, Reader reader) {}

  /** Looks addresses up in {@code files}, checking them for changes at most once per {@code checkMillis}. */
  public IpLocator(List<Path> files, long checkMillis) {
    this.files = List.copyOf(files);
    this.checkNanos = checkMillis * 1_000_000;
  }

  /** Whether any database is configured. */
  public boolean configured() {
    return !files.isEmpty();
  }

  /** Where {@code address} is; null when no database knows it. Throws UncheckedIOException when a file cannot be read. */
  public Place locate(IPAddress address) {
    for (Database database : current()) {
      if (address.isIPv6() && database.reader().getMetadata().getIpVersion() == 4) {
        continue; // an IPv4 database walks only an IPv6 address's first 32 bits: a wrong answer, not none
      }
      Map<?, ?> found;
      try {
        found = database.reader().get(address.toInetAddress(), Map.class);
      } catch (IOException corrupt) {
        throw new UncheckedIOException("IP database " + database.file() + " is unreadable", corrupt);
      }
      Place place = found == null ? null : place(found, database.file().getFileName().toString());
      if (place != null) {
        return place;
      }
    }
    return null;
  }

  private List<Database> current() {
    List<Database> open = databases;
    if (open == null || System.nanoTime() - checkedAt > checkNanos) {
      synchronized (this) {
        if (databases == null || System.nanoTime() - checkedAt > checkNanos) {
          databases = reopenChanged(databases);
          checkedAt = System.nanoTime();
        }
        open = databases;
      }
    }
    return open;
  }

  private List<Database> reopenChanged(List<Database> before) {
    List<Database> after = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path file = files.get(i);
      Database old = before == null ? null : before.get(i);
      try {
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        if (old != null && old.size() == size && old.modified() == modified) {
          after.add(old);
          continue;
        }
        after.add(new Database(file, size, modified, new Reader(file.toFile(), Reader.FileMode.MEMORY)));
        LOG.info("IP database {} {}: {}", file, old == null ? "opened" : "reloaded", after.get(i).reader().getMetadata().getDatabaseType());
      } catch (IOException unreadable) {
        if (old == null) {
          throw new UncheckedIOException("IP database " + file + " (config key 'places.ipDatabases') cannot be read", unreadable);
        }
        LOG.warn("IP database {} changed but cannot be read, keeping the one loaded: {}", file, unreadable.toString());
        after.add(old);
      }
    }
    return List.copyOf(after);
  }

  /** A place from either schema; null when the entry has no coordinates. */
  private static Place place(Map<?, ?> entry, String source) {
    JsonObject detail = new JsonObject();
    Double lat;
    Double lon;
    if (entry.get("location") instanceof Map<?, ?> location) {
      lat = number(location.get("latitude"));
      lon = number(location.get("longitude"));
      put(detail, "city", englishName(entry.get("city")));
      if (entry.get("subdivisions") instanceof List<?> subdivisions && !subdivisions.isEmpty()) {
        put(detail, "region", englishName(subdivisions.get(0)));
      }
      if (entry.get("country") instanceof Map<?, ?> country) {
        put(detail, "country", country.get("iso_code"));
      }
      if (entry.get("postal") instanceof Map<?, ?> postal) {
        put(detail, "postcode", postal.get("code"));
      }
      Double accuracyKm = number(location.get("accuracy_radius"));
      if (accuracyKm != null) {
        detail.put("accuracy_radius_km", accuracyKm);
      }
    } else {
      lat = number(entry.get("latitude"));
      lon = number(entry.get("longitude"));
      put(detail, "city", entry.get("city"));
      put(detail, "region", entry.get("state1"));
      put(detail, "country", entry.get("country_code"));
      put(detail, "postcode", entry.get("postcode"));
    }
    if (lat == null || lon == null) {
      return null;
    }
    return new Place(lat, lon, detail.containsKey("city") ? "city" : "country", source, detail);
  }

  private static Object englishName(Object named) {
    return named instanceof Map<?, ?> map && map.get("names") instanceof Map<?, ?> names ? names.get("en") : null;
  }

  private static void put(JsonObject detail, String key, Object value) {
    if (value instanceof String text && !text.isEmpty()) {
      detail.put(key, text);
    }
  }

  private static Double number(Object value) {
    return value instanceof Number number ? number.doubleValue() : null;
  }
}
