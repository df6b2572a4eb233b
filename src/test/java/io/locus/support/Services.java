package io.locus.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Stops and starts the local RabbitMQ and Cassandra through scripts/services.sh. */
public final class Services {
  private Services() {}

  public static void run(String command) {
    try {
      Process process =
          new ProcessBuilder("scripts/services.sh", command).inheritIO().start();
      if (!process.waitFor(240, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("services.sh " + command + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("services.sh " + command + " exited " + process.exitValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
