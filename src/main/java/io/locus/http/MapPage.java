package io.locus.http;

import io.locus.common.Failure;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * The map page, open (no OAuth) on every {@code api} node: {@code GET /map} shows a layer's
 * records on a map, searches a circle or a box drawn on it, and follows the layer's change
 * stream. The page signs its API calls itself, in the browser, with the key and secret typed
 * into it. Leaflet comes from its WebJar in the jar; the basemap (a GeoJSON land outline, Natural
 * Earth's by default) is the file {@code http.basemapFile} names, so that no tile server is needed.
 */
final class MapPage {
  /** The page. */
  static final String PAGE = "/map";

  /** The land outline the page draws beneath the records. */
  static final String BASEMAP = "/map/basemap.json";

  /** Every open path mounted here (the page's scripts and styles live under {@code /map/}). */
  static final List<String> PATHS = List.of(PAGE, BASEMAP);

  /** The Leaflet release in the jar: the {@code leaflet.version} of the pom. */
  static final String LEAFLET_VERSION = "1.9.4";

  /** Where that release's files live on the classpath. */
  static final String LEAFLET_RESOURCES = "META-INF/resources/webjars/leaflet/" + LEAFLET_VERSION + "/dist";

  /** Where the page's own files live on the classpath. */
  static final String PAGE_RESOURCES = "map";

  private MapPage() {}

  /** Mounts the page, its basemap and its assets; call before any authenticating handler. */
  static void mount(Router router, String basemapFile) {
    router.get(PAGE).handler(ctx -> Api.sendFile(ctx, PAGE_RESOURCES + "/index.html", Api.HTML));
    router.get(BASEMAP).handler(
        ctx -> {
          if (basemapFile.isEmpty()) {
            ctx.fail(new Failure(404, "no basemap: set http.basemapFile to a GeoJSON file"));
          } else {
            ctx.response().putHeader("Content-Type", "application/geo+json").sendFile(basemapFile)
                .onFailure(unreadable -> ctx.fail(new Failure(404, "no basemap: cannot read " + basemapFile + " (http.basemapFile)")));
          }
        });
    router.get(PAGE + "/leaflet/*").handler(StaticHandler.create(LEAFLET_RESOURCES).setCachingEnabled(true));
    router.get(PAGE + "/*").handler(StaticHandler.create(PAGE_RESOURCES));
  }
}
