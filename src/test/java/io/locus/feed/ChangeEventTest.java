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
}
