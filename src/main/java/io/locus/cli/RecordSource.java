package io.locus.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The records of an import file, one GeoJSON Feature at a time, each numbered from 1 as the
 * report names it (the line of an NDJSON or CSV file, the position in a FeatureCollection). A
 * record that cannot be read as a Feature still comes through, as text the server will refuse
 * with its reason, so that one bad record never stops the others. Memory stays flat whatever
 * the file's size.
 */
public abstract class RecordSource implements Closeable {
  /** Reads and writes numbers with the digits they came with (no binary floating point between). */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  /** The formats an import reads. */
  public enum Format {
    /** One Feature (with its {@code id}) a line. */
    NDJSON,
    /** A GeoJSON FeatureCollection, read as a stream. */
    GEOJSON,
    /** A header line, then a record a line with latitude and longitude columns. */
    CSV;

    /** The format a file's name says: {@code .csv}, {@code .geojson}/{@code .json}, else NDJSON. */
    public static Format of(String fileName) {
      String name = fileName.toLowerCase(Locale.ROOT);
      if (name.endsWith(".csv")) {
        return CSV;
      }
      return name.endsWith(".geojson") || name.endsWith(".json") ? GEOJSON : NDJSON;
    }
  }

  /** One record: its number in the source and its Feature as one line of JSON. */
  public record Numbered(long number, String line) {}

  /** CSV column names: the latitude, the longitude and the id (every other column is a property). */
  public record Columns(String lat, String lon, String id) {}

  /** The next record, or null at the end. */
  public abstract Numbered next() throws IOException;

  /** A source of {@code format} reading {@code reader}. */
  public static RecordSource open(Format format, Reader reader, Columns columns) throws IOException {
    return switch (format) {
      case NDJSON -> new Lines(new BufferedReader(reader));
      case GEOJSON -> new Collection(JSON.createParser(reader));
      case CSV -> new Csv(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get().parse(reader), columns);
    };
  }

  /** NDJSON: each non-blank line as it is (the server validates it). */
  private static final class Lines extends RecordSource {
    private final BufferedReader reader;
    private long number;

    Lines(BufferedReader reader) {
      this.reader = reader;
    }

    @Override
    public Numbered next() throws IOException {
      String line;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          return new Numbered(number, line.strip());
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /** A FeatureCollection: the members of its {@code features} array, one at a time. */
  private static final class Collection extends RecordSource {
    private final JsonParser parser;
    private long number;
    private boolean inFeatures;

    Collection(JsonParser parser) {
      this.parser = parser;
    }

    @Override
    public Numbered next() throws IOException {
      if (!inFeatures && !findFeatures()) {
        return null;
      }
      JsonToken token = parser.nextToken();
      if (token == null || token == JsonToken.END_ARRAY) {
        return null;
      }
      number++;
      JsonNode feature = JSON.readTree(parser);
      return new Numbered(number, JSON.writeValueAsString(feature));
    }

    /** Moves to the start of the top-level {@code features} array; false when there is none. */
    private boolean findFeatures() throws IOException {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a GeoJSON file must hold one FeatureCollection object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("features") && value == JsonToken.START_ARRAY) {
          inFeatures = true;
          return true;
        }
        parser.skipChildren();
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  /** CSV: a Point Feature from the latitude and longitude columns; the id column as id; the rest as properties. */
  private static final class Csv extends RecordSource {
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Columns columns;

    Csv(CSVParser parser, Columns columns) throws IOException {
      this.parser = parser;
      this.records = parser.iterator();
      this.columns = columns;
      for (String required : new String[] {columns.lat(), columns.lon(), columns.id()}) {
        if (!parser.getHeaderMap().containsKey(required)) {
          throw new IOException("the CSV header has no column '" + required + "' (it has " + parser.getHeaderNames() + ")");
        }
      }
    }

    @Override
    public Numbered next() {
      if (!records.hasNext()) {
        return null;
      }
      CSVRecord record = records.next();
      ObjectNode feature = JSON.createObjectNode().put("type", "Feature");
      feature.put("id", value(record, columns.id()));
      ObjectNode point = feature.putObject("geometry").put("type", "Point");
      ArrayNode coordinates = point.putArray("coordinates");
      coordinates.add(value(record, columns.lon())).add(value(record, columns.lat())); // numeric strings: the server reads them
      ObjectNode properties = feature.putObject("properties");
      for (Map.Entry<String, String> column : record.toMap().entrySet()) {
        String name = column.getKey();
        if (!name.equals(columns.lat()) && !name.equals(columns.lon()) && !name.equals(columns.id())) {
          properties.put(name, column.getValue());
        }
      }
      // a CSV line is its record's number (the header is line 1)
      return new Numbered(record.getRecordNumber() + 1, feature.toString());
    }

    private static String value(CSVRecord record, String column) {
      return record.isSet(column) ? record.get(column) : "";
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }
}
