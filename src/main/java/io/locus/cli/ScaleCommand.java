package io.locus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar locus.jar scale ROLE INSTANCES [--node NODE]}: runs {@code INSTANCES}
 * verticle instances of {@code ROLE} on every node of the cluster that runs the role (or on
 * {@code NODE} alone), through {@code PUT /admin/roles/{role}} with the admin key, and prints
 * each node's roles as they stand after. Instances removed drain first, so it can take up to the
 * nodes' shutdown deadline. Exit code 0 done, 1 refused or unanswered, 2 bad arguments.
 */
@Command(name = "scale", description = "Scale a role's verticle instances on every node that runs it, or on one node.")
public final class ScaleCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
  boolean help;

  @Parameters(index = "0", description = "the role: api, publisher, writer or query")
  String role;

  @Parameters(index = "1", description = "the instances each node should run")
  int instances;

  @Option(names = "--node", description = "the one node to scale, as GET /admin/roles names it (default: every node that runs the role)")
  String node;

  @Option(names = "--url", description = "the node to send to (default: this configuration's http.port on loopback, or http.publicBaseUrl)")
  String url;

  @Option(names = "--admin-key", description = "the admin key (default: the configuration's auth.adminKey)")
  String adminKey;

  private final NodeDefaults defaults;
  private final PrintStream out;
  private final PrintStream err;

  /** The command with the defaults of a node's configuration; it reports to {@code out} and {@code err}. */
  public ScaleCommand(NodeDefaults defaults, PrintStream out, PrintStream err) {
    this.defaults = defaults;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    String key = adminKey != null ? adminKey : defaults.adminKey();
    if (key.isEmpty()) {
      err.println("locus scale: no admin key: give --admin-key (the configuration has no auth.adminKey)");
      return 2;
    }
    String base = url != null ? url : defaults.url();
    String target =
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
            + "/admin/roles/" + URLEncoder.encode(role, StandardCharsets.UTF_8)
            + (node == null ? "" : "?node=" + URLEncoder.encode(node, StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(target))
            .timeout(Duration.ofMinutes(2))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"instances\":" + instances + "}"))
            .build();
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("locus scale: no answer from " + base + " (" + e + ")");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    if (response.statusCode() != 200) {
      err.println("locus scale: " + response.statusCode() + " " + response.body());
      return 1;
    }
    try {
      for (JsonNode scaled : RecordSource.JSON.readTree(response.body()).path("nodes")) {
        out.println(scaled.path("node").asText() + ": " + scaled.path("roles"));
      }
    } catch (IOException e) {
      err.println("locus scale: an answer that is not JSON: " + response.body());
      return 1;
    }
    return 0;
  }
}
