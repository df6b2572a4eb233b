package io.locus.query;

import io.locus.common.Addresses;
import io.locus.common.InvalidInput;
import io.locus.common.NotFound;
import io.locus.common.Replies;
import io.locus.store.Cassandra;
import io.locus.store.CassandraSettings;
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
  /** Event-bus header naming the operation. */
  public static final String ACTION = "action";

  /** Action: read records by id. */
  public static final String GET = "get";

  /** Action: read a record's past positions. */
  public static final String HISTORY = "history";

  private CassandraClient client;
  private RecordReader reader;

  @Override
  public Future<?> start() {
    client = Cassandra.shared(vertx, CassandraSettings.from(config()));
    return RecordReader.prepare(client)
        .onSuccess(
            prepared -> {
              reader = prepared;
              vertx.eventBus().<JsonObject>consumer(Addresses.RECORDS_READ, this::handle);
              vertx.eventBus().consumer(Addresses.HEALTH_CASSANDRA, this::health);
            });
  }

  private void handle(Message<JsonObject> request) {
    JsonObject body = request.body();
    String layer = body.getString("layer");
    Future<JsonObject> answer;
    try {
      answer =
          switch (String.valueOf(request.headers().get(ACTION))) {
            case GET -> get(layer, body.getJsonArray("ids"));
            case HISTORY ->
                history(layer, body.getString("id"), body.getInteger("limit"), body.getString("cursor"));
            default -> Future.failedFuture(new IllegalArgumentException("unknown read action"));
          };
    } catch (RuntimeException invalid) {
      answer = Future.failedFuture(invalid);
    }
    answer.onSuccess(request::reply).onFailure(cause -> Replies.fail(request, cause));
  }

  private Future<JsonObject> get(String layer, JsonArray ids) {
    List<Future<JsonObject>> reads = new ArrayList<>();
    for (Object id : ids) {
      reads.add(reader.record(layer, (String) id));
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

  private Future<JsonObject> history(String layer, String id, int limit, String cursor) {
    long before = cursor == null ? Long.MAX_VALUE : HistoryCursor.decode(cursor);
    return reader
        .record(layer, id)
        .compose(
            record -> {
              if (record == null) {
                return Future.failedFuture(new NotFound("record not found: " + id));
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
      throw new InvalidInput("invalid cursor");
    }
  }
}
