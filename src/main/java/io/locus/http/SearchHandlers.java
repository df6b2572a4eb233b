package io.locus.http;

import io.locus.record.FeatureJson;
import io.locus.common.Failure;
import io.locus.common.Numbers;
import io.locus.query.RecordSearch;
import io.locus.geo.Areas;
import io.locus.geo.Coordinates;
import io.locus.geo.Earth;
import io.locus.layer.LayerAccess;
import io.locus.place.CallerAddress;
import io.locus.place.Place;
import io.locus.place.Places;
import io.locus.query.LocalReads;
import io.locus.query.PropertyFilter;
import io.locus.query.SearchCriteria;
import io.locus.query.SearchOrder;
import io.locus.query.SpatialSearch;
import io.locus.record.ExactJson;
import io.locus.record.Names;
import io.locus.store.IndexReader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * The spatial endpoints: {@code nearby/{lat},{lon}} (radius, or k-nearest without one), {@code
 * nearby/{geohash}}, {@code nearby/{ip}}, {@code nearby/ip} (the caller's address), {@code
 * nearby/address?address=…}, {@code within/{south},{west},{north},{east}} and {@code POST within}
 * with a GeoJSON Polygon or MultiPolygon. Answers are FeatureCollections whose features carry
 * {@code distance} in metres from the point, the box's centre or the polygon's centroid; a search
 * from an IP or street address also says, as {@code query}, where that was found to be.
 */
final class SearchHandlers {
  static final int DEFAULT_LIMIT = 10;
  /** Letters other than an exponent's: "Infinity", "NaN", hex floats and type suffixes are not numbers here. */
  private static final Pattern LETTERS_BUT_EXPONENT = Pattern.compile("[a-zA-Z&&[^eE]]");
  static final double MAX_RADIUS_KM = Math.floor(Earth.MAX_DISTANCE_M / 1000);

  private final Api api;
  private final LocalReads local;
  private final Places places;

  /**
   * Handlers asking the query verticles through {@code api}, or {@code local} memory when it
   * holds the layer; {@code places} finds where IP and street addresses are.
   */
  SearchHandlers(Api api, LocalReads local, Places places) {
    this.api = api;
    this.local = local;
    this.places = places;
  }

  void nearby(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    String where = Api.param(ctx, "where");
    JsonObject area;
    String bbox = nonEmpty(ctx, "bbox");
    if (bbox != null) {
      area = box(bbox);
    } else if (where.contains(",")) {
      double[] latLon = latLon(where, "nearby/{lat},{lon}");
      area = SearchCriteria.circle(latLon[0], latLon[1], radiusM(ctx));
    } else if (where.equals("ip")) {
      CallerAddress callers = places.callers();
      String caller = callers.of(ctx.request().remoteAddress().hostAddress(), ctx.request().headers().getAll(callers.header().headerName()));
      nearPlace(ctx, layer, "ip", caller, places.ip(caller));
      return;
    } else if (where.equals("address")) {
      String address = nonEmpty(ctx, "address");
      nearPlace(ctx, layer, "address", address, places.address(address));
      return;
    } else if (Places.looksLikeIp(where)) {
      nearPlace(ctx, layer, "ip", where, places.ip(where));
      return;
    } else if (Areas.isGeohash(where)) {
      Areas.geohash(where);
      area = geohash(where);
    } else {
      throw Failure.badRequest("nearby takes {lat},{lon}, a geohash, an IP address, ip or address, got " + where);
    }
    search(ctx, layer, Future.succeededFuture(area), null);
  }

  /** A nearby search from where {@code place} says {@code value} (an IP or street address, as {@code what}) is. */
  private void nearPlace(RoutingContext ctx, String layer, String what, String value, Future<Place> place) {
    Double radius = radiusM(ctx);
    Future<JsonObject> query = place.map(found -> found.describe(what, value));
    // The area completes after the query object, which the answer reads once the area's search is done.
    Future<JsonObject> area = query.compose(described -> place.map(found -> SearchCriteria.circle(found.lat(), found.lon(), radius)));
    search(ctx, layer, area, query);
  }

  void withinBox(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    search(ctx, layer, Future.succeededFuture(box(Api.param(ctx, "box"))), null);
  }

  void withinPolygon(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    Buffer body = ctx.body().buffer();
    // Read and validated here, to answer 400 before any work is queued; on a worker, since a
    // polygon of thousands of vertices takes milliseconds to parse and check with S2.
    search(ctx, layer, api.onWorker(() -> polygonArea(body)), null);
  }

  private static JsonObject polygonArea(Buffer body) {
    JsonObject parsed = ExactJson.parseObject(body);
    Object geometry = "Feature".equals(parsed.getValue("type")) ? parsed.getValue("geometry") : parsed;
    if (!(geometry instanceof JsonObject object)) {
      throw Failure.badRequest("the body must be a GeoJSON Polygon or MultiPolygon, or a Feature with one");
    }
    JsonObject plain = new JsonObject(object.encode());
    Areas.polygon(plain);
    return SearchCriteria.polygon(plain);
  }

  /**
   * Searches {@code layer} in the area {@code checkedArea} gives; {@code query}, when not null,
   * completes with it and is added to the answer as its {@code query} object.
   */
  private void search(RoutingContext ctx, String layer, Future<JsonObject> checkedArea, Future<JsonObject> query) {
    SearchOrder order = SearchOrder.parse(nonEmpty(ctx, "order"));
    Long start = seconds(ctx, "start");
    Long end = seconds(ctx, "end");
    if (start != null && end != null && start > end) {
      throw Failure.badRequest("start must not be after end");
    }
    PropertyFilter property = null;
    if (ctx.queryParams().names().stream().anyMatch(name -> name.startsWith("prop."))) {
      property =
          PropertyFilter.of(
              nonEmpty(ctx, "prop.name"), nonEmpty(ctx, "prop.type"), nonEmpty(ctx, "prop.equals"),
              nonEmpty(ctx, "prop.start"), nonEmpty(ctx, "prop.end"));
    }
    PropertyFilter filter = property;
    int limit = Api.intParam(ctx, "limit", DEFAULT_LIMIT, 1, Api.MAX_LIMIT);
    String cursor = nonEmpty(ctx, "cursor");
    String base = api.baseUrl(ctx);
    Future<Buffer> answer =
        api.layerFor(ctx, layer, LayerAccess.Need.READ)
            .compose(v -> checkedArea)
            .compose(
                area -> {
                  SearchCriteria criteria = new SearchCriteria(layer, area, limit, order, start, end, filter, cursor);
                  SpatialSearch.Page page = local.search(criteria, LocalReads.MAX_RECORDS_ON_A_LOOP);
                  if (page != null) {
                    FeatureJson.Features features = new FeatureJson.Features(layer, base);
                    for (SpatialSearch.Hit hit : page.hits()) {
                      IndexReader.Entry entry = hit.entry();
                      features.add(entry.id(), entry.coordinates(), entry.created(), entry.properties(), entry.expires(), hit.distance());
                    }
                    return Future.succeededFuture(features.page(page.nextCursor(), query == null ? null : query.result()));
                  }
                  return api.askRead(ctx, RecordSearch.SEARCH, criteria)
                      .map(
                          found -> {
                            FeatureJson.Features features = new FeatureJson.Features(layer, base);
                            found.getJsonArray("records").forEach(row -> features.add((JsonObject) row));
                            return features.page(found.getString("next_cursor"), query == null ? null : query.result());
                          });
                });
    Api.respondEncoded(ctx, 200, answer);
  }

  private static JsonObject geohash(String hash) {
    var rect = Areas.geohash(hash).rect();
    return SearchCriteria.rect(rect.latLo().degrees(), rect.lngLo().degrees(), rect.latHi().degrees(), rect.lngHi().degrees());
  }

  private static JsonObject box(String text) {
    double[] edges = edges(text);
    return SearchCriteria.rect(edges[0], edges[1], edges[2], edges[3]);
  }

  /** A box's {@code south,west,north,east}, validated. */
  static double[] edges(String text) {
    double[] edges = numbers(text, 4, "{south},{west},{north},{east}");
    Areas.box(edges[0], edges[1], edges[2], edges[3]);
    return edges;
  }

  /** {@code lat,lon}, validated; {@code shape} names the expected form in the error. */
  static double[] latLon(String text, String shape) {
    double[] latLon = numbers(text, 2, shape);
    Coordinates.latitude("latitude", latLon[0]);
    Coordinates.longitude("longitude", latLon[1]);
    return latLon;
  }

  /** Radius in metres from {@code radius} in km; null (k-nearest) when absent. */
  static Double radiusM(RoutingContext ctx) {
    return radiusM(nonEmpty(ctx, "radius"));
  }

  /** Radius in metres from {@code raw} km; null when absent. */
  static Double radiusM(String raw) {
    if (raw == null) {
      return null;
    }
    double km = number(raw, "radius");
    if (!(km >= 0 && km <= MAX_RADIUS_KM)) {
      throw Failure.badRequest("radius must be between 0 and " + (long) MAX_RADIUS_KM + " km");
    }
    return km * 1000;
  }

  private static Long seconds(RoutingContext ctx, String name) {
    String raw = nonEmpty(ctx, name);
    if (raw == null) {
      return null;
    }
    double value = number(raw, name);
    if (!(value >= 0 && value < 1e13)) {
      throw Failure.badRequest(name + " must be epoch seconds");
    }
    return (long) Math.floor(value);
  }

  private static double[] numbers(String text, int count, String shape) {
    String[] parts = text.split(",", -1);
    if (parts.length != count) {
      throw Failure.badRequest("expected " + shape + ", got " + text);
    }
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = number(parts[i].trim(), shape);
    }
    return values;
  }

  /** A finite number within {@link Numbers}' bounds ({@code 1e-999999999} is not 0 but a 400). */
  private static double number(String text, String what) {
    double value;
    try {
      value = Double.parseDouble(text);
    } catch (NumberFormatException notANumber) {
      throw Failure.badRequest(what + ": not a number: " + text);
    }
    if (!Double.isFinite(value) || LETTERS_BUT_EXPONENT.matcher(text).find()) {
      throw Failure.badRequest(what + ": not a number: " + text);
    }
    Numbers.parse(what, text);
    return value;
  }

  /** A query parameter, with empty values (sent by some old clients) taken as absent. */
  static String nonEmpty(RoutingContext ctx, String name) {
    String value = ctx.queryParams().get(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
