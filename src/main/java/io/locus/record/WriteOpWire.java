package io.locus.record;

import io.locus.common.Failure;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary form of a {@link WriteOp}, shared by the event-bus codec ({@link
 * WriteBatchCodec}) and the messages of the shard queues: a kind code, the layer, the id, the
 * timestamp and, for an upsert or an expiry, its state (coordinates and properties as their exact
 * JSON text). Kinds travel as fixed codes, never as enum ordinals, so that adding a kind keeps
 * old messages readable. Reading checks every length against the buffer: a truncated or corrupt
 * form is a {@link Failure} 400, never an index error.
 */
public final class WriteOpWire {
  private static final byte UPSERT = 'U';
  private static final byte DELETE = 'D';
  private static final byte PURGE_LAYER = 'P';
  private static final byte EXPIRE = 'E';

  private WriteOpWire() {}

  /** Appends {@code op} to {@code buffer}. */
  public static void write(Buffer buffer, WriteOp op) {
    buffer.appendByte(code(op.kind()));
    text(buffer, op.layer());
    text(buffer, op.id() == null ? "" : op.id());
    buffer.appendLong(op.ts());
    if (op.upsert() != null) {
      WriteOp.Upsert state = op.upsert();
      buffer.appendDouble(state.lat()).appendDouble(state.lon()).appendLong(state.created()).appendLong(state.expires());
      text(buffer, state.coordinates());
      text(buffer, state.properties());
    }
  }

  /** Reads the operation at {@code at[0]} of {@code buffer}, moving {@code at[0]} past it. */
  public static WriteOp read(Buffer buffer, int[] at) {
    WriteOp.Kind kind = kind(buffer.getByte(fixed(buffer, at, 1)));
    String layer = text(buffer, at);
    String id = text(buffer, at);
    long ts = buffer.getLong(fixed(buffer, at, 8));
    WriteOp.Upsert state = null;
    if (kind == WriteOp.Kind.UPSERT || kind == WriteOp.Kind.EXPIRE) {
      int from = fixed(buffer, at, 32);
      double lat = buffer.getDouble(from);
      double lon = buffer.getDouble(from + 8);
      long created = buffer.getLong(from + 16);
      long expires = buffer.getLong(from + 24);
      String coordinates = text(buffer, at);
      state = new WriteOp.Upsert(lat, lon, coordinates, created, text(buffer, at), expires);
    }
    if (layer.isEmpty() || id.isEmpty() != (kind == WriteOp.Kind.PURGE_LAYER)) {
      throw Failure.badRequest("malformed operation: a " + kind.wire + " with layer \"" + layer + "\" and id \"" + id + "\"");
    }
    return new WriteOp(kind, layer, id.isEmpty() ? null : id, ts, state);
  }

  /** Reads a length-prefixed UTF-8 text at {@code at[0]}, moving past it. */
  public static String text(Buffer buffer, int[] at) {
    int from = fixed(buffer, at, 4);
    int length = buffer.getInt(from);
    if (length < 0 || length > buffer.length() - at[0]) {
      throw Failure.badRequest("malformed operation: a text of " + length + " bytes at byte " + from + " of " + buffer.length());
    }
    String value = buffer.getString(at[0], at[0] + length, "UTF-8");
    at[0] += length;
    return value;
  }

  /** Appends {@code value} as a length-prefixed UTF-8 text. */
  public static void text(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /** Moves {@code at[0]} past {@code size} bytes that must be there; answers where they start. */
  private static int fixed(Buffer buffer, int[] at, int size) {
    int from = at[0];
    if (from < 0 || size > buffer.length() - from) {
      throw Failure.badRequest("malformed operation: it ends at byte " + buffer.length() + ", " + size + " more expected at " + from);
    }
    at[0] += size;
    return from;
  }

  private static byte code(WriteOp.Kind kind) {
    return switch (kind) {
      case UPSERT -> UPSERT;
      case DELETE -> DELETE;
      case PURGE_LAYER -> PURGE_LAYER;
      case EXPIRE -> EXPIRE;
    };
  }

  private static WriteOp.Kind kind(byte code) {
    return switch (code) {
      case UPSERT -> WriteOp.Kind.UPSERT;
      case DELETE -> WriteOp.Kind.DELETE;
      case PURGE_LAYER -> WriteOp.Kind.PURGE_LAYER;
      case EXPIRE -> WriteOp.Kind.EXPIRE;
      default -> throw Failure.badRequest("malformed operation: unknown kind code " + code);
    };
  }
}
