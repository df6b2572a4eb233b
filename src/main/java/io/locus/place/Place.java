package io.locus.place;

import io.vertx.core.json.JsonObject;

/**
 * Where an IP address or a street address was found to be: the point a nearby search runs from,
 * and how it was found, as the answer's top-level {@code query} object shows it.
 *
 * @param lat latitude in degrees
 * @param lon longitude in degrees
 * @param precision how fine the point is: {@code street} (a geocoding service found the address),
 *     {@code city} (the city's point) or {@code country} (an IP database knows only the country)
 * @param source what resolved it: the IP database's file name, {@code cities} (the embedded city
 *     list) or {@code geocoder} (the configured geocoding service)
 * @param detail what the source says of the place: city, region, country, postcode, accuracy
 *     radius, the name it matched; only the keys it knows
 */
public record Place(double lat, double lon, String precision, String source, JsonObject detail) {
  /** The {@code query} object of a nearby answer: {@code what} ("ip" or "address") and its value, the point, precision, source and detail. */
  public JsonObject describe(String what, String value) {
    return new JsonObject()
        .put(what, value)
        .put("coordinates", new io.vertx.core.json.JsonArray().add(lon).add(lat))
        .put("precision", precision)
        .put("source", source)
        .mergeIn(detail);
  }
}
