package io.locus.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Command-line options of the form {@code --name value}, each with a default or required. An
 * unknown option or a missing value stops the program with a usage message.
 */
final class Options {
  private final Map<String, String> values = new HashMap<>();
  private final String usage;

  /**
   * Parses {@code args}, or prints the problem and the usage and exits with status 2. {@code
   * namesAndDefaults} pairs every accepted option's name with its default; a {@code null} default
   * means "required".
   */
  static Options parse(String[] args, String usage, String... namesAndDefaults) {
    Map<String, String> defaults = new HashMap<>();
    for (int i = 0; i + 1 < namesAndDefaults.length; i += 2) {
      defaults.put(namesAndDefaults[i], namesAndDefaults[i + 1]);
    }
    try {
      return new Options(args, defaults, usage);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      throw e;
    }
  }

  private Options(String[] args, Map<String, String> defaults, String usage) {
    this.usage = usage;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !defaults.containsKey(name.substring(2))) {
        throw fail("unexpected argument: " + name);
      }
      if (i + 1 >= args.length) {
        throw fail(name + " needs a value");
      }
      values.put(name.substring(2), args[++i]);
    }
    defaults.forEach((name, value) -> values.putIfAbsent(name, value));
    values.forEach((name, value) -> {
      if (value == null) {
        throw fail("missing --" + name);
      }
    });
  }

  String get(String name) {
    return values.get(name);
  }

  int integer(String name) {
    try {
      return Integer.parseInt(values.get(name));
    } catch (NumberFormatException e) {
      throw fail("--" + name + " must be a whole number");
    }
  }

  /** {@code host:port}, with the port as given or {@code defaultPort}. */
  HostPort hostPort(String name, int defaultPort) {
    try {
      return HostPort.parse(values.get(name), defaultPort);
    } catch (IllegalArgumentException e) {
      throw fail("--" + name + " must be host:port");
    }
  }

  private IllegalArgumentException fail(String message) {
    return new IllegalArgumentException(message + "\nusage: " + usage);
  }
}
