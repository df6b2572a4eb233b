package io.locus.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.locus.LocusConfig;
import io.locus.MainVerticle;
import io.locus.NodeSettings;
import io.locus.ops.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.netty.util.concurrent.EventExecutor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * A whole Locus node inside the test JVM, on the real RabbitMQ and Cassandra that {@code make
 * test} started, with its own keyspace and queue names so tests never touch development data.
 * Event loops are watched with a low blocked-thread threshold; {@link #close} fails the test if
 * any event loop was blocked.
 */
public final class TestNode implements AutoCloseable {
  /** The test node's HTTP port: {@code -Dlocus.it.port} (default 18080). */
  public static final int PORT = Integer.getInteger("locus.it.port", 18080);
  /** The test keyspace: {@code -Dlocus.it.keyspace} (default {@code locus_it}). */
  public static final String KEYSPACE = System.getProperty("locus.it.keyspace", "locus_it");
  /** The prefix of the test queues and exchange: {@code -Dlocus.it.prefix} (default {@code locus.it}). */
  public static final String PREFIX = System.getProperty("locus.it.prefix", "locus.it");
  /** Low enough to catch a blocking call, high enough to ride out a stall of this 2-core machine. */
  private static final long BLOCKED_THRESHOLD_MS = 200;

  private final Vertx vertx;
  private final BlockedThreadWatch watch = new BlockedThreadWatch();
  public final JsonObject config;
  public final Http http;

  private TestNode(JsonObject config) {
    this.config = config;
    this.vertx =
        Vertx.vertx(
            Metrics.withMetrics(
                new VertxOptions()
                    .setBlockedThreadCheckInterval(50)
                    .setWarningExceptionTime(BLOCKED_THRESHOLD_MS)
                    .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
                    .setMaxEventLoopExecuteTime(BLOCKED_THRESHOLD_MS)
                    .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS),
                true));
    this.http = new Http("http://127.0.0.1:" + config.getJsonObject("http").getInteger("port"));
  }

  /** The development configuration, pointed at test names, with {@code overrides} (env style). */
  public static JsonObject config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("LOCUS_HTTP_PORT", String.valueOf(PORT));
    env.put("LOCUS_CASSANDRA_KEYSPACE", KEYSPACE);
    env.put("LOCUS_RABBITMQ_NAME_PREFIX", PREFIX);
    env.put("LOCUS_RABBITMQ_SHARDS", "4");
    env.put("LOCUS_RABBITMQ_RECONNECT_INTERVAL_MS", "500");
    env.putAll(overrides);
    return LocusConfig.load(Path.of("conf/locus.json"), env);
  }

  public static TestNode start() {
    return start(Map.of());
  }

  public static TestNode start(Map<String, String> overrides) {
    TestNode node = new TestNode(config(overrides));
    node.watch.attach(node.eventLoops()::contains);
    node.vertx.deployVerticle(new MainVerticle(NodeSettings.from(node.config))).await();
    return node;
  }

  /** The ids of the threads of this node's event loops (each started by a task run on it). */
  private Set<Long> eventLoops() {
    Set<Long> ids = ConcurrentHashMap.newKeySet();
    for (EventExecutor loop : ((VertxInternal) vertx).eventLoopGroup()) {
      loop.submit(() -> ids.add(Thread.currentThread().getId())).syncUninterruptibly();
    }
    return ids;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The blocked-loop reports counted so far (each fails the test at {@link #close}). */
  public List<String> blockedLoops() {
    return List.copyOf(watch.events);
  }

  @Override
  public void close() {
    try {
      vertx.close().await();
    } finally {
      watch.detach();
    }
    assertThat(watch.events).as("event loops blocked during the test").isEmpty();
  }

  /** Collects the blocked-thread warnings Vert.x logs. */
  static final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> {
    private static final Pattern REPORT = Pattern.compile("Thread (\\S+) has been blocked for (\\d+) ms");
    /** Below this share of the CPU over the blocked time, the loop was starved, not held. */
    private static final double STARVED = 0.5;
    /**
     * A loop busy on the CPU counts from this long: a task of 200–220 ms, while several nodes
     * share one JVM and two cores with Cassandra and RabbitMQ, is within this machine's noise
     * (bursts the suite found at 204–298 ms were mended all the same: consumers take turns). A
     * loop in a blocking call counts from the first report.
     */
    static final long BUSY_MS = 300;
    private static final List<String> BLOCKING_CALLS =
        List.of("Unsafe.park", "Object.wait", "Thread.sleep", "SocketDispatcher.read", "FileDispatcherImpl", "Net.poll", "NioSocketImpl");
    /** Netty's NIO channels: their sockets are non-blocking. */
    private static final String NON_BLOCKING_TRANSPORT = "io.netty.channel.socket.nio.";

    final List<String> events = new CopyOnWriteArrayList<>();
    private LoopCpu cpu;

    /** Watches every event loop of the JVM. */
    void attach() {
      attach(id -> true);
    }

    /** Watches the event loops whose thread ids pass {@code loops}. */
    void attach(LongPredicate loops) {
      cpu = new LoopCpu(loops);
      setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
      start();
      root().addAppender(this);
    }

    void detach() {
      root().detachAppender(this);
      stop();
      cpu.close();
    }

    /** The share of the last {@code windowMs} the thread {@code name} spent on the CPU, as a report's is judged. */
    double cpuShare(String name, long windowMs) {
      return cpu.cpuShare(name, windowMs, new StackTraceElement[0]);
    }

    private static Logger root() {
      return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (!event.getFormattedMessage().contains("has been blocked for")
          || !event.getFormattedMessage().contains("eventloop")
          || idle(event)) {
        return;
      }
      Matcher report = REPORT.matcher(event.getFormattedMessage());
      boolean parsed = report.find();
      long blockedMs = parsed ? Long.parseLong(report.group(2)) : Long.MAX_VALUE;
      double share = parsed ? cpu.cpuShare(report.group(1), blockedMs, stack(event)) : 1;
      if (inBlockingCall(event) || share >= STARVED && blockedMs >= BUSY_MS) {
        events.add(
            event.getFormattedMessage() + " at " + topFrame(event) + ourFrame(event)
                + String.format(" (on the CPU %.0f%% of it)", share * 100));
      }
    }

    /**
     * A report whose thread sits in the selector means the loop was idle and the whole JVM was
     * stalled (GC, a starved CPU), not that code of ours blocked it. So does one whose thread is
     * constructing a lambda: that never blocks, so the time went to the JVM (a safepoint while
     * the lambda's class was defined), not to a blocking call, which would be the frame shown.
     * So does one caught in a class's static initializer: the JVM loads and initializes a class
     * once, on first use, and on a loaded machine that alone can pass the threshold. So does one
     * caught waking another loop's selector: that is one write to an event fd, which never
     * waits; a thread found there report after report was stalled with the whole machine (the
     * wake-up crosses to another core), not held by the task that asked for it.
     */
    private static boolean idle(ILoggingEvent event) {
      String top = topFrame(event);
      return top.contains("IoHandler.select")
          || top.contains("KeySetSelector.select")
          || top.contains("KeySetSelector.wakeup")
          || top.contains("$$Lambda") && top.contains("<init>")
          || top.contains(".<clinit>(");
    }

    /**
     * Whether the loop sat in a blocking call. A loop neither so parked nor on the CPU for at
     * least {@link #STARVED} of the time it was "blocked" was runnable and waiting for a core:
     * the machine starved it (other processes on two cores), and no code of ours held it. A
     * read or write system call that Netty's NIO transport makes is on a non-blocking socket, so
     * it never waits: time spent there is time the thread was not given a core.
     */
    private static boolean inBlockingCall(ILoggingEvent event) {
      var proxy = event.getThrowableProxy();
      if (proxy == null) {
        return true;
      }
      StackTraceElement[] stack = stack(event);
      if (Arrays.stream(stack).filter(frame -> !platform(frame)).findFirst().map(StackTraceElement::getClassName).orElse("").startsWith(NON_BLOCKING_TRANSPORT)) {
        return false;
      }
      var frames = proxy.getStackTraceElementProxyArray();
      for (int i = 0; i < Math.min(6, frames.length); i++) {
        String frame = frames[i].getStackTraceElement().toString();
        if (BLOCKING_CALLS.stream().anyMatch(frame::contains)) {
          return true;
        }
      }
      return false;
    }

    /** A frame of the JDK itself (its classes print with their module, "java.base@17/…"). */
    private static boolean platform(StackTraceElement frame) {
      String name = frame.getClassName();
      return name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }

    private static StackTraceElement[] stack(ILoggingEvent event) {
      var proxy = event.getThrowableProxy();
      if (proxy == null) {
        return new StackTraceElement[0];
      }
      var frames = proxy.getStackTraceElementProxyArray();
      StackTraceElement[] stack = new StackTraceElement[frames.length];
      for (int i = 0; i < frames.length; i++) {
        stack[i] = frames[i].getStackTraceElement();
      }
      return stack;
    }

    /** The first frame of Locus's own code below the top one, which says what the loop was doing. */
    private static String ourFrame(ILoggingEvent event) {
      return Arrays.stream(stack(event))
          .filter(frame -> frame.getClassName().startsWith("io.locus."))
          .findFirst()
          .filter(frame -> !topFrame(event).equals(frame.toString()))
          .map(frame -> ", in " + frame)
          .orElse("");
    }

    private static String topFrame(ILoggingEvent event) {
      var proxy = event.getThrowableProxy();
      if (proxy == null || proxy.getStackTraceElementProxyArray().length == 0) {
        return "";
      }
      var frames = proxy.getStackTraceElementProxyArray();
      for (var frame : frames) {
        if (!platform(frame.getStackTraceElement())) {
          return frame.getStackTraceElement().toString();
        }
      }
      return frames[0].getStackTraceElement().toString();
    }
  }
}
