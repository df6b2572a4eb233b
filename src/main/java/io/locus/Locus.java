package io.locus;

import io.locus.auth.SignCommand;
import io.locus.cli.Commands;
import io.locus.cli.NodeDefaults;
import io.locus.ops.Logging;
import io.locus.ops.Metrics;
import io.locus.ops.OpsSettings;
import io.locus.cluster.Clustering;
import io.locus.common.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry point: {@code java -jar locus.jar [--config conf/locus.json]}. Loads and
 * validates the configuration, starts Vert.x and deploys {@link MainVerticle}. A bad
 * configuration or an unreachable dependency ends the process with one line on stderr and
 * exit code 1. {@code java -jar locus.jar [--config FILE] sign METHOD URL} prints an OAuth
 * {@code Authorization} header instead (see {@link SignCommand}), and {@code java -jar locus.jar
 * [--config FILE] import --layer LAYER FILE}, {@code export --layer LAYER} and {@code scale ROLE
 * INSTANCES} load a file into a layer of a running node, write a layer out and scale a role's
 * verticle instances across the cluster; {@code dead-letters [list | redrive]} shows and re-drives
 * the dead-letter queue (see {@link Commands}).
 */
public final class Locus {
  private static final Logger LOG = LoggerFactory.getLogger(Locus.class);

  private Locus() {}

  public static void main(String[] args) {
    Path configFile = Path.of(System.getenv().getOrDefault("LOCUS_CONFIG", "conf/locus.json"));
    List<String> sign = null;
    String command = null;
    List<String> commandArgs = null;
    for (int i = 0; i < args.length; i++) {
      if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
        configFile = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        configFile = Path.of(args[i].substring("--config=".length()));
      } else if (args[i].equals("sign")) {
        sign = Arrays.asList(args).subList(i + 1, args.length);
        break;
      } else if (Commands.NAMES.contains(args[i])) {
        command = args[i];
        commandArgs = Arrays.asList(args).subList(i + 1, args.length);
        break;
      } else {
        fail("usage: java -jar locus.jar [--config FILE] [sign METHOD URL | import --layer LAYER FILE | export --layer LAYER | scale ROLE INSTANCES | dead-letters [list | redrive]]   (unknown argument: " + args[i] + ")");
      }
    }
    NodeSettings settings;
    try {
      settings = NodeSettings.from(LocusConfig.load(configFile, System.getenv()));
    } catch (ConfigException e) {
      fail(e.getMessage());
      return;
    }
    if (command != null) {
      String url = settings.http().publicBaseUrl().isEmpty() ? "http://127.0.0.1:" + settings.http().port() : settings.http().publicBaseUrl();
      NodeDefaults defaults = new NodeDefaults(url, settings.auth().devConsumerKey(), settings.auth().devConsumerSecret(), settings.auth().adminKey(), settings.rabbitmq());
      System.exit(Commands.run(command, commandArgs, defaults, System.out, System.err));
    }
    if (sign != null) {
      try {
        System.out.println(SignCommand.run(sign, settings.auth()));
      } catch (IllegalArgumentException e) {
        fail(e.getMessage());
      }
      return;
    }
    OpsSettings ops = settings.ops();
    if (ops.jsonLogs()) {
      Logging.useJson();
    }
    VertxOptions options =
        Metrics.withMetrics(
            new VertxOptions().setMaxEventLoopExecuteTime(200).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS),
            ops.metricsEnabled());
    Future<Vertx> started;
    try {
      started = Clustering.start(settings.cluster(), options);
    } catch (ConfigException e) {
      fail(e.getMessage());
      return;
    }
    MainVerticle main = new MainVerticle(settings);
    started
        .onFailure(cause -> fail("Locus could not join its cluster: " + describe(cause)))
        .onSuccess(
            vertx ->
                vertx
                    .deployVerticle(main)
                    .onSuccess(
                        id ->
                            Runtime.getRuntime()
                                .addShutdownHook(new Thread(() -> stop(vertx, main, ops.shutdownDeadlineMs()), "locus-shutdown")))
                    .onFailure(
                        cause -> {
                          LOG.debug("start failed", cause);
                          vertx.close();
                          fail("Locus could not start: " + describe(cause));
                        }));
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.toString() : message;
  }

  /**
   * SIGTERM (or any orderly JVM exit): drains the node in order (see {@link MainVerticle#shutdown}),
   * then leaves the cluster and closes Vert.x. Each stage is bounded, so the whole takes little
   * more than {@code deadlineMs}.
   */
  private static void stop(Vertx vertx, MainVerticle main, long deadlineMs) {
    long started = System.currentTimeMillis();
    LOG.info("stopping: draining within {} ms", deadlineMs);
    try {
      main.shutdown().await(deadlineMs + 5_000, TimeUnit.MILLISECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
      LOG.info("stopped in {} ms", System.currentTimeMillis() - started);
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.toString());
    }
  }

  private static void fail(String line) {
    System.err.println("locus: " + line);
    System.exit(1);
  }
}
