package io.locus.feed;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable object between verticles of one node as it is. Registered as the default
 * codec of the change stream's contracts, which are sent with {@code localOnly}: they never
 * cross to another node, so there is no wire form.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  /** A codec for {@code type}. */
  public LocalCodec(Class<T> type) {
    this.name = "locus.local." + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is sent on the local event bus only");
  }

  @Override
  public T decodeFromWire(int position, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is sent on the local event bus only");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
