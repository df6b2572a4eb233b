package io.locus.geo;

import io.locus.common.Failure;


/** Range checks for coordinates given in degrees. */
public final class Coordinates {
  private Coordinates() {}

  public static double latitude(String what, double value) {
    if (!(value >= -90 && value <= 90)) {
      throw Failure.badRequest(what + " must be between -90 and 90, got " + value);
    }
    return value;
  }

  public static double longitude(String what, double value) {
    if (!(value >= -180 && value <= 180)) {
      throw Failure.badRequest(what + " must be between -180 and 180, got " + value);
    }
    return value;
  }
}
