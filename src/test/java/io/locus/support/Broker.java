package io.locus.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The test RabbitMQ as its operator sees it: {@code rabbitmqctl} against the node {@code make up} started. */
public final class Broker {
  private Broker() {}

  /** What {@code rabbitmqctl ARGS} printed; fails the test if it does not end within 30 s. */
  public static String rabbitmqctl(String... args) {
    String[] command = new String[args.length + 3];
    command[0] = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    command[1] = "-n";
    command[2] = "locus@localhost";
    System.arraycopy(args, 0, command, 3, args.length);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (InputStream out = process.getInputStream()) {
        String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return text;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Closes, from the broker's side, every connection whose client-given name contains {@code
   * namePart}; the number closed.
   */
  public static int closeConnections(String namePart) {
    List<String> pids = connections(namePart);
    pids.forEach(pid -> rabbitmqctl("close_connection", pid, "closed by a test"));
    return pids.size();
  }

  /** The broker's ids of the open connections whose client-given name contains {@code namePart}. */
  public static List<String> connections(String namePart) {
    List<String> pids = new ArrayList<>();
    for (String line : rabbitmqctl("list_connections", "pid", "client_properties", "--quiet").split("\n")) {
      int space = line.indexOf('\t') > 0 ? line.indexOf('\t') : line.indexOf(' ');
      if (space > 0 && line.contains("connection_name") && line.contains(namePart)) {
        pids.add(line.substring(0, space).trim());
      }
    }
    return pids;
  }

  /** The broker's consumers of queues whose name starts with {@code queuePrefix}: "queue prefetch active" each. */
  public static List<String> consumers(String queuePrefix) {
    List<String> found = new ArrayList<>();
    for (String line : rabbitmqctl("list_consumers", "queue_name", "prefetch_count", "active", "--quiet").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 3 && fields[0].startsWith(queuePrefix)) {
        found.add(fields[0] + " " + fields[1] + " " + fields[2]);
      }
    }
    return found;
  }

  /** Messages of {@code queue} handed to a consumer and not yet acknowledged, or -1 if there is no such queue. */
  public static int unacknowledged(String queue) {
    return count(queue, "messages_unacknowledged");
  }

  /** Messages in {@code queue}, ready or held, or -1 if there is no such queue. */
  public static int messages(String queue) {
    return count(queue, "messages");
  }

  private static int count(String queue, String item) {
    for (String line : rabbitmqctl("list_queues", "name", item, "--quiet").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2 && fields[0].equals(queue)) {
        return Integer.parseInt(fields[1]);
      }
    }
    return -1;
  }
}
