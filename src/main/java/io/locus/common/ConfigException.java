package io.locus.common;

/**
 * A configuration value is missing, of the wrong type or out of range. Its message is one line
 * that names the key (and the environment variable that overrides it), fit to print on start.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
