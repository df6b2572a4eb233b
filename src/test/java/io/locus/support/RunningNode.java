package io.locus.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestNode} for a whole test class (its {@code Nested} classes included), started
 * before the class's own {@code BeforeAll} methods and closed after its {@code AfterAll} ones:
 *
 * <pre>@RegisterExtension static final RunningNode NODE = new RunningNode();</pre>
 */
public final class RunningNode implements BeforeAllCallback, AfterAllCallback {
  private TestNode node;
  private Class<?> owner;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (node == null) {
      node = TestNode.start();
      owner = context.getRequiredTestClass();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() == owner) {
      TestNode started = node;
      node = null;
      owner = null;
      started.close();
    }
  }

  public TestNode node() {
    return node;
  }

  /** The node's client, signing as the development consumer. */
  public Http http() {
    return node.http;
  }
}
