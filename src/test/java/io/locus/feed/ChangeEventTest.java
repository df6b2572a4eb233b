package io.locus.feed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ChangeEvent on the wire")
class ChangeEventTest {
  @Test
  @DisplayName("an upsert with expires and an expiry with the position it ends read back as written")
  void expiryRoundTrip() {
    ChangeEvent upsert =
        ChangeEvent.upsert("l", "i", 7L, 3, new ChangeEvent.State(1.5, 2.5, "[2.5,1.5]", 1L, "{}", 1_700_000_060L), null);
    ChangeEvent expire = ChangeEvent.expire("l", "i", 8L, 3, new ChangeEvent.Position(1.5, 2.5));
    assertThat(ChangeEvent.fromBuffer(upsert.toBuffer())).isEqualTo(upsert);
    assertThat(ChangeEvent.fromBuffer(expire.toBuffer())).isEqualTo(expire);
    assertThat(expire.toBuffer().toJsonObject().getString("kind")).isEqualTo("expire");
    ChangeEvent lasting = ChangeEvent.upsert("l", "i", 7L, 3, new ChangeEvent.State(1.5, 2.5, "[2.5,1.5]", 1L, "{}", 0), null);
    assertThat(lasting.toBuffer().toJsonObject().getJsonObject("state").containsKey("expires")).isFalse();
  }

  @Test
  @DisplayName("a fence event carries its fence and the record change it was judged from; a fence kind without a fence is refused")
  void fenceEvents() {
    ChangeEvent change =
        ChangeEvent.upsert("l", "i", 7L, 3, new ChangeEvent.State(1.5, 2.5, "[2.5,1.5]", 1L, "{}", 0), new ChangeEvent.Position(1, 2));
    ChangeEvent entered = ChangeEvent.fenced(ChangeEvent.Kind.ENTER, "f1", change);
    assertThat(ChangeEvent.fromBuffer(entered.toBuffer())).isEqualTo(entered);
    assertThat(entered.kind().isFence()).isTrue();
    assertThat(ChangeEvent.Kind.EXPIRE.isFence()).isFalse();
    io.vertx.core.json.JsonObject wire = entered.toBuffer().toJsonObject();
    wire.remove("fence");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChangeEvent.fromBuffer(wire.toBuffer()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
