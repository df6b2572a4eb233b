package io.locus.ingest;

import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last sampled depth of each queue, published as the gauge {@link Metrics#QUEUE_MESSAGES}
 * in the registry of the Vert.x instance that sampled it.
 */
final class QueueDepths {
  private static final Map<MeterRegistry, Map<String, AtomicLong>> BY_REGISTRY =
      Collections.synchronizedMap(new WeakHashMap<>());

  private QueueDepths() {}

  static void set(String queue, long messages) {
    MeterRegistry registry = Metrics.registry();
    BY_REGISTRY
        .computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            queue,
            name -> {
              AtomicLong depth = new AtomicLong();
              Gauge.builder(Metrics.QUEUE_MESSAGES, depth, AtomicLong::get)
                  .tag("queue", name)
                  .description("messages waiting in the queue, sampled")
                  .register(registry);
              return depth;
            })
        .set(messages);
  }
}
