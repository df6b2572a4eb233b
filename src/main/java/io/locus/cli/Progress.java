package io.locus.cli;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Option;

/** How a command shows its progress: a bar with records/s and ETA on a terminal, a line every few seconds otherwise. */
final class Progress {
  @Option(names = "--progress", defaultValue = "auto", description = "auto (a bar on a terminal, else lines), bar, lines or none")
  String mode;

  /** A reason the option cannot be used, or null when it can. */
  String problem() {
    return switch (mode) {
      case "auto", "bar", "lines", "none" -> null;
      default -> "--progress must be auto, bar, lines or none, not " + mode;
    };
  }

  /** A progress bar named {@code task} over {@code total} records (-1: unknown), {@code done} of them already. */
  ProgressBar bar(String task, long total, long done, PrintStream err) {
    String chosen = mode.equals("auto") ? (System.console() != null ? "bar" : "lines") : mode;
    ProgressBarBuilder builder =
        new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" records", 1).showSpeed().startsFrom(done, Duration.ZERO);
    switch (chosen) {
      case "bar" -> builder.setUpdateIntervalMillis(250);
      case "lines" -> builder.setUpdateIntervalMillis(5_000).setStyle(ProgressBarStyle.ASCII)
          .setConsumer(new DelegatingProgressBarConsumer(err::println, 100)).continuousUpdate();
      default -> builder.setConsumer(new DelegatingProgressBarConsumer(line -> {}));
    }
    return builder.build();
  }
}
