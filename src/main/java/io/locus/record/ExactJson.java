package io.locus.record;

import io.locus.common.Failure;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * JSON parsing that keeps numbers exactly as written: decimals become {@link
 * java.math.BigDecimal}, so {@code -122.433287165} is echoed back as that very text rather than
 * the nearest double. Duplicate keys are refused.
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
      return toObject(MAPPER.readValue(text, Object.class));
    } catch (JacksonException e) {
      throw Failure.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
  }

  /** Parses a JSON array stored by Locus itself (such as a record's coordinates). */
  public static JsonArray parseArray(String text) {
    try {
      Object value = MAPPER.readValue(text, Object.class);
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
      return toObject(MAPPER.readValue(bytes, Object.class));
    } catch (JacksonException e) {
      throw Failure.badRequest("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Failure.badRequest("unreadable body: " + e.getMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toObject(Object value) {
    if (!(value instanceof Map)) {
      throw Failure.badRequest("a JSON object is required");
    }
    return new JsonObject((Map<String, Object>) value);
  }
}
