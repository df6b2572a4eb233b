package io.locus.ingest;

import static io.locus.common.ConfigKeys.*;

import com.rabbitmq.client.ConnectionFactory;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQOptions;

/** The {@code rabbitmq} section of the configuration, validated. */
public record RabbitSettings(
    String host,
    int port,
    String user,
    String password,
    String virtualHost,
    String namePrefix,
    int shards,
    int prefetch,
    int confirmTimeoutMs,
    int reconnectIntervalMs,
    int changeRetentionSeconds,
    int changeRetentionMegabytes) {

  public static RabbitSettings from(JsonObject rabbitmq) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(RABBITMQ, rabbitmq)).section(RABBITMQ);
    return new RabbitSettings(
        reader.nonBlank(RABBITMQ_HOST),
        reader.integer(RABBITMQ_PORT, 1, 65535),
        reader.nonBlank(RABBITMQ_USER),
        reader.string(RABBITMQ_PASSWORD),
        reader.nonBlank(RABBITMQ_VIRTUAL_HOST),
        reader.nonBlank(RABBITMQ_NAME_PREFIX),
        reader.integer(RABBITMQ_SHARDS, 1, 1024),
        reader.integer(RABBITMQ_PREFETCH, 1, 10_000),
        reader.integer(RABBITMQ_CONFIRM_TIMEOUT_MS, 50, 60_000),
        reader.integer(RABBITMQ_RECONNECT_INTERVAL_MS, 50, 60_000),
        reader.integer(RABBITMQ_CHANGE_RETENTION_SECONDS, 1, 30 * 24 * 3600),
        reader.integer(RABBITMQ_CHANGE_RETENTION_MEGABYTES, 1, 1024 * 1024));
  }

  /**
   * A plain AMQP connection factory for this broker (host, port, credentials, virtual host), for
   * tools that talk to RabbitMQ outside Vert.x, such as the command line.
   */
  public ConnectionFactory connectionFactory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host);
    factory.setPort(port);
    factory.setUsername(user);
    factory.setPassword(password);
    factory.setVirtualHost(virtualHost);
    return factory;
  }

  /**
   * Client options. The client never reconnects by itself: a {@code BrokerConnection} rebuilds a
   * lost connection, in its own order.
   */
  public RabbitMQOptions clientOptions() {
    return new RabbitMQOptions()
        .setHost(host)
        .setPort(port)
        .setUser(user)
        .setPassword(password)
        .setVirtualHost(virtualHost)
        .setConnectionTimeout(2_000)
        .setHandshakeTimeout(2_000)
        .setRequestedHeartbeat(10)
        .setAutomaticRecoveryEnabled(false)
        .setAutomaticRecoveryOnInitialConnection(false)
        .setReconnectAttempts(0);
  }
}
