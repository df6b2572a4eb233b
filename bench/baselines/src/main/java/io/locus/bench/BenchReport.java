package io.locus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The benchmark's bookkeeping, two commands:
 *
 * <ul>
 *   <li>{@code gatling RUN_DIR REQUEST SCENARIO SYSTEM GROUP [RECORDS_PER_REQUEST]}: reads one
 *       request's figures (count, failures, mean throughput, 50th and 99th percentile) from a
 *       Gatling HTML report and prints them as one JSON line;
 *   <li>{@code profile JFR_FILE SCENARIO CORES_JSON}: one JSON line with where the CPU went
 *       during a scenario: cores used per process (measured by the caller from /proc) and, unless
 *       JFR_FILE is {@code -}, the Locus JVM's samples by part ({@link Profile});
 *   <li>{@code report RESULTS_JSONL META_JSON OUT_PREFIX [PROFILES_JSONL]}: writes {@code
 *       OUT_PREFIX.json} (the machine, the versions, every figure and profile), {@code
 *       OUT_PREFIX.md} (Locus against each baseline as ratios, and where the CPU went) and
 *       {@code OUT_PREFIX.png} (throughput and p99 per scenario).
 * </ul>
 *
 * A figure is {@code {"scenario","system","group","throughput","recordsPerRequest","p50Ms",
 * "p99Ms","requests","errors"}}; throughput is requests per second; a latency of 0 was not measured.
 */
public final class BenchReport {
  /** Locus against a baseline: the Locus scenario, the baseline's, and what the row means. */
  record Comparison(String label, String locus, String baseline) {}

  static final List<Comparison> COMPARISONS =
      List.of(
          new Comparison("HTTP ceiling: read one record by id", "read by id", "HTTP ceiling"),
          new Comparison("HTTP ceiling: nearby, radius mix", "nearby mix", "HTTP ceiling"),
          new Comparison("nearby, radius mix", "nearby mix", "Redis GEOSEARCH mix"),
          new Comparison("nearby, radius mix", "nearby mix", "PostGIS ST_DWithin mix"),
          new Comparison("k-nearest 20", "k-nearest", "Redis GEOSEARCH k-nearest"),
          new Comparison("k-nearest 20", "k-nearest", "PostGIS KNN <->"),
          new Comparison("write one record", "ingest single", "RabbitMQ publish + confirm"),
          new Comparison("write one record", "ingest single", "Cassandra insert"),
          new Comparison("write one record, applied", "ingest single applied", "RabbitMQ publish + confirm"),
          new Comparison("write 100 records per request", "ingest bulk", "RabbitMQ publish + confirm"),
          new Comparison("write 100 records per request", "ingest bulk", "Cassandra insert"),
          new Comparison("write 100 records per request, applied", "ingest bulk applied", "RabbitMQ publish + confirm"),
          new Comparison("import a file (locus import, 500 records per request)", "import CLI", "ingest bulk"));

  private static final Pattern TITLE = Pattern.compile("<title>Gatling Stats - (.*?)</title>");

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 6 && args[0].equals("gatling")) {
      int perRequest = args.length > 6 ? Integer.parseInt(args[6]) : 1;
      System.out.println(gatling(Path.of(args[1]), args[2], args[3], args[4], args[5], perRequest).encode());
    } else if (args.length == 4 && args[0].equals("profile")) {
      System.out.println(
          new JsonObject()
              .put("scenario", args[2])
              .put("cores", new JsonObject(args[3]))
              .put("locus", args[1].equals("-") ? null : Profile.summarize(Path.of(args[1])))
              .encode());
    } else if ((args.length == 4 || args.length == 5) && args[0].equals("report")) {
      report(Path.of(args[1]), Path.of(args[2]), args[3], args.length == 5 ? Path.of(args[4]) : null);
    } else {
      System.err.println(
          "usage: BenchReport gatling RUN_DIR REQUEST SCENARIO SYSTEM GROUP [RECORDS_PER_REQUEST]\n"
              + "       BenchReport profile JFR_FILE SCENARIO CORES_JSON\n"
              + "       BenchReport report RESULTS_JSONL META_JSON OUT_PREFIX [PROFILES_JSONL]");
      System.exit(2);
    }
  }

  /** One request's figures from a Gatling report directory. */
  static JsonObject gatling(Path runDir, String request, String scenario, String system, String group, int perRequest)
      throws IOException {
    String page = requestPage(runDir, request);
    return new JsonObject()
        .put("scenario", scenario)
        .put("system", system)
        .put("group", group)
        .put("throughput", cell(page, "Mean count/s"))
        .put("recordsPerRequest", perRequest)
        .put("p50Ms", cell(page, "50th percentile"))
        .put("p99Ms", cell(page, "99th percentile"))
        .put("requests", (long) cell(page, "Total count"))
        .put("errors", (long) koCell(page, "Total count"));
  }

  private static String requestPage(Path runDir, String request) throws IOException {
    try (Stream<Path> files = Files.list(runDir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("req_")).toList()) {
        String page = Files.readString(file, StandardCharsets.UTF_8);
        Matcher title = TITLE.matcher(page);
        if (title.find() && title.group(1).equals(request)) {
          return page;
        }
      }
    }
    throw new IllegalArgumentException("no request named \"" + request + "\" in the Gatling report " + runDir);
  }

  /** The "total" column of the row titled {@code title} in a Gatling request page. */
  static double cell(String page, String title) {
    return number(page, title, "total");
  }

  private static double koCell(String page, String title) {
    return number(page, title, "ko");
  }

  private static double number(String page, String title, String column) {
    Matcher row =
        Pattern.compile(
                "<td class=\"title\">" + Pattern.quote(title) + "(?:</abbr>)?</td>.*?<td class=\"" + column + "\">([^<]*)</td>",
                Pattern.DOTALL)
            .matcher(page);
    if (!row.find()) {
      throw new IllegalArgumentException("no \"" + title + "\" row in the Gatling report");
    }
    String text = row.group(1).trim().replace(",", "");
    return text.equals("-") ? 0 : Double.parseDouble(text);
  }

  /** Writes the JSON, Markdown and chart of one benchmark run. */
  static void report(Path resultsJsonl, Path metaJson, String outPrefix, Path profilesJsonl) throws IOException {
    JsonArray figures = jsonLines(resultsJsonl);
    JsonArray profiles = profilesJsonl == null ? new JsonArray() : jsonLines(profilesJsonl);
    JsonObject meta = new JsonObject(Files.readString(metaJson, StandardCharsets.UTF_8));
    JsonObject all =
        meta.copy().put("figures", figures).put("comparisons", comparisons(figures)).put("profiles", profiles);
    Files.writeString(Path.of(outPrefix + ".json"), all.encodePrettily() + "\n", StandardCharsets.UTF_8);
    Path chart = Path.of(outPrefix + ".png");
    chart(figures, chart);
    String md = markdown(meta, figures, all.getJsonArray("comparisons"), chart) + cpu(profiles);
    Files.writeString(Path.of(outPrefix + ".md"), md, StandardCharsets.UTF_8);
  }

  private static JsonArray jsonLines(Path file) throws IOException {
    JsonArray lines = new JsonArray();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(new JsonObject(line));
      }
    }
    return lines;
  }

  /** Where the CPU went, per profiled scenario: cores per process, then the Locus JVM's parts. */
  static String cpu(JsonArray profiles) {
    if (profiles.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("\n## Where the CPU goes\n\n");
    md.append("Cores used by each process while the scenario ran (from /proc, 2 cores in all), then the ")
        .append("Locus JVM's CPU samples (JFR) by the part of the code they were in.\n\n");
    profiles.forEach(
        entry -> {
          JsonObject p = (JsonObject) entry;
          List<String> cores = new ArrayList<>();
          p.getJsonObject("cores").forEach(core -> cores.add(core.getKey() + " " + core.getValue()));
          md.append("- **").append(p.getString("scenario")).append("**: cores ").append(String.join(", ", cores));
          JsonObject locus = p.getJsonObject("locus");
          if (locus != null) {
            List<String> parts = new ArrayList<>();
            locus.getJsonObject("shares").forEach(share -> parts.add(share.getKey() + " " + share.getValue() + "%"));
            md.append(". Locus JVM (").append(locus.getInteger("samples")).append(" samples, GC pauses ")
                .append(locus.getValue("gcPauseMsPerSecond")).append(" ms/s): ")
                .append(String.join(", ", parts.subList(0, Math.min(8, parts.size()))));
          }
          md.append(".\n");
        });
    return md.toString();
  }

  static JsonArray comparisons(JsonArray figures) {
    JsonArray rows = new JsonArray();
    for (Comparison comparison : COMPARISONS) {
      Optional<JsonObject> locus = find(figures, comparison.locus());
      Optional<JsonObject> baseline = find(figures, comparison.baseline());
      if (locus.isEmpty() || baseline.isEmpty()) {
        continue;
      }
      double locusRate = recordsPerSecond(locus.get());
      double baselineRate = recordsPerSecond(baseline.get());
      rows.add(
          new JsonObject()
              .put("label", comparison.label())
              .put("locus", comparison.locus())
              .put("baseline", comparison.baseline())
              .put("throughputRatio", ratio(locusRate, baselineRate))
              .put("p50Ratio", latencyRatio(locus.get().getDouble("p50Ms"), baseline.get().getDouble("p50Ms")))
              .put("p99Ratio", latencyRatio(locus.get().getDouble("p99Ms"), baseline.get().getDouble("p99Ms"))));
    }
    return rows;
  }

  private static Optional<JsonObject> find(JsonArray figures, String scenario) {
    return figures.stream().map(JsonObject.class::cast).filter(f -> f.getString("scenario").equals(scenario)).findFirst();
  }

  /** Records (not requests) per second: a bulk request carries many. */
  static double recordsPerSecond(JsonObject figure) {
    return figure.getDouble("throughput") * figure.getInteger("recordsPerRequest", 1);
  }

  private static Double ratio(double a, double b) {
    return b == 0 ? null : Math.round(a / b * 1000) / 1000.0;
  }

  /** A ratio of latencies; none when either was not measured (0, as for the import CLI, which times whole runs). */
  private static Double latencyRatio(double a, double b) {
    return a == 0 ? null : ratio(a, b);
  }

  static String markdown(JsonObject meta, JsonArray figures, JsonArray comparisons, Path chart) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark, ").append(meta.getString("date")).append("\n\n");
    JsonObject machine = meta.getJsonObject("machine", new JsonObject());
    md.append("Machine: ").append(machine.getString("cpu", "?")).append(", ")
        .append(machine.getValue("cores", "?")).append(" cores, ")
        .append(machine.getValue("memoryGiB", "?")).append(" GiB; everything (Locus, RabbitMQ, Cassandra, Redis, ")
        .append("PostgreSQL, the baseline server and Gatling) on it at once. ")
        .append(meta.getString("notes", "")).append("\n\n");
    JsonObject versions = meta.getJsonObject("versions", new JsonObject());
    md.append("Versions: ");
    List<String> parts = new ArrayList<>();
    versions.forEach(entry -> parts.add(entry.getKey() + " " + entry.getValue()));
    md.append(String.join(", ", parts)).append(".\n\n");
    md.append("## Locus against each baseline\n\n");
    md.append("Throughput ratio = Locus records/s ÷ baseline records/s (1.0 = as fast; below 1 = slower). ")
        .append("p50/p99 ratio = Locus latency ÷ baseline latency (above 1 = slower).\n\n");
    md.append("| comparison | Locus scenario | baseline | throughput ratio | p50 ratio | p99 ratio |\n");
    md.append("|---|---|---|---|---|---|\n");
    comparisons.forEach(
        row -> {
          JsonObject r = (JsonObject) row;
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n",
              r.getString("label"), r.getString("locus"), r.getString("baseline"),
              orNa(r.getValue("throughputRatio")), orNa(r.getValue("p50Ratio")), orNa(r.getValue("p99Ratio"))));
        });
    md.append("\n## Every figure\n\n");
    md.append("| scenario | system | req/s | records/s | p50 ms | p99 ms | requests | errors |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    figures.forEach(
        figure -> {
          JsonObject f = (JsonObject) figure;
          md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.1f | %.1f | %d | %d |%n",
              f.getString("scenario"), f.getString("system"), f.getDouble("throughput"), recordsPerSecond(f),
              f.getDouble("p50Ms"), f.getDouble("p99Ms"), f.getLong("requests"), f.getLong("errors")));
        });
    md.append("\n![throughput and p99 per scenario](").append(chart.getFileName()).append(")\n");
    return md.toString();
  }

  /** A ratio, or "n/a" where the baseline's figure was 0 (Gatling counts whole milliseconds). */
  private static String orNa(Object ratio) {
    return ratio == null ? "n/a" : ratio.toString();
  }

  /** Two bar charts, one above the other: records/s and p99 per scenario, log scale, a colour per system. */
  static void chart(JsonArray figures, Path png) throws IOException {
    DefaultCategoryDataset throughput = new DefaultCategoryDataset();
    DefaultCategoryDataset p99 = new DefaultCategoryDataset();
    List<String> systems = new ArrayList<>();
    figures.forEach(
        figure -> {
          JsonObject f = (JsonObject) figure;
          throughput.addValue(Math.max(1, recordsPerSecond(f)), "records/s", f.getString("scenario"));
          p99.addValue(Math.max(0.1, f.getDouble("p99Ms")), "p99 ms", f.getString("scenario"));
          systems.add(f.getString("system"));
        });
    int width = 1400;
    int height = 1300;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    bars("Throughput (records/s, log scale; higher is better)", "records/s", throughput, systems)
        .draw(g, new Rectangle2D.Double(0, 0, width, height / 2.0));
    bars("p99 latency (ms, log scale; lower is better)", "ms", p99, systems)
        .draw(g, new Rectangle2D.Double(0, height / 2.0, width, height / 2.0));
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf)
  };

  private static JFreeChart bars(String title, String axis, DefaultCategoryDataset data, List<String> systems) {
    JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL, false, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    List<String> distinct = systems.stream().distinct().toList();
    BarRenderer renderer =
        new BarRenderer() {
          @Override
          public java.awt.Paint getItemPaint(int row, int column) {
            return PALETTE[distinct.indexOf(systems.get(column)) % PALETTE.length];
          }
        };
    renderer.setIncludeBaseInRange(false); // a log axis has no zero to start the bars from
    renderer.setBase(0.1);
    renderer.setShadowVisible(false);
    renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
    renderer.setDefaultItemLabelGenerator(
        new org.jfree.chart.labels.StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("#,##0.#")));
    renderer.setDefaultItemLabelsVisible(true);
    plot.setRenderer(renderer);
    LogAxis log = new LogAxis(axis);
    log.setSmallestValue(0.1);
    log.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
    plot.setRangeAxis(log);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.GRAY);
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    org.jfree.chart.LegendItemCollection legend = new org.jfree.chart.LegendItemCollection();
    for (int i = 0; i < distinct.size(); i++) {
      legend.add(new org.jfree.chart.LegendItem(distinct.get(i), PALETTE[i % PALETTE.length]));
    }
    plot.setFixedLegendItems(legend);
    chart.addLegend(new org.jfree.chart.title.LegendTitle(plot));
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }
}
