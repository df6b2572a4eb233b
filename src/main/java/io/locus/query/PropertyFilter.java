package io.locus.query;

import io.locus.common.Failure;
import io.locus.common.Numbers;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * SimpleGeo's property filter: {@code prop.name}, {@code prop.type} (string, number or boolean),
 * then either {@code prop.equals} or a range {@code prop.start}/{@code prop.end} (inclusive;
 * numbers compare numerically, strings lexicographically). A record passes when its property
 * has that type and matches.
 */
public record PropertyFilter(String name, String type, String equals, String start, String end) {

  public static PropertyFilter of(String name, String type, String equals, String start, String end) {
    if (name == null || name.isEmpty()) {
      throw Failure.badRequest("prop.name is required with any other prop. parameter");
    }
    String kind = type == null || type.isEmpty() ? "string" : type;
    if (!kind.equals("string") && !kind.equals("number") && !kind.equals("boolean")) {
      throw Failure.badRequest("prop.type must be string, number or boolean");
    }
    if (equals != null && (start != null || end != null)) {
      throw Failure.badRequest("give prop.equals or prop.start/prop.end, not both");
    }
    if (kind.equals("number")) {
      for (String bound : new String[] {equals, start, end}) {
        if (bound != null) {
          decimal(bound);
        }
      }
    }
    if (kind.equals("boolean") && equals != null && !equals.equals("true") && !equals.equals("false")) {
      throw Failure.badRequest("prop.equals must be true or false for a boolean");
    }
    return new PropertyFilter(name, kind, equals, start, end);
  }

  /** Whether the record whose properties are {@code properties} passes. */
  public boolean test(JsonObject properties) {
    Object value = properties.getValue(name);
    switch (type) {
      case "boolean":
        return value instanceof Boolean && (equals == null || equals.equals(value.toString()));
      case "number":
        if (!(value instanceof Number)) {
          return false;
        }
        BigDecimal number = new BigDecimal(value.toString());
        return (equals == null || number.compareTo(decimal(equals)) == 0)
            && (start == null || number.compareTo(decimal(start)) >= 0)
            && (end == null || number.compareTo(decimal(end)) <= 0);
      default:
        if (!(value instanceof String)) {
          return false;
        }
        String text = (String) value;
        return (equals == null || text.equals(equals))
            && (start == null || text.compareTo(start) >= 0)
            && (end == null || text.compareTo(end) <= 0);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("type", type).put("equals", equals).put("start", start).put("end", end);
  }

  public static PropertyFilter fromJson(JsonObject json) {
    return json == null
        ? null
        : new PropertyFilter(
            json.getString("name"), json.getString("type"), json.getString("equals"),
            json.getString("start"), json.getString("end"));
  }

  /** A bound, within {@link Numbers}' limits: checked when the filter is made, so comparisons stay cheap. */
  private static BigDecimal decimal(String text) {
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw Failure.badRequest("prop bound is not a number: " + text);
    }
    return Numbers.check("prop bound", value);
  }
}
