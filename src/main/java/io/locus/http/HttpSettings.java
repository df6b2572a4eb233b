package io.locus.http;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;

/**
 * The {@code http} section of the configuration, validated.
 *
 * @param createdSkewSeconds how far ahead of the server's clock a record's {@code created} may lie
 */
public record HttpSettings(
    String host, int port, String publicBaseUrl, int maxBodyBytes, int requestTimeoutMs, String basemapFile,
    int createdSkewSeconds) {

  public static HttpSettings from(JsonObject http) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(HTTP, http)).section(HTTP);
    return new HttpSettings(
        reader.nonBlank(HTTP_HOST),
        reader.integer(HTTP_PORT, 0, 65535),
        reader.string(HTTP_PUBLIC_BASE_URL).replaceAll("/+$", ""),
        reader.integer(HTTP_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
        reader.integer(HTTP_REQUEST_TIMEOUT_MS, 100, 120_000),
        reader.string(HTTP_BASEMAP_FILE).trim(),
        reader.integer(HTTP_CREATED_SKEW_SECONDS, 0, 86_400));
  }
}
