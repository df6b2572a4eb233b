package io.locus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an import stands, kept in a file beside its input so that running the same import again
 * resumes it: the records done (every one up to that number answered, accepted or rejected),
 * the counts so far, the rejections, and the time stamped as {@code created} on records that
 * carry none, so that a record sent again writes the same rows. Written whole to a temporary
 * file and renamed over the old one, so a crash leaves the old or the new checkpoint, never half.
 *
 * @param layer the layer imported into (a checkpoint of another layer is not resumed)
 * @param done every record numbered up to this one has its answer
 * @param accepted records the server accepted so far
 * @param rejected the rejections so far, at most {@link #MAX_KEPT} of them
 * @param rejectedCount every rejection so far
 * @param created the epoch seconds stamped on records without {@code created}
 */
public record Checkpoint(String layer, long done, long accepted, List<Rejection> rejected, long rejectedCount, long created) {
  /** Rejections kept for the report; the count goes on past them. */
  static final int MAX_KEPT = 1_000;

  /** A record the server refused: its number in the source and why. */
  public record Rejection(long number, String message) {}

  /** A fresh import's checkpoint. */
  static Checkpoint start(String layer, long created) {
    return new Checkpoint(layer, 0, 0, List.of(), 0, created);
  }

  /** This checkpoint advanced past the records up to {@code done}, with their answers. */
  Checkpoint advance(long done, long accepted, List<Rejection> rejections) {
    List<Rejection> kept = new ArrayList<>(rejected);
    for (Rejection rejection : rejections) {
      if (kept.size() < MAX_KEPT) {
        kept.add(rejection);
      }
    }
    return new Checkpoint(layer, done, this.accepted + accepted, List.copyOf(kept), rejectedCount + rejections.size(), created);
  }

  /** The checkpoint in {@code file}, or null when there is none. */
  static Checkpoint read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    JsonNode json = RecordSource.JSON.readTree(file.toFile());
    List<Rejection> rejected = new ArrayList<>();
    json.path("rejected").forEach(r -> rejected.add(new Rejection(r.path("line").asLong(), r.path("message").asText())));
    return new Checkpoint(
        json.path("layer").asText(),
        json.path("done").asLong(),
        json.path("accepted").asLong(),
        List.copyOf(rejected),
        json.path("rejectedCount").asLong(),
        json.path("created").asLong());
  }

  /** Writes this checkpoint to {@code file}, atomically. */
  void write(Path file) throws IOException {
    ObjectNode json =
        RecordSource.JSON.createObjectNode()
            .put("layer", layer)
            .put("done", done)
            .put("accepted", accepted)
            .put("rejectedCount", rejectedCount)
            .put("created", created);
    ArrayNode list = json.putArray("rejected");
    rejected.forEach(r -> list.addObject().put("line", r.number()).put("message", r.message()));
    writeAtomically(file, json);
  }

  /** Writes {@code json} to a temporary file beside {@code file} and renames it over {@code file}. */
  static void writeAtomically(Path file, JsonNode json) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    RecordSource.JSON.writeValue(temporary.toFile(), json);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
