package io.locus.record;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Names")
class NamesTest {

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"a", "7", "restaurants", "com.example.places", "A-1_b.c", "layer-", "a.b.c"})
  @DisplayName("a layer name of ASCII letters, digits, '.', '_' and '-' is returned unchanged")
  void goodLayers(String name) {
    assertThat(Names.layer(name)).isEqualTo(name);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"1", "rec-1", "a.b", ".a", "~user", "x:y@z", "!$'()*+;=", "A_b-C.d~e"})
  @DisplayName("a record id of ASCII letters, digits and ._~:@!$'()*+;=- is returned unchanged")
  void goodIds(String id) {
    assertThat(Names.id(id)).isEqualTo(id);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("names exactly at the length limit are accepted")
  void longestAccepted() {
    String layer = "l".repeat(Names.MAX_LAYER_LENGTH);
    String id = "i".repeat(Names.MAX_ID_LENGTH);
    assertThat(Names.layer(layer)).isEqualTo(layer);
    assertThat(Names.id(id)).isEqualTo(id);
  }

  static Stream<Arguments> badLayers() {
    return Stream.of(
        Arguments.of("null", null, "is empty"),
        Arguments.of("empty", "", "is empty"),
        Arguments.of("too long", "l".repeat(Names.MAX_LAYER_LENGTH + 1), "longer than 128"),
        Arguments.of("slash", "a/b", "may contain only"),
        Arguments.of("leading slash", "/a", "may contain only"),
        Arguments.of("backslash", "a\\b", "may contain only"),
        Arguments.of("dot-dot alone", "..", "may contain only"),
        Arguments.of("dot-dot inside", "a..b", "may not be '.' or contain '..'"),
        Arguments.of("traversal", "a/../b", "may contain only"),
        Arguments.of("single dot", ".", "may contain only"),
        Arguments.of("leading dot", ".hidden", "may contain only"),
        Arguments.of("leading dash", "-a", "may contain only"),
        Arguments.of("leading underscore", "_a", "may contain only"),
        Arguments.of("space", "a b", "may contain only"),
        Arguments.of("tab", "a\tb", "may contain only"),
        Arguments.of("trailing newline", "abc\n", "may contain only"),
        Arguments.of("NUL", "a\u0000b", "may contain only"),
        Arguments.of("DEL", "a\u007f", "may contain only"),
        Arguments.of("comma", "a,b", "may contain only"),
        Arguments.of("colon", "a:b", "may contain only"),
        Arguments.of("percent-encoded slash", "a%2Fb", "may contain only"),
        Arguments.of("Cyrillic a", "p\u0430rk", "may contain only"),
        Arguments.of("zero-width space", "park\u200B", "may contain only"),
        Arguments.of("accented letter", "caf\u00e9", "may contain only"),
        Arguments.of("fullwidth letter", "\uff41bc", "may contain only"),
        Arguments.of("right-to-left override", "a\u202eb", "may contain only"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLayers")
  @DisplayName("a bad layer name is refused as invalid input that says why")
  void badLayers(String name, String raw, String reason) {
    assertThatThrownBy(() -> Names.layer(raw))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageStartingWith("layer name")
        .hasMessageContaining(reason);
  }

  static Stream<Arguments> badIds() {
    return Stream.of(
        Arguments.of("null", null, "is empty"),
        Arguments.of("empty", "", "is empty"),
        Arguments.of("too long", "i".repeat(Names.MAX_ID_LENGTH + 1), "longer than 256"),
        Arguments.of("slash", "a/b", "may contain only"),
        Arguments.of("backslash", "a\\b", "may contain only"),
        Arguments.of("single dot", ".", "may not be '.'"),
        Arguments.of("dot-dot alone", "..", "contain '..'"),
        Arguments.of("dot-dot inside", "a..b", "contain '..'"),
        Arguments.of("triple dot", "...", "contain '..'"),
        Arguments.of("traversal", "../etc", "may contain only"),
        Arguments.of("comma", "a,b", "may contain only"),
        Arguments.of("space", "a b", "may contain only"),
        Arguments.of("question mark", "a?b", "may contain only"),
        Arguments.of("hash", "a#b", "may contain only"),
        Arguments.of("percent", "a%2F", "may contain only"),
        Arguments.of("double quote", "a\"b", "may contain only"),
        Arguments.of("NUL", "a\u0000", "may contain only"),
        Arguments.of("CRLF", "a\r\nb", "may contain only"),
        Arguments.of("escape", "\u001b[31m", "may contain only"),
        Arguments.of("Cyrillic a", "\u0430", "may contain only"),
        Arguments.of("Cyrillic look-alike word", "p\u0430ypal", "may contain only"),
        Arguments.of("zero-width space", "a\u200Bb", "may contain only"),
        Arguments.of("byte-order mark", "\uFEFFid", "may contain only"),
        Arguments.of("non-breaking space", "a\u00a0b", "may contain only"),
        Arguments.of("emoji", "id\uD83D\uDE00", "may contain only"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badIds")
  @DisplayName("a bad record id is refused as invalid input that says why")
  void badIds(String name, String raw, String reason) {
    assertThatThrownBy(() -> Names.id(raw))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageStartingWith("record id")
        .hasMessageContaining(reason);
  }
}
