package io.locus.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Browser;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

@DisplayName("The map page in a real headless Chromium: a seeded layer drawn, a drawn circle searched, a write seen live")
class MapPageIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  /** Where the page's picture is kept (`make map-screenshot` copies it to docs/ for the README). */
  static final Path SCREENSHOT = Path.of("target", "map-page.png");

  private static final int SAN_FRANCISCO = 30;
  private static final int NEW_YORK = 20;
  private static final Duration WITHIN = Duration.ofSeconds(30);

  private static ChromeDriver browser;
  private static String layer;

  @BeforeAll
  static void seedAndOpen() {
    layer = NODE.http().newLayer("it.map.");
    JsonArray features = new JsonArray();
    for (int n = 0; n < SAN_FRANCISCO; n++) {
      features.add(point("sf-" + n, 37.70 + (n % 6) * 0.02, -122.50 + (n / 6) * 0.025, "San Francisco park " + n));
    }
    for (int n = 0; n < NEW_YORK; n++) {
      features.add(point("ny-" + n, 40.70 + (n % 5) * 0.02, -74.02 + (n / 5) * 0.02, "New York park " + n));
    }
    Http.Response written =
        NODE.http().post("/0.1/records/" + layer + ".json", new JsonObject().put("type", "FeatureCollection").put("features", features));
    assertThat(written.status()).as(written.body()).isEqualTo(202);
    Eventually.await(WITHIN, () -> search("/within/-90,-180,90,180.json").size(), size -> size == SAN_FRANCISCO + NEW_YORK);

    browser = Browser.start(1200, 800, Path.of("target", "chromedriver.log"));
    browser.get(NODE.http().base() + "/map");
    until(() -> Boolean.TRUE.equals(script("return typeof window.locus === 'object'")));
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static JsonObject point(String id, double lat, double lon, String name) {
    return new JsonObject().put("type", "Feature").put("id", id)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", new JsonObject().put("name", name));
  }

  private static JsonArray search(String pathAfterLayer) {
    Http.Response answer =
        NODE.http().get("/0.1/records/" + layer + pathAfterLayer + (pathAfterLayer.contains("?") ? "&" : "?") + "limit=500");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json().getJsonArray("features");
  }

  private static Object script(String body, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(body, args);
  }

  /** Polls the page until {@code condition} holds, for {@link #WITHIN} at most. */
  private static void until(Supplier<Boolean> condition) {
    Eventually.await(WITHIN, condition, Boolean.TRUE::equals);
  }

  private static int drawn(String className) {
    return browser.findElements(By.cssSelector("path." + className)).size();
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The point of the viewport where the map draws a latitude and longitude. */
  private static int[] pixel(double lat, double lon) {
    @SuppressWarnings("unchecked")
    List<Number> xy = (List<Number>) script(
        "const box = locus.map.getContainer().getBoundingClientRect();"
            + " const p = locus.map.latLngToContainerPoint([arguments[0], arguments[1]]);"
            + " return [Math.round(box.left + p.x), Math.round(box.top + p.y)];",
        lat, lon);
    return new int[] {xy.get(0).intValue(), xy.get(1).intValue()};
  }

  private static void signIn(String secret) {
    browser.findElement(By.id("key")).clear();
    browser.findElement(By.id("key")).sendKeys(Http.DEV_KEY);
    browser.findElement(By.id("secret")).clear();
    browser.findElement(By.id("secret")).sendKeys(secret);
    browser.findElement(By.id("connect")).click();
  }

  @Test
  @DisplayName("signed in the browser, the layer's records are drawn, a circle drawn over San Francisco finds its records, and a new write appears")
  void mapOfALayer() throws IOException {
    signIn(Http.DEV_SECRET);
    until(() -> browser.findElements(By.cssSelector("#layers option")).stream().anyMatch(o -> layer.equals(o.getAttribute("value"))));

    browser.findElement(By.id("layer")).sendKeys(layer);
    browser.findElement(By.id("show")).click();
    until(() -> drawn("locus-record") == SAN_FRANCISCO + NEW_YORK);
    until(() -> "on".equals(browser.findElement(By.id("live")).getAttribute("class")));
    assertThat(text("status")).isEqualTo((SAN_FRANCISCO + NEW_YORK) + " records in " + layer);

    int[] sanFrancisco = pixel(37.75, -122.45);
    new Actions(browser).moveToLocation(sanFrancisco[0], sanFrancisco[1]).click().perform();
    until(() -> text("map").contains("San Francisco park"));

    browser.findElement(By.id("tool-circle")).click();
    int[] east = pixel(37.75, -119.0); // about 300 km east: all of San Francisco's records, none of New York's
    new Actions(browser)
        .moveToLocation(sanFrancisco[0], sanFrancisco[1]).clickAndHold()
        .moveToLocation((sanFrancisco[0] + east[0]) / 2, sanFrancisco[1])
        .moveToLocation(east[0], east[1]).release()
        .perform();
    until(() -> String.valueOf(SAN_FRANCISCO).equals(browser.findElement(By.id("result")).getAttribute("data-count")));
    assertThat(drawn("locus-hit")).isEqualTo(SAN_FRANCISCO);
    @SuppressWarnings("unchecked")
    Map<String, Object> searched = (Map<String, Object>) script("return locus.state.lastSearch");
    assertThat(searched.get("kind")).isEqualTo("nearby");
    assertThat(((Number) searched.get("radius")).doubleValue()).isBetween(250.0, 350.0);
    String path = (String) searched.get("path");
    assertThat(search(path.substring(("/0.1/records/" + layer).length()))).as("the API's answer to the page's own search").hasSize(SAN_FRANCISCO);

    Http.Response live = NODE.http().put("/0.1/records/" + layer + "/live-1.json", point("live-1", 37.80, -122.40, "written while watching"));
    assertThat(live.status()).as(live.body()).isEqualTo(202);
    until(() -> drawn("locus-record") == SAN_FRANCISCO + NEW_YORK + 1);

    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
  }

  @Test
  @DisplayName("the basemap is the configured land outline, drawn on the page; a wrong secret is said on the page")
  void basemapAndWrongSecret() {
    Http.Response basemap = NODE.http().unsigned().get(MapPage.BASEMAP);
    assertThat(basemap.status()).isEqualTo(200);
    assertThat(basemap.json().getString("type")).isEqualTo("FeatureCollection");
    assertThat(basemap.json().getJsonArray("features")).isNotEmpty();
    until(() -> !browser.findElements(By.cssSelector(".leaflet-overlay-pane path:not(.locus-record):not(.locus-hit)")).isEmpty());

    signIn("not-the-secret");
    until(() -> browser.findElement(By.id("status")).getAttribute("class").contains("error") && text("status").startsWith("401"));
  }
}
