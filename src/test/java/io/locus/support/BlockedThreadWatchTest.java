package io.locus.support;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Which blocked-thread reports the watch of every integration test counts: those of a loop held
 * by a blocking call or busy on the CPU, not those of a loop the machine starved.
 */
@DisplayName("The blocked-loop watch counts held loops, not starved ones")
class BlockedThreadWatchTest {
  private static final String PARKED = "vert.x-eventloop-thread-parked-for-test";
  private static final String BUSY = "vert.x-eventloop-thread-busy-for-test";
  private static final long BLOCKED_MS = 300;

  private final TestNode.BlockedThreadWatch watch = new TestNode.BlockedThreadWatch();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean spinning = new AtomicBoolean(true);

  @BeforeEach
  void threads() {
    Thread parked = new Thread(() -> awaitRelease(), PARKED);
    Thread busy = new Thread(() -> spin(), BUSY);
    parked.setDaemon(true);
    busy.setDaemon(true);
    watch.attach();
    parked.start();
    busy.start();
    // Until the sampler has seen the parked thread over a whole report's window.
    Eventually.await(Duration.ofSeconds(10), () -> watch.cpuShare(PARKED, BLOCKED_MS), share -> share < 0.5);
  }

  @AfterEach
  void stop() {
    release.countDown();
    spinning.set(false);
    watch.detach();
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void spin() {
    long x = 0;
    while (spinning.get()) {
      x += System.nanoTime() % 7;
    }
    if (x == 42) {
      System.out.print("");
    }
  }

  /** A frame as a thread dump shows it; JDK classes with their module, as the JVM reports them. */
  private static StackTraceElement frame(String className, String method) {
    boolean platform = className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.");
    return platform
        ? new StackTraceElement(null, "java.base", "17", className, method, null, -1)
        : new StackTraceElement("app", null, null, className, method, null, -1);
  }

  private int counted(String thread, StackTraceElement... stack) {
    return counted(thread, BLOCKED_MS, stack);
  }

  private int counted(String thread, long blockedMs, StackTraceElement... stack) {
    Throwable blocked = new Throwable("Thread blocked");
    blocked.setStackTrace(stack);
    Logger logger = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(), logger, Level.WARN,
            "Thread " + thread + " has been blocked for " + blockedMs + " ms, time limit is 200 ms", blocked, null);
    int before = watch.events.size();
    watch.doAppend(event);
    return watch.events.size() - before;
  }

  @Test
  @DisplayName("a loop sleeping or parked in a blocking call counts, however little CPU it used")
  void blockingCallCounts() {
    assertThat(counted(PARKED, frame("java.lang.Thread", "sleep"), frame("io.locus.Example", "handle"))).isEqualTo(1);
    assertThat(counted(PARKED, frame("jdk.internal.misc.Unsafe", "park"), frame("io.locus.Example", "handle"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a loop busy on the CPU in our code counts")
  void busyLoopCounts() {
    Eventually.await(Duration.ofSeconds(30), () -> watch.cpuShare(BUSY, BLOCKED_MS), share -> share >= 0.5);
    assertThat(counted(BUSY, frame("io.locus.Example", "compute"), frame("io.locus.Example", "handle"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a loop busy on the CPU counts from 300 ms; a blocking call from the first report")
  void busyCountsFromItsThreshold() {
    Eventually.await(Duration.ofSeconds(30), () -> watch.cpuShare(BUSY, 250), share -> share >= 0.5);
    assertThat(counted(BUSY, 250, frame("io.locus.Example", "compute"), frame("io.locus.Example", "handle"))).isZero();
    assertThat(counted(BUSY, TestNode.BlockedThreadWatch.BUSY_MS, frame("io.locus.Example", "compute"))).isEqualTo(1);
    assertThat(counted(PARKED, 210, frame("java.lang.Thread", "sleep"), frame("io.locus.Example", "handle"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a starved loop in our code or in a write to a non-blocking socket does not count")
  void starvedLoopDoesNot() {
    assertThat(counted(PARKED, frame("io.locus.Example", "compute"), frame("io.locus.Example", "handle"))).isZero();
    assertThat(
            counted(
                PARKED,
                frame("sun.nio.ch.FileDispatcherImpl", "write0"),
                frame("sun.nio.ch.SocketDispatcher", "write"),
                frame("sun.nio.ch.IOUtil", "writeFromNativeBuffer"),
                frame("sun.nio.ch.IOUtil", "write"),
                frame("sun.nio.ch.SocketChannelImpl", "write"),
                frame("io.netty.channel.socket.nio.NioSocketChannel", "doWrite"),
                frame("io.netty.channel.AbstractChannel$AbstractUnsafe", "flush0")))
        .isZero();
  }

  @Test
  @DisplayName("a loop idle in its selector does not count")
  void idleLoopDoesNot() {
    Eventually.await(Duration.ofSeconds(30), () -> watch.cpuShare(BUSY, BLOCKED_MS), share -> share >= 0.5);
    assertThat(counted(BUSY, frame("sun.nio.ch.EPoll", "wait"), frame("io.netty.channel.nio.NioIoHandler", "select"))).isZero();
  }

  @Test
  @DisplayName("a loop waking another loop's selector does not count")
  void wakingAnotherLoopDoesNot() {
    Eventually.await(Duration.ofSeconds(30), () -> watch.cpuShare(BUSY, BLOCKED_MS), share -> share >= 0.5);
    assertThat(
            counted(
                BUSY,
                frame("sun.nio.ch.EventFD", "set0"),
                frame("sun.nio.ch.EPollSelectorImpl", "wakeup"),
                frame("io.netty.channel.nio.SelectedSelectionKeySetSelector", "wakeup"),
                frame("io.netty.channel.nio.NioIoHandler", "wakeup"),
                frame("io.netty.util.concurrent.SingleThreadEventExecutor", "execute"),
                frame("io.locus.Example", "handle")))
        .isZero();
    assertThat(counted(BUSY, frame("io.netty.util.concurrent.SingleThreadEventExecutor", "execute"), frame("io.locus.Example", "handle")))
        .isEqualTo(1);
  }
}
