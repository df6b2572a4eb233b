package io.locus.ingest;

import io.locus.common.Failure;
import io.locus.ops.RequestIds;
import io.locus.record.WriteOp;
import io.locus.record.WriteOpWire;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a message on a shard queue. The publisher commits the operations that wait for a
 * shard together ({@link GroupCommit}), as one message of content type {@value #CONTENT_TYPE}: the
 * byte {@code 'L'}, a version byte, the number of operations, then each one as its request's id
 * followed by the operation ({@link WriteOpWire}). A message of any other content type holds one
 * operation as JSON ({@link WriteOp#toJson}), its request id in the {@link RequestIds#HEADER}
 * header: what earlier releases published, expiries, and redriven dead letters.
 */
public final class ShardMessage {
  /** The content type of a message of several operations. */
  public static final String CONTENT_TYPE = "application/vnd.locus.ops";
  private static final byte MAGIC = 'L';
  private static final byte VERSION = 1;
  /** The header's size: magic, version, count. */
  static final int HEADER_BYTES = 6;

  /** One operation of a message, with the id of the request that asked for it ("-" if none). */
  public record Entry(WriteOp op, String requestId) {}

  private ShardMessage() {}

  /** The encoded form of one entry, to be joined with others by {@link #of}. */
  static Buffer entry(WriteOp op, String requestId) {
    Buffer buffer = Buffer.buffer(128);
    WriteOpWire.text(buffer, requestId == null ? "-" : requestId);
    WriteOpWire.write(buffer, op);
    return buffer;
  }

  /** The message of the encoded {@code entries}, in order. */
  static Buffer of(List<Buffer> entries) {
    int size = HEADER_BYTES;
    for (Buffer entry : entries) {
      size += entry.length();
    }
    Buffer message = Buffer.buffer(size).appendByte(MAGIC).appendByte(VERSION).appendInt(entries.size());
    entries.forEach(message::appendBuffer);
    return message;
  }

  /** The entries of a delivered message; a {@link Failure} 400 when it is malformed (poison). */
  static List<Entry> read(RabbitMQMessage message) {
    if (CONTENT_TYPE.equals(message.properties().getContentType())) {
      return read(message.body());
    }
    Object requestId = Deliveries.header(message, RequestIds.HEADER);
    return List.of(new Entry(WriteOp.fromJson(message.body()), requestId == null ? "-" : requestId.toString()));
  }

  /** The entries of a message of content type {@value #CONTENT_TYPE}. */
  public static List<Entry> read(Buffer body) {
    if (body.length() < HEADER_BYTES || body.getByte(0) != MAGIC) {
      throw Failure.badRequest("malformed message: not a message of operations");
    }
    if (body.getByte(1) != VERSION) {
      throw Failure.badRequest("malformed message: version " + body.getByte(1) + " of the operations' format is unknown");
    }
    int count = body.getInt(2);
    if (count < 1 || count > body.length()) {
      throw Failure.badRequest("malformed message: " + count + " operations in " + body.length() + " bytes");
    }
    int[] at = {HEADER_BYTES};
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String requestId = WriteOpWire.text(body, at);
      entries.add(new Entry(WriteOpWire.read(body, at), requestId));
    }
    if (at[0] != body.length()) {
      throw Failure.badRequest("malformed message: " + (body.length() - at[0]) + " bytes after its " + count + " operations");
    }
    return entries;
  }
}
