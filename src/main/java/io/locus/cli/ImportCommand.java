package io.locus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar locus.jar import --layer L FILE|-}: loads a GeoJSON FeatureCollection, an
 * NDJSON file (one Feature a line) or a CSV file with latitude and longitude columns into a
 * layer, through a node's streamed bulk endpoint ({@code POST /0.1/records/{layer}.ndjson}),
 * signed as the configured consumer. A bounded number of batches is in flight at a time; a
 * batch answered 503 or 429 (or not answered) is sent again after the server's {@code
 * Retry-After}, else after a growing pause with jitter. Progress shows as a bar with records/s
 * and ETA on a terminal, as a line every few seconds otherwise. A checkpoint file beside the
 * input records how far the import got, so running the same command again resumes it; it is
 * removed when the import completes. The report names every refused record by its line (its
 * position in a FeatureCollection) and the server's reason. Exit code 0 when every record was
 * answered, 1 when the import stopped (the checkpoint keeps its place), 2 for bad arguments.
 */
@Command(
    name = "import",
    description = "Import a GeoJSON FeatureCollection, NDJSON (one Feature a line) or CSV file into a layer; resumable.")
public final class ImportCommand extends LayerCommand implements Callable<Integer> {
  /** Records in one request: big enough to amortise a request, small enough to retry cheaply. */
  static final int DEFAULT_BATCH = 500;

  /** Most records in one request: the server lists at most this many rejections an answer. */
  static final int MAX_BATCH = 1_000;

  @Parameters(index = "0", paramLabel = "FILE", description = "the file to import, or - for standard input")
  String input;

  @Option(names = "--format", description = "NDJSON, GEOJSON or CSV (default: by the file's extension; NDJSON for standard input)")
  RecordSource.Format format;

  @Option(names = "--lat-column", defaultValue = "lat", description = "CSV: the latitude column (default: ${DEFAULT-VALUE})")
  String latColumn;

  @Option(names = "--lon-column", defaultValue = "lon", description = "CSV: the longitude column (default: ${DEFAULT-VALUE})")
  String lonColumn;

  @Option(names = "--id-column", defaultValue = "id", description = "CSV: the record id column (default: ${DEFAULT-VALUE})")
  String idColumn;

  @Option(names = "--batch", defaultValue = "" + DEFAULT_BATCH, description = "records per request (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--in-flight", defaultValue = "16", description = "requests in flight at a time (default: ${DEFAULT-VALUE})")
  int inFlight;

  /** The command with the defaults of a node's configuration, reporting to {@code out} and {@code err}. */
  public ImportCommand(NodeDefaults defaults, PrintStream out, PrintStream err) {
    super(defaults, out, err);
  }

  @Override
  public Integer call() throws Exception {
    String problem = batch < 1 || batch > MAX_BATCH || inFlight < 1
        ? "--batch must be 1 to " + MAX_BATCH + " and --in-flight at least 1"
        : problem();
    if (problem != null) {
      err.println("locus import: " + problem);
      return 2;
    }
    boolean stdin = input.equals("-");
    Path file = stdin ? null : Path.of(input);
    if (file != null && !Files.isReadable(file)) {
      err.println("locus import: cannot read " + input);
      return 2;
    }
    RecordSource.Format chosen = format != null ? format : stdin ? RecordSource.Format.NDJSON : RecordSource.Format.of(input);
    Path checkpointAt = checkpointFile != null ? checkpointFile : stdin ? null : Path.of(input + ".checkpoint");
    Checkpoint resumed = checkpointAt == null ? null : Checkpoint.read(checkpointAt);
    if (resumed != null && !resumed.layer().equals(layer)) {
      err.println("locus import: " + checkpointAt + " is the checkpoint of an import into " + resumed.layer() + ", not " + layer);
      return 2;
    }
    Checkpoint start = resumed != null ? resumed : Checkpoint.start(layer, System.currentTimeMillis() / 1000);
    if (resumed != null) {
      err.println("locus import: resuming after record " + resumed.done() + " (" + checkpointAt + ")");
    }
    long total = file != null && chosen != RecordSource.Format.GEOJSON ? countLines(file, chosen) : -1;
    Reader reader = stdin ? new InputStreamReader(System.in, StandardCharsets.UTF_8) : Files.newBufferedReader(file, StandardCharsets.UTF_8);
    RecordSource.Columns columns = new RecordSource.Columns(latColumn, lonColumn, idColumn);
    long started = System.nanoTime();
    Run run;
    try (RecordSource source = RecordSource.open(chosen, reader, columns); ProgressBar bar = progress.bar("import " + layer, total, start.done(), err)) {
      run = new Run(start, checkpointAt, bar);
      run.send(source);
    } catch (IOException unreadable) {
      err.println("locus import: " + unreadable.getMessage());
      return 1;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return report(run, seconds);
  }

  /** Prints the report; removes the checkpoint of a finished import. */
  private int report(Run run, double seconds) throws IOException {
    Checkpoint last = run.checkpoint;
    long sent = last.accepted() + last.rejectedCount() - run.startedFrom.accepted() - run.startedFrom.rejectedCount();
    out.printf(Locale.ROOT, "%s: %d accepted, %d rejected; %d records in %.1f s (%.0f records/s)%n",
        layer, last.accepted(), last.rejectedCount(), sent, seconds, sent / Math.max(seconds, 1e-3));
    for (Checkpoint.Rejection rejection : last.rejected()) {
      out.printf(Locale.ROOT, "  rejected line %d: %s%n", rejection.number(), rejection.message());
    }
    if (last.rejectedCount() > last.rejected().size()) {
      out.printf(Locale.ROOT, "  (and %d more rejections)%n", last.rejectedCount() - last.rejected().size());
    }
    if (run.failure != null) {
      err.println("locus import: stopped after record " + last.done() + ": " + run.failure
          + (run.checkpointAt == null ? "" : "; run the same command again to resume (" + run.checkpointAt + ")"));
      return 1;
    }
    if (run.checkpointAt != null && !run.stoppedAtLimit) {
      Files.deleteIfExists(run.checkpointAt);
    } else if (run.stoppedAtLimit) {
      err.println("locus import: stopped at --limit after record " + last.done() + "; run it again to go on");
    }
    return 0;
  }

  /** Records in {@code file}: its non-blank lines, less the header of a CSV file. */
  private static long countLines(Path file, RecordSource.Format format) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      long count = lines.filter(line -> !line.isBlank()).count();
      return format == RecordSource.Format.CSV ? Math.max(0, count - 1) : count;
    }
  }

  /** One run of the import: batches in flight, their answers, the checkpoint they advance. */
  private final class Run {
    final Checkpoint startedFrom;
    final Path checkpointAt;
    final ProgressBar bar;
    final Semaphore slots = new Semaphore(inFlight);
    final ExecutorService senders = Executors.newFixedThreadPool(inFlight);
    /** Answered batches past the checkpoint, by their first record's number, waiting for those before them. */
    final TreeMap<Long, Answered> answered = new TreeMap<>();
    final List<Long> pending = new ArrayList<>();
    Checkpoint checkpoint;
    volatile String failure;
    boolean stoppedAtLimit;

    Run(Checkpoint start, Path checkpointAt, ProgressBar bar) {
      this.startedFrom = start;
      this.checkpoint = start;
      this.checkpointAt = checkpointAt;
      this.bar = bar;
    }

    /** Reads the source a batch at a time and sends each, at most {@code inFlight} at once. */
    void send(RecordSource source) throws IOException {
      try {
        List<RecordSource.Numbered> records = new ArrayList<>(batch);
        long read = 0;
        RecordSource.Numbered next;
        while (failure == null && (next = source.next()) != null) {
          if (next.number() <= startedFrom.done()) {
            continue; // imported by an earlier run
          }
          if (limit != null && read >= limit) {
            stoppedAtLimit = true;
            break;
          }
          read++;
          records.add(next);
          if (records.size() == batch) {
            submit(records);
            records = new ArrayList<>(batch);
          }
        }
        if (!records.isEmpty() && failure == null) {
          submit(records);
        }
        slots.acquireUninterruptibly(inFlight); // every batch answered
      } finally {
        senders.shutdownNow();
      }
    }

    private void submit(List<RecordSource.Numbered> records) {
      slots.acquireUninterruptibly();
      long first = records.get(0).number();
      synchronized (this) {
        pending.add(first);
      }
      senders.execute(() -> {
        try {
          answered(first, records.get(records.size() - 1).number(), sendWithRetries(records));
        } catch (CommandStopped stopped) {
          failure = stopped.getMessage();
        } finally {
          slots.release();
        }
      });
    }

    /** Records a batch's answer; advances (and writes) the checkpoint over every batch answered in order. */
    private synchronized void answered(long first, long last, Answered answer) {
      answered.put(first, answer.through(last));
      bar.stepBy(answer.accepted() + answer.rejections().size());
      while (!pending.isEmpty() && answered.containsKey(pending.get(0))) {
        Answered done = answered.remove(pending.remove(0));
        checkpoint = checkpoint.advance(done.last(), done.accepted(), done.rejections());
      }
      if (checkpointAt != null) {
        try {
          checkpoint.write(checkpointAt);
        } catch (IOException e) {
          failure = "cannot write the checkpoint " + checkpointAt + ": " + e.getMessage();
        }
      }
    }

    private Answered sendWithRetries(List<RecordSource.Numbered> records) {
      StringBuilder body = new StringBuilder();
      for (RecordSource.Numbered record : records) {
        body.append(withCreated(record.line(), startedFrom.created())).append('\n');
      }
      String path = "/0.1/records/" + URLEncoder.encode(layer, StandardCharsets.UTF_8) + ".ndjson";
      HttpResponse<String> response = connection.send("POST", path, "application/x-ndjson", body.toString(), () -> failure != null);
      if (response.statusCode() != 202) {
        throw new CommandStopped(response.statusCode() + " " + response.body());
      }
      return Answered.of(response.body(), records);
    }
  }

  /** A batch's answer: records accepted, and the refused ones by their number in the source. */
  record Answered(long last, long accepted, List<Checkpoint.Rejection> rejections) {
    static Answered of(String body, List<RecordSource.Numbered> records) {
      try {
        JsonNode json = RecordSource.JSON.readTree(body);
        List<Checkpoint.Rejection> rejections = new ArrayList<>();
        json.path("rejected").forEach(r -> rejections.add(
            new Checkpoint.Rejection(records.get(r.path("line").asInt() - 1).number(), r.path("message").asText())));
        return new Answered(0, json.path("accepted").asLong(), rejections);
      } catch (IOException | IndexOutOfBoundsException e) {
        throw new CommandStopped("an answer not understood: " + body);
      }
    }

    Answered through(long last) {
      return new Answered(last, accepted, rejections);
    }
  }

  /**
   * {@code line} with {@code created} set to {@code created} when it has none, so that sending a
   * record twice (a retry, a resumed import) writes the same rows. A line that is not a JSON
   * object goes as it is: the server reports it.
   */
  static String withCreated(String line, long created) {
    try {
      JsonNode node = RecordSource.JSON.readTree(line);
      if (node instanceof ObjectNode feature && !feature.hasNonNull("created")) {
        feature.put("created", created);
        return RecordSource.JSON.writeValueAsString(feature);
      }
    } catch (IOException notJson) {
      // sent as it is, refused with its reason
    }
    return line;
  }
}
