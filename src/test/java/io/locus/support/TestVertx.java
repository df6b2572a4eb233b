package io.locus.support;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A plain Vert.x for a whole test class, for unit tests that need real timers or contexts but
 * no services:
 *
 * <pre>@RegisterExtension static final TestVertx VERTX = new TestVertx();</pre>
 */
public final class TestVertx implements BeforeAllCallback, AfterAllCallback {
  private Vertx vertx;

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    vertx.close().await();
  }

  /** The running Vert.x. */
  public Vertx get() {
    return vertx;
  }
}
