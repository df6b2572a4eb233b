package io.locus.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code import} and {@code export} share: the layer, a checkpoint to resume from, a limit
 * to stop at, the node and consumer ({@link Connection}), the progress display ({@link Progress}),
 * and where they report.
 */
abstract class LayerCommand {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Option(names = "--layer", required = true, description = "the layer (it must exist)")
  String layer;

  @Option(names = "--checkpoint", description = "the checkpoint file (default: beside the file read or written; none for standard input or output)")
  Path checkpointFile;

  @Option(names = "--limit", description = "stop after this many records (running the same command again goes on from there)")
  Long limit;

  @Mixin final Connection connection;

  @Mixin final Progress progress = new Progress();

  final PrintStream out;
  final PrintStream err;

  LayerCommand(NodeDefaults defaults, PrintStream out, PrintStream err) {
    this.connection = new Connection(defaults);
    this.out = out;
    this.err = err;
  }

  /** The first reason the shared options cannot be used, or null when they can. */
  String problem() {
    if (limit != null && limit < 1) {
      return "--limit must be at least 1";
    }
    return connection.problem() != null ? connection.problem() : progress.problem();
  }
}
