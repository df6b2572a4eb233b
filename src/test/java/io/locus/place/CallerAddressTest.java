package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The caller's address, read through trusted proxies only")
class CallerAddressTest {
  private static final CallerAddress BEHIND_LOOPBACK = new CallerAddress(List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8"), CallerAddress.Header.X_FORWARDED_FOR);

  @Test
  @DisplayName("an untrusted peer is the caller, whatever it says it forwards")
  void untrustedPeer() {
    assertThat(BEHIND_LOOPBACK.of("203.0.113.9", List.of("8.8.8.8"))).isEqualTo("203.0.113.9");
    assertThat(new CallerAddress(List.of(), CallerAddress.Header.X_FORWARDED_FOR).of("127.0.0.1", List.of("8.8.8.8"))).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("behind a trusted proxy, the address it appended is the caller")
  void trustedProxy() {
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("8.8.8.8"))).isEqualTo("8.8.8.8");
    assertThat(BEHIND_LOOPBACK.of("::1", List.of("2001:4860:4860::8888"))).isEqualTo("2001:4860:4860::8888");
    assertThat(BEHIND_LOOPBACK.of("::ffff:127.0.0.1", List.of("8.8.4.4"))).isEqualTo("8.8.4.4");
  }

  @Test
  @DisplayName("what the client put left of the proxies' entries is never believed")
  void spoofedEntries() {
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("1.1.1.1, 8.8.8.8"))).isEqualTo("8.8.8.8");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("1.1.1.1", "10.1.2.3, 9.9.9.9, 10.0.0.7"))).isEqualTo("9.9.9.9");
  }

  @Test
  @DisplayName("a chain of trusted proxies is walked to the first untrusted hop; no header leaves the peer")
  void chains() {
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("8.8.8.8, 10.0.0.5"))).isEqualTo("8.8.8.8");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("10.0.0.5"))).isEqualTo("10.0.0.5");
  }

  @Test
  @DisplayName("ports and brackets are taken off; a hop that is not an address stops the walk at the proxy")
  void oddEntries() {
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("8.8.8.8:4711"))).isEqualTo("8.8.8.8");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("[2001:db8::1]:4711"))).isEqualTo("2001:db8::1");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("unknown"))).isEqualTo("127.0.0.1");
    assertThat(BEHIND_LOOPBACK.of("127.0.0.1", List.of("8.8.8.8, not-an-ip"))).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("RFC 7239 Forwarded: the for= of each element, quoted or not")
  void forwarded() {
    CallerAddress forwarded = new CallerAddress(List.of("127.0.0.1"), CallerAddress.Header.FORWARDED);
    assertThat(forwarded.of("127.0.0.1", List.of("for=192.0.2.60;proto=http;by=203.0.113.43"))).isEqualTo("192.0.2.60");
    assertThat(forwarded.of("127.0.0.1", List.of("for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\""))).isEqualTo("2001:db8:cafe::17");
    assertThat(forwarded.of("127.0.0.1", List.of("proto=https"))).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("a malformed trusted block is refused when configured")
  void malformedBlock() {
    assertThatThrownBy(() -> new CallerAddress(List.of("10.0.0.0/99"), CallerAddress.Header.X_FORWARDED_FOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.0/99");
    assertThat(CallerAddress.Header.named("x-forwarded-for")).isEqualTo(CallerAddress.Header.X_FORWARDED_FOR);
    assertThat(CallerAddress.Header.named("X-Real-IP")).isNull();
  }
}
