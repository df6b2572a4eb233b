package io.locus.common;

import java.math.BigDecimal;

/**
 * Bounds on the numbers clients send, checked before anything formats or converts them. A
 * decimal such as {@code 1e-999999999} is a dozen characters, yet written out in plain notation
 * (as coordinates are stored) it is a gigabyte of zeros, and {@code BigDecimal.longValue()} of
 * {@code 1E-2147483647} divides by ten to the two-billionth power. So every number Locus reads
 * from a request has at most {@value #MAX_DIGITS} significant digits and an exponent, in
 * scientific notation, within ±{@value #MAX_EXPONENT}; anything else is a 400 naming the field.
 * Within those bounds a number keeps exactly the digits it came with.
 */
public final class Numbers {
  /** Most significant digits of a number in a request. */
  public static final int MAX_DIGITS = 40;

  /** Largest magnitude of a number's exponent in scientific notation ({@code 1e-400} is the smallest non-zero magnitude). */
  public static final int MAX_EXPONENT = 400;

  /** Longest numeric text read from a string (a query parameter, a path segment, a quoted number). */
  private static final int MAX_TEXT = 64;

  private Numbers() {}

  /** Returns {@code value} if it is within the bounds; otherwise throws {@link Failure} 400 naming {@code field}. */
  public static BigDecimal check(String field, BigDecimal value) {
    if (!withinExponent(value) || value.precision() > MAX_DIGITS) {
      throw outOfBounds(field, value.toString());
    }
    return value;
  }

  /**
   * Whether {@code value}'s exponent is within ±{@value #MAX_EXPONENT}: the bound that keeps
   * formatting and conversion cheap, whatever its digits (their count is bounded by the parser).
   */
  public static boolean withinExponent(BigDecimal value) {
    // For zero this is minus its scale: 0E-999999999 is as long in plain notation as 1E-999999999.
    long exponent = (long) value.precision() - value.scale() - 1;
    return Math.abs(exponent) <= MAX_EXPONENT;
  }

  /**
   * Parses {@code text} (trimmed) as a decimal within the bounds; not a number, or beyond the
   * bounds, is a {@link Failure} 400 naming {@code field}.
   */
  public static BigDecimal parse(String field, String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.length() > MAX_TEXT) {
      throw Failure.badRequest(field + " must be a number of at most " + MAX_TEXT + " characters");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(trimmed);
    } catch (NumberFormatException notNumeric) {
      throw Failure.badRequest(field + " must be a number, got \"" + trimmed + "\"");
    }
    return check(field, value);
  }

  /** The 400 for a number beyond the bounds; {@code shown} is cut short if long. */
  public static Failure outOfBounds(String field, String shown) {
    String cut = shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
    String name = field.length() > 100 ? field.substring(0, 100) + "…" : field;
    return Failure.badRequest(
        name + " must be a number of at most " + MAX_DIGITS + " significant digits with an exponent between -"
            + MAX_EXPONENT + " and " + MAX_EXPONENT + ", got " + cut);
  }
}
