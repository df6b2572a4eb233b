package io.locus.http;

import io.locus.common.Failure;
import io.locus.common.Times;
import io.locus.layer.LayerAccess;
import io.locus.record.ExactJson;
import io.locus.record.Names;
import io.locus.record.PointRecord;
import io.locus.record.WriteBatch;
import io.locus.record.WriteOp;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /0.1/records/{layer}.ndjson}: a streamed bulk write of any size, one GeoJSON
 * Feature (with its {@code id}) a line. The body is read as it arrives, never held whole (the
 * body limit does not apply; a line may be up to {@code http.maxBodyBytes}): lines are
 * validated one by one and published {@value RecordHandlers#MAX_BATCH} at a time, the next
 * batch read only once the broker confirmed the one before, so a client can send no faster than
 * RabbitMQ takes its records. A line that fails validation is reported and skipped; the others
 * go on. The answer comes once every valid line is confirmed: 202 {@code {"status":"Accepted",
 * "accepted":n,"rejected":[{"line":…,"message":…}],"rejectedCount":r}} (at most {@value
 * #MAX_REPORTED} rejections listed). When publishing fails midway (the broker is unreachable,
 * or did not confirm in time), the answer is the failure (503) with header {@value
 * #RESUME_HEADER}: every line before that one was accepted or rejected; from it on, lines may
 * or may not have reached the broker, and sending them again is safe (an upsert of a record's
 * id and position).
 */
final class NdjsonIngest {
  static final String RESUME_HEADER = "X-Locus-Resume-Line";
  static final int MAX_REPORTED = 1000;
  private static final String PREFIX = "/0.1/records/";
  private static final String SUFFIX = ".ndjson";

  private final Api api;

  NdjsonIngest(Api api) {
    this.api = api;
  }

  /** The route's path, as a regular expression. */
  static String pathRegex() {
    return "/0\\.1/records/[^/]+\\.ndjson";
  }

  /** Whether {@code request} is one of this route's, so that the body handler leaves its body to it. */
  static boolean targets(HttpServerRequest request) {
    String path = request.path();
    return request.method() == HttpMethod.POST
        && path.startsWith(PREFIX)
        && path.endsWith(SUFFIX)
        && path.length() > PREFIX.length() + SUFFIX.length()
        && path.indexOf('/', PREFIX.length()) < 0;
  }

  /**
   * The body reader every route passes: {@code bodyHandler} for all but this route, whose
   * request is paused instead (authentication and the layer check run first, asynchronously;
   * nothing of the body may be lost meanwhile).
   */
  static Handler<RoutingContext> bodyReader(Handler<RoutingContext> bodyHandler) {
    return ctx -> {
      if (targets(ctx.request())) {
        ctx.request().pause();
        // Whatever the answer (a 401 as much as a 202), the rest of a body not read must not be
        // taken for the next request on the connection.
        ctx.addHeadersEndHandler(v -> {
          if (!ctx.request().isEnded()) {
            ctx.response().putHeader("Connection", "close");
          }
        });
        ctx.next();
      } else {
        bodyHandler.handle(ctx);
      }
    };
  }

  void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    String layer = Names.layer(path.substring(PREFIX.length(), path.length() - SUFFIX.length()));
    api.layerFor(ctx, layer, LayerAccess.Need.WRITE)
        .onSuccess(v -> new Upload(ctx, layer).start())
        .onFailure(ctx::fail);
  }

  /** One request's upload: touched only from its connection's event loop. */
  private final class Upload {
    private final RoutingContext ctx;
    private final String layer;
    private RecordParser lines;
    private List<WriteOp> batch = new ArrayList<>(RecordHandlers.MAX_BATCH);
    private final JsonArray rejected = new JsonArray();
    private int line;
    private int takenThrough;
    private int accepted;
    private int rejectedCount;
    private boolean publishing;
    private boolean ended;
    private boolean failed;

    Upload(RoutingContext ctx, String layer) {
      this.ctx = ctx;
      this.layer = layer;
    }

    void start() {
      lines = RecordParser.newDelimited("\n", ctx.request());
      lines.maxRecordSize(api.maxBodyBytes());
      lines.exceptionHandler(this::unreadable);
      lines.endHandler(v -> {
        ended = true;
        if (!publishing) {
          next();
        }
      });
      lines.handler(this::line);
      lines.resume();
    }

    private void line(Buffer raw) {
      line++;
      String text = raw.toString(StandardCharsets.UTF_8);
      if (text.isBlank()) {
        return;
      }
      try {
        JsonObject feature = ExactJson.parseObject(Buffer.buffer(text));
        long micros = Times.nowMicros();
        batch.add(WriteOp.upsert(PointRecord.fromFeature(layer, null, feature, micros / 1_000_000, api.createdSkewSeconds()), micros));
      } catch (Failure invalid) {
        rejectedCount++;
        if (rejected.size() < MAX_REPORTED) {
          rejected.add(new JsonObject().put("line", line).put("message", invalid.getMessage()));
        }
      }
      if (batch.size() == RecordHandlers.MAX_BATCH) {
        publish();
      }
    }

    /** Publishes the batch read so far, reading on once the broker confirmed it. */
    private void publish() {
      lines.pause();
      publishing = true;
      List<WriteOp> ops = batch;
      int through = line;
      batch = new ArrayList<>(RecordHandlers.MAX_BATCH);
      api.publish(ctx, new WriteBatch(ops))
          .onSuccess(
              v -> {
                accepted += ops.size();
                takenThrough = through;
                publishing = false;
                if (ended) {
                  next();
                } else {
                  lines.resume();
                }
              })
          .onFailure(this::stop);
    }

    /** After the body ended: the last batch, then the answer. */
    private void next() {
      if (failed) {
        return;
      }
      if (!batch.isEmpty()) {
        publish();
      } else if (accepted == 0 && rejectedCount == 0) {
        stop(Failure.badRequest("the body holds no feature: one GeoJSON Feature with an \"id\" a line"));
      } else {
        takenThrough = line;
        Api.json(ctx, 202, new JsonObject()
            .put("status", "Accepted")
            .put("accepted", accepted)
            .put("rejected", rejected)
            .put("rejectedCount", rejectedCount));
      }
    }

    private void unreadable(Throwable cause) {
      stop(cause instanceof IllegalStateException
          ? new Failure(413, "line " + (line + 1) + " is longer than " + api.maxBodyBytes() + " bytes (http.maxBodyBytes)")
          : Failure.badRequest("the body could not be read: " + cause.getMessage()));
    }

    /** Stops reading and answers {@code cause}, saying from which line to send again. */
    private void stop(Throwable cause) {
      if (failed || ctx.response().ended()) {
        return;
      }
      failed = true;
      lines.pause();
      ctx.response().putHeader(RESUME_HEADER, String.valueOf(takenThrough + 1));
      ctx.fail(cause);
    }
  }
}
