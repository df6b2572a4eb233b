package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("IP address literals, strictly")
class IpAddressesTest {
  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "2001:4860:4860::8888", "[2001:db8::1]", "::1", "::ffff:8.8.8.8"})
  @DisplayName("dotted quads and IPv6 forms are addresses")
  void addresses(String text) {
    assertThat(IpAddresses.parse(text)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8", "8.8.8.8.8", "256.1.1.1", "1.2.3.4/24", "0x08080808", "134744072", "1.2.3.*", "1.2.3.4-5", "2001:db8::g", ":::", "", "*"})
  @DisplayName("anything else is not")
  void notAddresses(String text) {
    assertThat(IpAddresses.parse(text)).isNull();
  }

  @Test
  @DisplayName("IPv4-mapped IPv6 is the IPv4 address")
  void mapped() {
    assertThat(IpAddresses.parse("::ffff:8.8.8.8").toCanonicalString()).isEqualTo("8.8.8.8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::"})
  @DisplayName("loopback, private, link-local, unique local, multicast and unspecified addresses are non-public")
  void nonPublic(String text) {
    assertThat(IpAddresses.isNonPublic(IpAddresses.parse(text))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "81.2.69.160", "2001:4860:4860::8888", "172.32.0.1"})
  @DisplayName("public addresses are not")
  void isPublic(String text) {
    assertThat(IpAddresses.isNonPublic(IpAddresses.parse(text))).isFalse();
  }
}
