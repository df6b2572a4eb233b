package io.locus.record;

import io.locus.common.Failure;
import java.util.regex.Pattern;

/**
 * Rules for layer names and record ids, which travel in URL paths and partition keys. Both are
 * plain ASCII: letters, digits and a few punctuation marks; never a slash, a comma (the
 * multi-get separator), a control character, a {@code ..} sequence or anything outside ASCII
 * (no look-alike letters, no invisible characters).
 */
public final class Names {
  /** Longest layer name. */
  public static final int MAX_LAYER_LENGTH = 128;

  /** Longest record id. */
  public static final int MAX_ID_LENGTH = 256;

  private static final Pattern LAYER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~:@!$'()*+;=-]+");

  private Names() {}

  /** Returns {@code raw} if it is a valid layer name; otherwise throws {@link Failure} 400. */
  public static String layer(String raw) {
    return check("layer name", raw, LAYER, MAX_LAYER_LENGTH,
        "letters, digits, '.', '_' and '-', starting with a letter or digit");
  }

  /** Returns {@code raw} if it is a valid record id; otherwise throws {@link Failure} 400. */
  public static String id(String raw) {
    return check("record id", raw, ID, MAX_ID_LENGTH,
        "ASCII letters, digits and ._~:@!$'()*+;=-");
  }

  private static String check(String what, String raw, Pattern pattern, int max, String allowed) {
    if (raw == null || raw.isEmpty()) {
      throw Failure.badRequest(what + " is empty");
    }
    if (raw.length() > max) {
      throw Failure.badRequest(what + " is longer than " + max + " characters");
    }
    if (!pattern.matcher(raw).matches()) {
      throw Failure.badRequest(what + " may contain only " + allowed);
    }
    if (raw.contains("..") || raw.equals(".")) {
      throw Failure.badRequest(what + " may not be '.' or contain '..'");
    }
    return raw;
  }
}
