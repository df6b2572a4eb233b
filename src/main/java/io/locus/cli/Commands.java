package io.locus.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * The commands that talk to a running node ({@code import}, {@code export} and {@code scale}) or to
 * its broker ({@code dead-letters}).
 */
public final class Commands {
  /** The commands' names, as the first word after the node's own options. */
  public static final Set<String> NAMES = Set.of("import", "export", "scale", "dead-letters");

  private Commands() {}

  /**
   * Runs the command {@code name} with {@code args} and returns its exit code: 0 done, 1 stopped
   * (a checkpoint lets it resume) or failed, 2 bad arguments.
   */
  public static int run(String name, List<String> args, NodeDefaults defaults, PrintStream out, PrintStream err) {
    Object command = switch (name) {
      case "import" -> new ImportCommand(defaults, out, err);
      case "export" -> new ExportCommand(defaults, out, err);
      case "scale" -> new ScaleCommand(defaults, out, err);
      case "dead-letters" -> new DeadLettersCommand(defaults, out, err);
      default -> throw new IllegalArgumentException("no command " + name);
    };
    return new CommandLine(command)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args.toArray(String[]::new));
  }
}
