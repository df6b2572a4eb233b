package io.locus.cli;

import io.locus.ingest.QueueTopology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code locus dead-letters} prints dead letters: a table, one a line, and a count by reason. */
final class DeadLetterReport {
  private static final List<String> HEADINGS = List.of("AGE", "SHARD", "RECORD", "OP", "TRIES", "REQUEST", "REASON");

  private DeadLetterReport() {}

  /** The table's lines, headings first; the reason last, as it is the longest. */
  static List<String> table(List<DeadLetter> letters, QueueTopology topology, long nowMs) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADINGS);
    for (DeadLetter letter : letters) {
      Long age = letter.ageSeconds(nowMs);
      rows.add(
          List.of(
              age == null ? DeadLetter.UNKNOWN : age(age),
              DeadLetter.orUnknown(letter.fromShard(topology)),
              letter.record(),
              DeadLetter.orUnknown(letter.op()),
              DeadLetter.orUnknown(letter.tries()),
              DeadLetter.orUnknown(letter.requestId()),
              letter.reason()));
    }
    int[] widths = new int[HEADINGS.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.size(); c++) {
        line.append(c == row.size() - 1 ? row.get(c) : pad(row.get(c), widths[c] + 2));
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /** How many dead letters there are of each reason, the most frequent first. */
  static List<String> byReason(List<DeadLetter> letters) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (DeadLetter letter : letters) {
      counts.merge(letter.reasonKind(), 1, Integer::sum);
    }
    int width = counts.values().stream().mapToInt(n -> Integer.toString(n).length()).max().orElse(1);
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .map(entry -> "  " + pad(Integer.toString(entry.getValue()), width + 2) + entry.getKey())
        .toList();
  }

  /** An age, in its two largest units: {@code 42s}, {@code 12m05s}, {@code 3h12m}, {@code 2d03h}. */
  static String age(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format("%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
