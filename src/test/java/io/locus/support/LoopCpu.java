package io.locus.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * How much CPU each event-loop thread used lately, sampled every {@link #SAMPLE_MS} ms, so a
 * blocked-thread report can tell a loop our code held (busy on the CPU, or parked in a blocking
 * call) from one the machine starved (runnable, but given almost no CPU). Threads of the same
 * name in several Vert.x instances of one JVM count as one name; the busiest one speaks for it.
 * A test node's watch samples its own node's loops only: the test's HTTP clients run Vert.x
 * instances of their own, whose loops bear the same names and may be busy reading a large answer
 * while the node's loop that was reported was waiting for a core.
 */
final class LoopCpu implements AutoCloseable {
  static final long SAMPLE_MS = 20;
  private static final long KEEP_NANOS = 10_000_000_000L;
  /** Frames compared to tell which thread of a name a report is about. */
  private static final int STACK_COMPARED = 8;

  private record Sample(long atNanos, long cpuNanos) {}

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Deque<Sample>> samples = new ConcurrentHashMap<>();
  private final Map<Long, String> names = new ConcurrentHashMap<>();
  private final Thread sampler;
  private final LongPredicate sampled;
  private volatile boolean running = true;

  /** Samples the event loops whose thread ids pass {@code sampled}. */
  LoopCpu(LongPredicate sampled) {
    this.sampled = sampled;
    sampler = new Thread(this::run, "loop-cpu-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void run() {
    while (running) {
      long now = System.nanoTime();
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith("vert.x-eventloop-thread-") && sampled.test(info.getThreadId())) {
          long cpu = threads.getThreadCpuTime(info.getThreadId());
          if (cpu >= 0) {
            names.put(info.getThreadId(), info.getThreadName());
            Deque<Sample> ring = samples.computeIfAbsent(info.getThreadId(), id -> new ArrayDeque<>());
            synchronized (ring) {
              ring.addLast(new Sample(now, cpu));
              while (!ring.isEmpty() && now - ring.peekFirst().atNanos() > KEEP_NANOS) {
                ring.removeFirst();
              }
            }
          }
        }
      }
      try {
        Thread.sleep(SAMPLE_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * The share of the last {@code windowMs} that the thread called {@code name} whose stack is
   * {@code reported} spent on the CPU, 0 to 1; 1 when there are not enough samples to tell (so
   * a report is never excused for want of data). Several Vert.x instances in one JVM each have
   * a thread of that name: the one meant is the one still where the report caught it (a starved
   * or parked thread has not moved); when none or several are, the busiest speaks for them.
   */
  double cpuShare(String name, long windowMs, StackTraceElement[] reported) {
    List<Long> named = new ArrayList<>();
    for (Map.Entry<Long, String> thread : names.entrySet()) {
      if (thread.getValue().equals(name)) {
        named.add(thread.getKey());
      }
    }
    List<Long> still = new ArrayList<>();
    for (long id : named) {
      ThreadInfo info = threads.getThreadInfo(id, STACK_COMPARED);
      if (info != null && reported.length > 0 && sameTop(info.getStackTrace(), reported)) {
        still.add(id);
      }
    }
    return busiest(still.size() == 1 ? still : named, windowMs);
  }

  private static boolean sameTop(StackTraceElement[] now, StackTraceElement[] reported) {
    int depth = Math.min(STACK_COMPARED, Math.min(now.length, reported.length));
    if (depth == 0) {
      return false;
    }
    for (int i = 0; i < depth; i++) {
      if (!now[i].equals(reported[i])) {
        return false;
      }
    }
    return true;
  }

  private double busiest(List<Long> ids, long windowMs) {
    long now = System.nanoTime();
    long from = now - windowMs * 1_000_000;
    double best = -1;
    for (Map.Entry<Long, String> thread : names.entrySet()) {
      if (!ids.contains(thread.getKey())) {
        continue;
      }
      Deque<Sample> ring = samples.get(thread.getKey());
      Sample first = null;
      Sample last = null;
      synchronized (ring) {
        for (Sample sample : ring) {
          if (sample.atNanos() >= from && first == null) {
            first = sample;
          }
          last = sample;
        }
      }
      if (first != null && last != null && last.atNanos() - first.atNanos() >= windowMs * 500_000) {
        best = Math.max(best, (double) (last.cpuNanos() - first.cpuNanos()) / (last.atNanos() - first.atNanos()));
      }
    }
    return best < 0 ? 1 : best;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
