package io.locus.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * The API's own description, open (no OAuth) on every {@code api} node: {@code GET
 * /openapi.json}, the OpenAPI 3.1 document of every route, and {@code GET /docs}, a page that
 * renders it (Swagger UI, served from its WebJar in the jar: no CDN is needed).
 */
final class ApiDocs {
  /** The OpenAPI 3.1 document. */
  static final String DOCUMENT = "/openapi.json";

  /** The page that renders the document. */
  static final String PAGE = "/docs";

  /** Every open path mounted here (the page's scripts and styles live under {@code /docs/}). */
  static final List<String> PATHS = List.of(DOCUMENT, PAGE);

  /** Where the document lives on the classpath. */
  static final String DOCUMENT_RESOURCE = "openapi/locus.json";

  /** The Swagger UI release in the jar: the {@code swagger-ui.version} of the pom. */
  static final String SWAGGER_UI_VERSION = "5.35.0";

  /** Where that release's files live on the classpath. */
  static final String SWAGGER_UI_RESOURCES = "META-INF/resources/webjars/swagger-ui/" + SWAGGER_UI_VERSION;

  private static final String PAGE_RESOURCE = "openapi/docs.html";

  private ApiDocs() {}

  /** Mounts the document, the page and the page's assets; call before any authenticating handler. */
  static void mount(Router router) {
    router.get(DOCUMENT).handler(ctx -> Api.sendFile(ctx, DOCUMENT_RESOURCE, Api.JSON));
    router.get(PAGE).handler(ctx -> Api.sendFile(ctx, PAGE_RESOURCE, Api.HTML));
    router.get(PAGE + "/*").handler(StaticHandler.create(SWAGGER_UI_RESOURCES).setCachingEnabled(true));
  }
}
