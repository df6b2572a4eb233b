package io.locus.common;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * One kind of request an event-bus address serves: the address, the value of the {@link
 * #HEADER} header that selects it, and how its body is read back into its typed request. Each
 * address declares its operations in one contract class beside the verticle that serves them;
 * senders and the {@link Dispatcher} use only those declarations.
 *
 * @param <Q> the request type
 */
public record Operation<Q extends BusRequest>(String address, String action, Function<JsonObject, Q> decode) {
  /** Event-bus header naming the operation. */
  public static final String HEADER = "action";

  /** The same operation served at {@code other}: for contracts served at one address per node. */
  public Operation<Q> at(String other) {
    return new Operation<>(other, action, decode);
  }
}
