package io.locus.query;

import io.locus.common.Failure;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of search results ended: the sort key and id of its last record, and the query
 * it belongs to. The next page holds what sorts after that position, so pages never repeat or
 * skip a record that stays put, whatever is written meanwhile. Opaque to clients (URL-safe
 * base64); one from another query, or garbage, is refused with 400.
 */
record SearchCursor(int fingerprint, double key, String id) {
  private static final String VERSION = "s1";

  String encode() {
    String text = VERSION + ":" + fingerprint + ":" + Long.toHexString(Double.doubleToLongBits(key)) + ":" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static SearchCursor decode(String cursor, int expectedFingerprint) {
    SearchCursor decoded;
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 4);
      if (parts.length != 4 || !parts[0].equals(VERSION)) {
        throw Failure.badRequest("invalid cursor");
      }
      decoded =
          new SearchCursor(
              Integer.parseInt(parts[1]),
              Double.longBitsToDouble(Long.parseUnsignedLong(parts[2], 16)),
              parts[3]);
    } catch (IllegalArgumentException garbage) {
      throw Failure.badRequest("invalid cursor");
    }
    if (decoded.fingerprint != expectedFingerprint) {
      throw Failure.badRequest("this cursor belongs to another query");
    }
    return decoded;
  }
}
