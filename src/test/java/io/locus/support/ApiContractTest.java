package io.locus.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Answers checked against the OpenAPI document")
class ApiContractTest {
  private static final ApiContract CONTRACT = ApiContract.get();
  private static final String JSON = "application/json; charset=utf-8";
  private static final String FEATURE =
      "{\"type\":\"Feature\",\"id\":\"p1\",\"created\":1764172800,"
          + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4,37.7]},\"properties\":{\"layer\":\"parks\"},"
          + "\"selfLink\":{\"href\":\"http://h/0.1/records/parks/p1.json\"},\"layerLink\":{\"href\":\"http://h/0.1/layer/parks.json\"}}";

  @Test
  @DisplayName("a request finds its operation, with or without .json, the most specific one first")
  void operations() {
    assertThat(CONTRACT.find("GET", "/0.1/records/parks/p1.json").orElseThrow().id()).isEqualTo("getRecords");
    assertThat(CONTRACT.find("GET", "/0.1/records/parks/p1").orElseThrow().id()).isEqualTo("getRecords");
    assertThat(CONTRACT.find("GET", "/0.1/records/parks/nearby/37.7,-122.4.json").orElseThrow().id()).isEqualTo("searchNearby");
    assertThat(CONTRACT.find("POST", "/0.1/records/parks.ndjson").orElseThrow().id()).isEqualTo("ingestNdjson");
    assertThat(CONTRACT.find("POST", "/0.1/records/parks.json").orElseThrow().id()).isEqualTo("bulkUpsertRecords");
    assertThat(CONTRACT.find("PATCH", "/0.1/records/parks/p1.json")).isEmpty();
  }

  @Test
  @DisplayName("a documented answer passes")
  void documented() {
    assertThatCode(() -> CONTRACT.check("GET", "/0.1/records/parks/p1.json", 200, JSON, FEATURE)).doesNotThrowAnyException();
    assertThatCode(() -> CONTRACT.check("GET", "/0.1/records/parks/p2.json", 404, JSON, "{\"code\":404,\"message\":\"no record p2\"}"))
        .doesNotThrowAnyException();
  }

  @Test
  @DisplayName("a body its schema refuses, a status or a media type it does not list: each fails, naming the operation")
  void undocumented() {
    assertThatThrownBy(() -> CONTRACT.check("GET", "/0.1/records/parks/p1.json", 200, JSON, FEATURE.replace("\"geometry\"", "\"geometri\"")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("getRecords").hasMessageContaining("schema");
    assertThatThrownBy(() -> CONTRACT.check("GET", "/0.1/records/parks/p2.json", 404, JSON, "{\"message\":\"no code\"}"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> CONTRACT.check("GET", "/0.1/records/parks/p1.json", 418, JSON, "{\"code\":418,\"message\":\"teapot\"}"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("does not list");
    assertThatThrownBy(() -> CONTRACT.check("GET", "/0.1/records/parks/p1.json", 200, "text/plain", "hello"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("text/plain");
  }
}
