package io.locus.common;

/** Client input that Locus refuses; its message is sent back in a 400 answer. */
public final class InvalidInput extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInput(String message) {
    super(message, null, false, false);
  }
}
