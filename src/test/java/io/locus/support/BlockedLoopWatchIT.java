package io.locus.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The watch every integration test relies on still catches a loop that our code blocks. */
@DisplayName("The blocked-loop watch of a test node")
class BlockedLoopWatchIT {

  @Test
  @DisplayName("fails the test when code sleeps on an event loop")
  void catchesABlockingCall() {
    TestNode node = TestNode.start();
    node.vertx()
        .getOrCreateContext()
        .runOnContext(
            v -> {
              try {
                Thread.sleep(700);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Eventually.await(java.time.Duration.ofSeconds(10), node::blockedLoops, blocked -> !blocked.isEmpty());
    assertThatThrownBy(node::close).hasMessageContaining("event loops blocked").hasMessageContaining("BlockedLoopWatchIT");
  }
}
