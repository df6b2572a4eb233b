package io.locus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar locus.jar export --layer L [--output FILE]}: writes every record of a layer
 * as NDJSON, one Feature a line ({@code id}, {@code created}, {@code geometry}, {@code
 * properties}, coordinates with their stored digits), in the form {@code locus import} reads
 * back. It pages through the layer with a whole-world box search and its cursor; a checkpoint
 * beside the output keeps the cursor and the length of the output it belongs to, so running the
 * same command again cuts the output back to that length and goes on from there. Records
 * written while an export runs may appear at their old or their new position (it is not a
 * snapshot). Signed as the configured consumer; exit code 0 done, 1 stopped, 2 bad arguments.
 */
@Command(name = "export", description = "Export a layer's records as NDJSON, one Feature a line; resumable.")
public final class ExportCommand extends LayerCommand implements Callable<Integer> {
  /** Records a page: the most a search answers. */
  static final int MAX_PAGE = 500;

  /** The box that holds every point: south, west, north, east. */
  static final String WORLD = "-90,-180,90,180";

  @Option(names = {"--output", "-o"}, defaultValue = "-", description = "the file to write, or - for standard output (default)")
  String output;

  @Option(names = "--page", defaultValue = "" + MAX_PAGE, description = "records a request (default: ${DEFAULT-VALUE})")
  int page;

  private long startedAt;

  /** The command with the defaults of a node's configuration; records go to {@code out} unless {@code --output}. */
  public ExportCommand(NodeDefaults defaults, PrintStream out, PrintStream err) {
    super(defaults, out, err);
  }

  /**
   * Where an export stands.
   *
   * @param layer the layer exported
   * @param cursor the cursor of the next page (null: the first)
   * @param records records written so far
   * @param bytes the output's length after them
   */
  record Position(String layer, String cursor, long records, long bytes) {
    static Position read(Path file) throws IOException {
      if (!Files.exists(file)) {
        return null;
      }
      JsonNode json = RecordSource.JSON.readTree(file.toFile());
      return new Position(json.path("layer").asText(), json.path("cursor").asText(null), json.path("records").asLong(), json.path("bytes").asLong());
    }

    void write(Path file) throws IOException {
      Checkpoint.writeAtomically(
          file, RecordSource.JSON.createObjectNode().put("layer", layer).put("cursor", cursor).put("records", records).put("bytes", bytes));
    }
  }

  @Override
  public Integer call() throws IOException {
    String problem = page < 1 || page > MAX_PAGE
        ? "--page must be 1 to " + MAX_PAGE
        : problem();
    if (problem != null) {
      err.println("locus export: " + problem);
      return 2;
    }
    boolean stdout = output.equals("-");
    Path checkpointAt = checkpointFile != null ? checkpointFile : stdout ? null : Path.of(output + ".checkpoint");
    Position position = checkpointAt == null ? null : Position.read(checkpointAt);
    if (position != null && !position.layer().equals(layer)) {
      err.println("locus export: " + checkpointAt + " is the checkpoint of an export of " + position.layer() + ", not " + layer);
      return 2;
    }
    if (position != null) {
      err.println("locus export: resuming after record " + position.records() + " (" + checkpointAt + ")");
    } else {
      position = new Position(layer, null, 0, 0);
    }
    long started = System.nanoTime();
    startedAt = position.records();
    String failure = null;
    try (OutputStream target = stdout ? out : open(Path.of(output), position.bytes());
        Writer writer = new BufferedWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8));
        ProgressBar bar = progress.bar("export " + layer, -1, position.records(), err)) {
      do {
        position = nextPage(position, writer, bar);
        if (checkpointAt != null) {
          position.write(checkpointAt);
        }
      } while (position.cursor() != null && !reachedLimit(position));
    } catch (CommandStopped stopped) {
      failure = stopped.getMessage();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long written = position.records() - startedAt;
    err.printf(Locale.ROOT, "%s: %d records exported%s (%d in %.1f s, %.0f records/s)%n",
        layer, position.records(), stdout ? "" : " to " + output, written, seconds, written / Math.max(seconds, 1e-3));
    if (failure != null) {
      err.println("locus export: stopped after record " + position.records() + ": " + failure
          + (checkpointAt == null ? "" : "; run the same command again to resume (" + checkpointAt + ")"));
      return 1;
    }
    if (reachedLimit(position) && position.cursor() != null) {
      err.println("locus export: stopped at --limit after record " + position.records() + "; run it again to go on");
    } else if (checkpointAt != null) {
      Files.deleteIfExists(checkpointAt);
    }
    return 0;
  }

  private boolean reachedLimit(Position position) {
    return limit != null && position.records() - startedAt >= limit;
  }

  /** {@code file} cut back to {@code length} bytes (what the checkpoint vouches for), open for appending. */
  private static OutputStream open(Path file, long length) throws IOException {
    if (length == 0) {
      return Files.newOutputStream(file);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(length);
    }
    return Files.newOutputStream(file, StandardOpenOption.APPEND);
  }

  /** Fetches the page at {@code from}, writes its records, and says where the next one starts. */
  private Position nextPage(Position from, Writer writer, ProgressBar bar) throws IOException {
    String path = "/0.1/records/" + URLEncoder.encode(layer, StandardCharsets.UTF_8) + "/within/" + WORLD + ".json?limit=" + pageSize(from)
        + (from.cursor() == null ? "" : "&cursor=" + URLEncoder.encode(from.cursor(), StandardCharsets.UTF_8));
    HttpResponse<String> response = connection.send("GET", path, null, null, () -> false);
    if (response.statusCode() != 200) {
      throw new CommandStopped(response.statusCode() + " " + response.body());
    }
    JsonNode answer = RecordSource.JSON.readTree(response.body());
    long bytes = from.bytes();
    int records = 0;
    for (JsonNode feature : answer.path("features")) {
      String line = RecordSource.JSON.writeValueAsString(stored((ObjectNode) feature)) + "\n";
      writer.write(line);
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
      records++;
    }
    writer.flush();
    bar.stepBy(records);
    JsonNode next = answer.path("next_cursor");
    return new Position(layer, next.isTextual() ? next.asText() : null, from.records() + records, bytes);
  }

  /** A page, or fewer records when {@code --limit} is nearer. */
  private long pageSize(Position from) {
    return limit == null ? page : Math.min(page, limit - (from.records() - startedAt));
  }

  /** A search's Feature as it was written: without the links, the distance, and the layer among its properties. */
  static ObjectNode stored(ObjectNode feature) {
    feature.remove(List.of("selfLink", "layerLink", "distance"));
    if (feature.get("properties") instanceof ObjectNode properties) {
      properties.remove("layer");
    }
    return feature;
  }
}
