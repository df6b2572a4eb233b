package io.locus.query;

import io.locus.common.Dispatcher;
import io.locus.common.Failure;
import io.locus.common.Addresses;
import io.locus.serving.ServingTier;
import io.locus.store.Cassandra;
import io.locus.store.IndexReader;
import io.locus.store.RecordReader;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Record reads. Consumes {@link Addresses#RECORDS_READ} with header {@code action}:
 *
 * <ul>
 *   <li>{@code get} {layer, ids:[…]} → {@code {"records":[…]}} with the live records found, in
 *       the order asked;
 *   <li>{@code history} {layer, id, limit, cursor} → {@code {"positions":[…],"next_cursor":…}},
 *       newest first.
 * </ul>
 *
 * The caller checks that the layer exists. Answers {@link Addresses#HEALTH_CASSANDRA}.
 */
public final class QueryVerticle extends VerticleBase {
  private final CassandraClient client;
  private final ServingTier tier;

  /** Reads through {@code client}, or {@code tier} (null: no serving tier) when a layer is warm there. */
  public QueryVerticle(CassandraClient client, ServingTier tier) {
    this.client = client;
    this.tier = tier;
  }

  private RecordReader reader;
  private LocalReads local;

  @Override
  public Future<?> start() {
    local = new LocalReads(vertx, tier);
    return RecordReader.prepare(client)
        .onSuccess(
            prepared -> {
              reader = prepared;
              Dispatcher.of(Addresses.RECORDS_READ, Cassandra::translate)
                  .on(RecordReads.GET, this::get)
                  .on(RecordReads.HISTORY, this::history)
                  .register(vertx.eventBus());
              vertx.eventBus().consumer(Addresses.HEALTH_CASSANDRA, this::health);
            });
  }

  private Future<JsonObject> get(RecordReads.Get request) {
    List<IndexReader.Entry> inMemory = local.get(request.layer(), request.ids());
    if (inMemory != null) {
      JsonArray found = new JsonArray();
      for (IndexReader.Entry entry : inMemory) {
        found.add(entry.toRow());
      }
      return Future.succeededFuture(new JsonObject().put("records", found));
    }
    List<Future<JsonObject>> reads = new ArrayList<>();
    for (String id : request.ids()) {
      reads.add(reader.record(request.layer(), id));
    }
    return Future.all(reads)
        .map(
            all -> {
              JsonArray found = new JsonArray();
              for (int i = 0; i < all.size(); i++) {
                if (all.resultAt(i) != null) {
                  found.add(all.resultAt(i));
                }
              }
              return new JsonObject().put("records", found);
            });
  }

  private Future<JsonObject> history(RecordReads.History request) {
    String layer = request.layer();
    String id = request.id();
    int limit = request.limit();
    long before = request.cursor() == null ? Long.MAX_VALUE : HistoryCursor.decode(request.cursor());
    return reader
        .record(layer, id)
        .compose(
            record -> {
              if (record == null) {
                return Future.failedFuture(Failure.notFound("record not found: " + id));
              }
              return reader.history(layer, id, before, limit + 1);
            })
        .map(
            rows -> {
              boolean more = rows.size() > limit;
              List<JsonObject> page = rows.subList(0, Math.min(limit, rows.size()));
              String next = more ? HistoryCursor.encode(page.get(page.size() - 1).getLong("ts")) : null;
              return new JsonObject().put("positions", new JsonArray(new ArrayList<>(page))).put("next_cursor", next);
            });
  }

  private void health(Message<Object> request) {
    client
        .execute("SELECT release_version FROM system.local")
        .onSuccess(rows -> request.reply(new JsonObject().put("status", "up")))
        .onFailure(cause -> request.reply(new JsonObject().put("status", "down").put("error", cause.getMessage())));
  }

  /** Opaque history cursors: the write time of the last position returned. */
  static final class HistoryCursor {
    private static final String PREFIX = "h1:";

    private HistoryCursor() {}

    static String encode(long ts) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + ts).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (text.startsWith(PREFIX)) {
          return Long.parseLong(text.substring(PREFIX.length()));
        }
      } catch (IllegalArgumentException invalid) {
        // reported below
      }
      throw Failure.badRequest("invalid cursor");
    }
  }
}
