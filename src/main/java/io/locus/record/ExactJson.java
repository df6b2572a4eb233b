package io.locus.record;

import io.locus.common.Failure;
import io.locus.common.Numbers;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * JSON parsing that keeps numbers exactly as written: decimals become {@link
 * java.math.BigDecimal}, so {@code -122.433287165} is echoed back as that very text rather than
 * the nearest double. Duplicate keys are refused, and so is any decimal whose exponent is beyond
 * {@link Numbers#MAX_EXPONENT} (such as {@code 1e-999999999}, which nothing may format or
 * convert), wherever it is: the 400 names the field by its path.
 */
public final class ExactJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private ExactJson() {}

  /** Parses a JSON object; anything else (an array, a number, bad syntax) is invalid input. */
  public static JsonObject parseObject(Buffer body) {
    return parseObject(body == null ? new byte[0] : body.getBytes());
  }

  public static JsonObject parseObject(String text) {
    try {
      return toObject(bounded(MAPPER.readValue(text, Object.class), new StringBuilder()));
    } catch (JacksonException e) {
      throw Failure.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  /** Parses a JSON array stored by Locus itself (such as a record's coordinates). */
  public static JsonArray parseArray(String text) {
    try {
      Object value = bounded(MAPPER.readValue(text, Object.class), new StringBuilder());
      if (!(value instanceof List)) {
        throw Failure.badRequest("a JSON array is required");
      }
      return new JsonArray((List<?>) value);
    } catch (JacksonException e) {
      throw Failure.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  private static JsonObject parseObject(byte[] bytes) {
    if (bytes.length == 0) {
      throw Failure.badRequest("request body is empty; a JSON object is required");
    }
    try {
      return toObject(bounded(MAPPER.readValue(bytes, Object.class), new StringBuilder()));
    } catch (JacksonException e) {
      throw Failure.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Failure.badRequest("unreadable body: " + e.getMessage());
    }
  }

  /**
   * Returns {@code value} once every decimal in it is within {@link Numbers}' exponent bound;
   * {@code path} is where {@code value} is, for the error ({@code geometry.coordinates[1]}).
   */
  private static Object bounded(Object value, StringBuilder path) {
    if (value instanceof BigDecimal decimal) {
      if (!Numbers.withinExponent(decimal)) {
        throw Numbers.outOfBounds(path.length() == 0 ? "the number" : path.toString(), decimal.toString());
      }
    } else if (value instanceof Map<?, ?> map) {
      int length = path.length();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (entry.getValue() instanceof Map || entry.getValue() instanceof List || entry.getValue() instanceof BigDecimal) {
          bounded(entry.getValue(), (length == 0 ? path : path.append('.')).append(entry.getKey()));
          path.setLength(length);
        }
      }
    } else if (value instanceof List<?> list) {
      int length = path.length();
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item instanceof Map || item instanceof List || item instanceof BigDecimal) {
          bounded(item, path.append('[').append(i).append(']'));
          path.setLength(length);
        }
      }
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toObject(Object value) {
    if (!(value instanceof Map)) {
      throw Failure.badRequest("a JSON object is required");
    }
    return new JsonObject((Map<String, Object>) value);
  }
}
