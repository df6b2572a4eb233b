package io.locus.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.locus.LocusConfig;
import io.locus.common.ConfigException;
import io.locus.common.EnvOverrides;
import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.Metrics;
import io.locus.ops.OpsRoutes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders each kustomize overlay under {@code k8s/overlays} with {@code kubectl kustomize} and
 * checks that what Kubernetes would run agrees with the application: the probe paths it serves,
 * the configuration keys its environment variables override, the Hazelcast discovery it joins
 * through, the shard queues its writers consume, the Secrets it needs, and the metrics its alerts
 * read.
 *
 * <p>Needs {@code kubectl} on the PATH (Debian: {@code apt-get install kubernetes-client}); {@code
 * -Dkubectl=/path/to/kubectl} picks another binary.
 */
@DisplayName("Kubernetes manifests (k8s/overlays)")
class KubernetesManifestsIT {

  /** The paths every node serves without credentials, from the router's own list. */
  private static final List<String> PROBE_PATHS = OpsRoutes.PATHS;

  /**
   * Secrets the manifests reference without defining them in production: they must exist in the
   * namespace before {@code kubectl apply -k}. Each is documented (with its keys) in k8s/README.md.
   */
  private static final Set<String> REQUIRED_EXTERNAL_SECRETS = Set.of("locus-secrets");

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path PRODUCTION_EXAMPLE = ROOT.resolve("conf/locus.production.example.json");
  private static final Path HAZELCAST_XML = ROOT.resolve("conf/hazelcast-kubernetes.xml");
  private static final Path K8S_README = ROOT.resolve("k8s/README.md");
  private static final String CONFIG_MOUNT = "/etc/locus";
  private static final long KUBECTL_TIMEOUT_SECONDS = 120;
  /** Stands for a value that only the pod will know (the downward API). */
  private static final String POD_IP = "10.0.0.1";

  private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------------------------------------
  // The invariants

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("renders a Deployment per role, the Services, autoscalers and budgets, all in one namespace")
  void rendersEveryPiece(String overlay) {
    Manifests m = manifests(overlay);
    assertThat(m.names("Deployment")).containsExactlyInAnyOrder("locus-api", "locus-writer", "locus-query");
    assertThat(m.names("Service")).contains("locus-api", "locus-hazelcast");
    assertThat(m.names("HorizontalPodAutoscaler")).contains("locus-api");
    assertThat(m.names("ScaledObject")).contains("locus-writer");
    assertThat(m.names("PodDisruptionBudget")).hasSize(3);
    assertThat(m.names("Namespace")).as("%s defines its namespace", overlay).hasSize(1);
    String namespace = m.names("Namespace").get(0);
    for (Map<String, Object> object : m.objects) {
      if (!str(object, "kind").equals("Namespace")) {
        assertThat(get(object, "metadata", "namespace"))
            .as("%s %s is in the overlay's namespace", str(object, "kind"), str(object, "metadata", "name"))
            .isEqualTo(namespace);
      }
    }
    for (Map<String, Object> deployment : m.all("Deployment")) {
      String component = str(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/component");
      assertThat(str(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"))
          .isEqualTo("locus");
      for (Map<String, Object> container : containers(deployment)) {
        List<String> roles = m.effectiveConfig(container).getJsonArray("roles").getList();
        assertThat(roles).as("%s runs the role it is labelled with", name(deployment)).contains(component);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("probes and metrics use the paths the app serves, on its HTTP port")
  void probesUseServedPaths(String overlay) {
    Manifests m = manifests(overlay);
    for (Map<String, Object> deployment : m.all("Deployment")) {
      for (Map<String, Object> container : containers(deployment)) {
        int httpPort = m.effectiveConfig(container).getJsonObject("http").getInteger("port");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          String what = name(deployment) + " " + probe;
          assertThat(container.get(probe)).as(what).isNotNull();
          Object path = get(container, probe, "httpGet", "path");
          assertThat(path).as("%s path", what).isIn(PROBE_PATHS.toArray());
          assertThat(resolvePort(container, get(container, probe, "httpGet", "port")))
              .as("%s port is http.port", what)
              .isEqualTo(httpPort);
        }
        assertThat(get(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
        assertThat(get(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
        Map<String, Object> annotations = map(get(deployment, "spec", "template", "metadata", "annotations"));
        assertThat(annotations)
            .as("%s Prometheus annotations", name(deployment))
            .containsEntry("prometheus.io/scrape", "true")
            .containsEntry("prometheus.io/path", "/metrics")
            .containsEntry("prometheus.io/port", Integer.toString(httpPort));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("every LOCUS_* variable overrides a real key, and each pod's configuration is valid")
  void environmentOverridesRealKeys(String overlay) {
    Manifests m = manifests(overlay);
    Set<String> variables = new TreeSet<>();
    leafPaths(example(), "").forEach(path -> variables.add(EnvOverrides.variableFor(path)));
    for (Map<String, Object> deployment : m.all("Deployment")) {
      assertThat(get(deployment, "spec", "template", "spec", "enableServiceLinks"))
          .as("%s: Service links would add LOCUS_<SERVICE>_PORT variables", name(deployment))
          .isEqualTo(false);
      for (Map<String, Object> container : containers(deployment)) {
        for (Map<String, Object> env : maps(container.get("env"))) {
          String variable = str(env, "name");
          if (variable.startsWith("LOCUS_") && !variable.equals("LOCUS_CONFIG")) {
            assertThat(variables)
                .as("%s: %s must be EnvOverrides.variableFor(a leaf key of %s)", name(deployment), variable, PRODUCTION_EXAMPLE.getFileName())
                .contains(variable);
          }
        }
        JsonObject config;
        try {
          config = m.effectiveConfig(container);
          LocusConfig.validate(config);
        } catch (ConfigException e) {
          throw new AssertionError(name(deployment) + " would not start: " + e.getMessage(), e);
        }
        assertThat(config.getString("profile")).isEqualTo("production");
        assertThat(config.getJsonObject("cluster").getBoolean("enabled")).isTrue();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("selectors match the pods they mean")
  void selectorsMatchPods(String overlay) {
    Manifests m = manifests(overlay);
    for (Map<String, Object> deployment : m.all("Deployment")) {
      assertThat(podLabels(deployment))
          .as("%s pod labels contain its selector", name(deployment))
          .containsAllEntriesOf(stringMap(get(deployment, "spec", "selector", "matchLabels")));
    }
    for (Map<String, Object> service : m.all("Service")) {
      Map<String, String> selector = stringMap(get(service, "spec", "selector"));
      assertThat(selector).as("Service %s has a selector", name(service)).isNotEmpty();
      assertThat(m.deploymentsSelectedBy(selector)).as("Service %s selects pods", name(service)).isNotEmpty();
    }
    assertThat(m.deploymentsSelectedBy(stringMap(get(m.one("Service", "locus-api"), "spec", "selector"))))
        .as("the API Service selects only api pods")
        .containsExactly("locus-api");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("autoscalers and disruption budgets target existing Deployments")
  void scalersAndBudgetsTargetDeployments(String overlay) {
    Manifests m = manifests(overlay);
    Map<String, String> scaledBy = new HashMap<>();
    for (String kind : List.of("HorizontalPodAutoscaler", "ScaledObject")) {
      for (Map<String, Object> scaler : m.all(kind)) {
        String target = str(scaler, "spec", "scaleTargetRef", "name");
        Object targetKind = get(scaler, "spec", "scaleTargetRef", "kind");
        assertThat(targetKind == null ? "Deployment" : targetKind).isEqualTo("Deployment");
        assertThat(m.names("Deployment")).as("%s %s target", kind, name(scaler)).contains(target);
        assertThat(scaledBy.put(target, kind + " " + name(scaler)))
            .as("%s is scaled by one autoscaler only", target)
            .isNull();
        assertThat(get(m.one("Deployment", target), "spec", "replicas"))
            .as("%s sets no replicas: %s owns the count", target, kind)
            .isNull();
      }
    }
    for (Map<String, Object> hpa : m.all("HorizontalPodAutoscaler")) {
      assertThat(integer(hpa, "spec", "minReplicas")).isBetween(1, integer(hpa, "spec", "maxReplicas"));
    }
    for (Map<String, Object> pdb : m.all("PodDisruptionBudget")) {
      assertThat(m.deploymentsSelectedBy(stringMap(get(pdb, "spec", "selector", "matchLabels"))))
          .as("PodDisruptionBudget %s selects pods", name(pdb))
          .hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("the Hazelcast headless Service is the one conf/hazelcast-kubernetes.xml discovers")
  void hazelcastServiceMatchesTheXml(String overlay) throws Exception {
    Manifests m = manifests(overlay);
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(HAZELCAST_XML.toFile());
    Element kubernetes = only(xml.getElementsByTagName("kubernetes"), "<kubernetes> join");
    assertThat(kubernetes.getAttribute("enabled")).isEqualTo("true");
    for (String other : List.of("tcp-ip", "multicast")) {
      Element join = only(xml.getElementsByTagName(other), "<" + other + ">");
      assertThat(join.getAttribute("enabled")).as("%s join is off", other).isEqualTo("false");
    }
    String serviceName = only(kubernetes.getElementsByTagName("service-name"), "<service-name>").getTextContent().trim();
    NodeList ports = xml.getElementsByTagName("port");
    int xmlPort = ports.getLength() == 0 ? 5701 : Integer.parseInt(ports.item(0).getTextContent().trim());

    Map<String, Object> service = m.one("Service", serviceName);
    assertThat(get(service, "spec", "clusterIP")).as("%s is headless", serviceName).isEqualTo("None");
    assertThat(get(service, "spec", "publishNotReadyAddresses")).as("%s publishes pods before they are ready", serviceName).isEqualTo(true);
    List<Map<String, Object>> servicePorts = maps(get(service, "spec", "ports"));
    assertThat(servicePorts).hasSize(1);
    assertThat(integer(servicePorts.get(0), "port")).isEqualTo(xmlPort);
    assertThat(m.deploymentsSelectedBy(stringMap(get(service, "spec", "selector"))))
        .as("%s selects every Locus pod", serviceName)
        .containsExactlyInAnyOrderElementsOf(m.names("Deployment"));

    for (Map<String, Object> deployment : m.all("Deployment")) {
      for (Map<String, Object> container : containers(deployment)) {
        JsonObject cluster = m.effectiveConfig(container).getJsonObject("cluster");
        String what = name(deployment);
        assertThat(cluster.getInteger("hazelcastPort")).as("%s cluster.hazelcastPort", what).isEqualTo(xmlPort);
        assertThat(resolvePort(container, get(servicePorts.get(0), "targetPort")))
            .as("%s: the Service's targetPort", what)
            .isEqualTo(xmlPort);
        assertThat(cluster.getJsonArray("members"))
            .as("%s cluster.members is empty: a member list would turn TCP-IP join on next to Kubernetes", what)
            .isEmpty();
        assertThat(cluster.getInteger("eventBusPort")).as("%s fixes the event-bus port", what).isPositive();
        assertThat(containerPorts(container)).as("%s declares the event-bus port", what).contains(cluster.getInteger("eventBusPort"));
        assertThat(cluster.getString("publicHost")).as("%s advertises its pod IP", what).isEqualTo(POD_IP);
        assertThat(m.mountedFile(deployment, container, cluster.getString("hazelcastConfig")))
            .as("%s cluster.hazelcastConfig is the mounted hazelcast-kubernetes.xml", what)
            .isEqualTo(Files.readString(HAZELCAST_XML, StandardCharsets.UTF_8));
      }
      String account = str(deployment, "spec", "template", "spec", "serviceAccountName");
      assertThat(m.canList(account, "", "endpoints") || m.canList(account, "discovery.k8s.io", "endpointslices"))
          .as("%s's service account %s may read the Service's endpoints", name(deployment), account)
          .isTrue();
      assertThat(m.canList(account, "", "pods")).as("%s may read pods", account).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("every container is bounded and unprivileged")
  void containersAreBoundedAndUnprivileged(String overlay) {
    Manifests m = manifests(overlay);
    for (Map<String, Object> deployment : m.all("Deployment")) {
      Map<String, Object> pod = map(get(deployment, "spec", "template", "spec"));
      Map<String, Object> podSecurity = map(pod.getOrDefault("securityContext", Map.of()));
      for (Map<String, Object> container : containers(deployment)) {
        String what = name(deployment) + "/" + str(container, "name");
        for (String bound : List.of("requests", "limits")) {
          assertThat(map(get(container, "resources", bound)).keySet())
              .as("%s resources.%s", what, bound)
              .contains("cpu", "memory");
        }
        Map<String, Object> security = map(container.getOrDefault("securityContext", Map.of()));
        Object runAsNonRoot = security.getOrDefault("runAsNonRoot", podSecurity.get("runAsNonRoot"));
        Object runAsUser = security.getOrDefault("runAsUser", podSecurity.get("runAsUser"));
        assertThat(runAsNonRoot).as("%s runAsNonRoot", what).isEqualTo(true);
        assertThat(runAsUser).as("%s runAsUser", what).isNotNull();
        assertThat(((Number) runAsUser).intValue()).as("%s runAsUser", what).isNotZero();
        assertThat(security.get("allowPrivilegeEscalation")).as("%s allowPrivilegeEscalation", what).isEqualTo(false);
        assertThat(security.get("readOnlyRootFilesystem")).as("%s readOnlyRootFilesystem", what).isEqualTo(true);
        assertThat(list(get(container, "securityContext", "capabilities", "drop"), String.class))
            .as("%s drops every capability", what)
            .contains("ALL");
        Object seccomp = get(container, "securityContext", "seccompProfile", "type");
        assertThat(seccomp != null ? seccomp : get(podSecurity, "seccompProfile", "type"))
            .as("%s seccomp", what)
            .isEqualTo("RuntimeDefault");
        assertThat(m.mountPaths(container)).as("%s has a writable /tmp", what).contains("/tmp");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("the ConfigMap at /etc/locus carries the production example and the Kubernetes Hazelcast XML")
  void configMapCarriesTheShippedFiles(String overlay) throws IOException {
    Manifests m = manifests(overlay);
    for (Map<String, Object> deployment : m.all("Deployment")) {
      for (Map<String, Object> container : containers(deployment)) {
        String what = name(deployment);
        Map<String, Object> configMap = m.configMapMountedAt(deployment, container, CONFIG_MOUNT);
        Map<String, Object> data = map(configMap.get("data"));
        assertThat(data).as("%s: ConfigMap %s", what, name(configMap)).containsKeys("locus.json", "hazelcast.xml");
        assertThat(new JsonObject((String) data.get("locus.json")))
            .as("%s: locus.json is conf/locus.production.example.json", what)
            .isEqualTo(example());
        assertThat(data.get("hazelcast.xml")).isEqualTo(Files.readString(HAZELCAST_XML, StandardCharsets.UTF_8));
        String configFile = m.env(container).get("LOCUS_CONFIG");
        assertThat(configFile).as("%s LOCUS_CONFIG", what).isEqualTo(CONFIG_MOUNT + "/locus.json");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("writers scale on exactly the shard queues, never past one active writer per shard")
  void writerScalingStaysWithinTheShards(String overlay) {
    Manifests m = manifests(overlay);
    Map<String, Object> scaledObject = m.one("ScaledObject", "locus-writer");
    Map<String, Object> writer = m.one("Deployment", str(scaledObject, "spec", "scaleTargetRef", "name"));
    Map<String, Object> container = containers(writer).get(0);
    JsonObject config = m.effectiveConfig(container);
    RabbitSettings rabbitmq = RabbitSettings.from(config.getJsonObject("rabbitmq"));
    QueueTopology topology = new QueueTopology(rabbitmq);
    int exampleShards = example().getJsonObject("rabbitmq").getInteger("shards");
    int writerInstances = config.getJsonObject("instances").getInteger("writer");

    int max = integer(scaledObject, "spec", "maxReplicaCount");
    Integer min = (Integer) get(scaledObject, "spec", "minReplicaCount");
    assertThat(max).as("maxReplicaCount <= rabbitmq.shards of the production example").isLessThanOrEqualTo(exampleShards);
    assertThat(max * writerInstances)
        .as("maxReplicaCount x instances.writer <= rabbitmq.shards (one active consumer per shard queue)")
        .isLessThanOrEqualTo(rabbitmq.shards());
    assertThat(min == null ? 0 : min).isBetween(1, max);

    List<Map<String, Object>> triggers = maps(get(scaledObject, "spec", "triggers"));
    assertThat(triggers).hasSize(1);
    Map<String, Object> trigger = map(triggers.get(0));
    assertThat(trigger.get("type")).isEqualTo("rabbitmq");
    Map<String, Object> metadata = map(trigger.get("metadata"));
    assertThat(metadata).containsEntry("mode", "QueueLength").containsEntry("useRegex", "true").containsEntry("operation", "sum");
    assertThat(metadata).as("useRegex needs the management API").containsEntry("protocol", "http");
    assertThat(metadata.get("vhostName")).as("vhostName is rabbitmq.virtualHost").isEqualTo(rabbitmq.virtualHost());
    assertThat(Integer.parseInt((String) metadata.get("pageSize"))).as("one page holds every shard queue").isGreaterThanOrEqualTo(rabbitmq.shards());
    Pattern queues = Pattern.compile((String) metadata.get("queueName"));
    for (int shard = 0; shard < rabbitmq.shards(); shard++) {
      assertThat(queues.matcher(topology.shardQueue(shard)).find()).as("queueName matches %s", topology.shardQueue(shard)).isTrue();
    }
    assertThat(queues.matcher(topology.deadLetterQueue()).find()).as("queueName skips the dead letters").isFalse();
    assertThat(queues.matcher(topology.exchange()).find()).isFalse();

    String auth = str(trigger, "authenticationRef", "name");
    Map<String, Object> triggerAuth = m.one("TriggerAuthentication", auth);
    Set<String> parameters =
        maps(get(triggerAuth, "spec", "secretTargetRef")).stream().map(ref -> (String) ref.get("parameter")).collect(Collectors.toSet());
    assertThat(parameters).as("TriggerAuthentication %s", auth).contains("host");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("every Secret referenced is defined by the overlay or a documented external Secret")
  void secretReferencesResolve(String overlay) throws IOException {
    Manifests m = manifests(overlay);
    String readme = Files.readString(K8S_README, StandardCharsets.UTF_8);
    List<String[]> references = new ArrayList<>(); // {secret, key, where}
    for (Map<String, Object> deployment : m.all("Deployment")) {
      for (Map<String, Object> container : containers(deployment)) {
        for (Map<String, Object> env : maps(container.get("env"))) {
          Object ref = get(env, "valueFrom", "secretKeyRef");
          if (ref != null) {
            references.add(new String[] {str(ref, "name"), str(ref, "key"), name(deployment) + " " + str(env, "name")});
          }
        }
        for (Map<String, Object> from : maps(container.get("envFrom"))) {
          Object ref = from.get("secretRef");
          if (ref != null) {
            references.add(new String[] {str(ref, "name"), null, name(deployment) + " envFrom"});
          }
        }
      }
    }
    for (Map<String, Object> auth : m.all("TriggerAuthentication")) {
      for (Map<String, Object> ref : maps(get(auth, "spec", "secretTargetRef"))) {
        references.add(new String[] {str(ref, "name"), str(ref, "key"), "TriggerAuthentication " + name(auth)});
      }
    }
    assertThat(references).isNotEmpty();
    for (String[] reference : references) {
      String secret = reference[0];
      String key = reference[1];
      Map<String, String> defined = m.secrets().get(secret);
      if (defined != null) {
        if (key != null) {
          assertThat(defined).as("%s: Secret %s defined in %s has key %s", reference[2], secret, overlay, key).containsKey(key);
        }
      } else {
        assertThat(REQUIRED_EXTERNAL_SECRETS)
            .as("%s: Secret %s is neither defined in %s nor a documented external Secret", reference[2], secret, overlay)
            .contains(secret);
        assertThat(readme).as("k8s/README.md documents Secret %s", secret).contains(secret);
        if (key != null) {
          assertThat(readme).as("k8s/README.md documents key %s of Secret %s", key, secret).contains(key);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("pods get longer to stop than the preStop pause plus the app's shutdown deadline")
  void terminationOutlastsTheShutdown(String overlay) {
    Manifests m = manifests(overlay);
    for (Map<String, Object> deployment : m.all("Deployment")) {
      Object grace = get(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds");
      long graceSeconds = grace == null ? 30 : ((Number) grace).longValue();
      for (Map<String, Object> container : containers(deployment)) {
        List<String> preStop = list(get(container, "lifecycle", "preStop", "exec", "command"), String.class);
        assertThat(preStop).as("%s preStop sleeps", name(deployment)).hasSize(2).first().isEqualTo("sleep");
        long pause = Long.parseLong(preStop.get(1));
        assertThat(pause).isPositive();
        long deadlineMs = m.effectiveConfig(container).getJsonObject("lifecycle").getLong("shutdownDeadlineMs");
        assertThat(graceSeconds * 1000)
            .as("%s terminationGracePeriodSeconds > preStop %d s + lifecycle.shutdownDeadlineMs %d", name(deployment), pause, deadlineMs)
            .isGreaterThan(pause * 1000 + deadlineMs);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"k8s/overlays/dev", "k8s/overlays/prod"})
  @DisplayName("the alerts are rendered, and read only metrics Locus exports, the dead letters from the dead-letter queue's gauge")
  void alertsReadExportedMetrics(String overlay) {
    Manifests m = manifests(overlay);
    Map<String, Object> rule = m.one("PrometheusRule", "locus");
    assertThat(str(rule, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
    for (Map<String, Object> group : maps(get(rule, "spec", "groups"))) {
      for (Map<String, Object> alert : maps(group.get("rules"))) {
        alerts.put(str(alert, "alert"), alert);
      }
    }
    assertThat(alerts).containsKeys("LocusDeadLetters", "LocusPublishFailures", "LocusWriteLag");
    Set<String> exported = exportedSeries();
    Pattern metric = Pattern.compile("\\blocus_[a-z_]+");
    alerts.forEach(
        (name, alert) -> {
          assertThat(get(alert, "labels", "severity")).as("%s severity", name).isEqualTo("warning");
          Matcher used = metric.matcher(str(alert, "expr"));
          assertThat(used.find()).as("%s reads a metric of Locus's", name).isTrue();
          do {
            assertThat(exported).as("%s reads %s, which Locus exports (ops.Metrics)", name, used.group()).contains(used.group());
          } while (used.find());
        });

    Map<String, Object> dead = alerts.get("LocusDeadLetters");
    assertThat(dead.get("for")).isEqualTo("5m");
    for (Map<String, Object> deployment : m.all("Deployment")) {
      QueueTopology topology = new QueueTopology(RabbitSettings.from(m.effectiveConfig(containers(deployment).get(0)).getJsonObject("rabbitmq")));
      assertThat(str(dead, "expr"))
          .as("LocusDeadLetters reads the depth of %s's dead-letter queue", name(deployment))
          .contains("locus_queue_messages{queue=\"" + topology.deadLetterQueue() + "\"}")
          .endsWith("> 0");
    }
  }

  /**
   * The series names Locus's meters take in the Prometheus exposition, made as the code that
   * records them makes them (a counter, a gauge per queue, a timer with a histogram).
   */
  private static Set<String> exportedSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (String counter : List.of(Metrics.PUBLISHED, Metrics.PUBLISH_FAILED, Metrics.APPLIED, Metrics.DEAD_LETTERED)) {
      registry.counter(counter).increment();
    }
    Gauge.builder(Metrics.QUEUE_MESSAGES, () -> 1).tag("queue", "q").register(registry);
    Timer.builder(Metrics.WRITE_LAG).publishPercentileHistogram().register(registry).record(Duration.ofMillis(5));
    Set<String> names = new TreeSet<>();
    registry.scrape().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    registry.close();
    return names;
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering

  private static Manifests manifests(String overlay) {
    return new Manifests(RENDERED.computeIfAbsent(overlay, KubernetesManifestsIT::render));
  }

  private static List<Map<String, Object>> render(String overlay) {
    String kubectl = System.getProperty("kubectl", "kubectl");
    Path out;
    Path err;
    Process process;
    try {
      out = Files.createTempFile("kustomize", ".yaml");
      err = Files.createTempFile("kustomize", ".err");
      out.toFile().deleteOnExit();
      err.toFile().deleteOnExit();
      process =
          new ProcessBuilder(kubectl, "kustomize", ROOT.resolve(overlay).toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    } catch (IOException e) {
      return fail(
          "cannot run `" + kubectl + " kustomize " + overlay + "`: " + e.getMessage()
              + "\nkubectl must be on the PATH to check the Kubernetes manifests: install it "
              + "(Debian: apt-get install kubernetes-client), or pass -Dkubectl=/path/to/kubectl");
    }
    try {
      if (!process.waitFor(KUBECTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return fail("`kubectl kustomize " + overlay + "` did not finish within " + KUBECTL_TIMEOUT_SECONDS + " s");
      }
      String yaml = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        return fail("`kubectl kustomize " + overlay + "` failed (exit " + process.exitValue() + "):\n" + Files.readString(err, StandardCharsets.UTF_8));
      }
      List<Map<String, Object>> objects = new ArrayList<>();
      for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
        if (document != null) {
          objects.add(map(document));
        }
      }
      assertThat(objects).as("%s renders objects", overlay).isNotEmpty();
      return objects;
    } catch (IOException e) {
      throw new AssertionError("reading kubectl's output", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The rendered objects of one overlay, and what they say together. */
  private static final class Manifests {
    final List<Map<String, Object>> objects;

    Manifests(List<Map<String, Object>> objects) {
      this.objects = objects;
    }

    List<Map<String, Object>> all(String kind) {
      return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    List<String> names(String kind) {
      return all(kind).stream().map(KubernetesManifestsIT::name).toList();
    }

    Map<String, Object> one(String kind, String name) {
      List<Map<String, Object>> found = all(kind).stream().filter(o -> name.equals(name(o))).toList();
      assertThat(found).as("exactly one %s named %s", kind, name).hasSize(1);
      return found.get(0);
    }

    /** Names of the Deployments whose pods carry every label of {@code selector}. */
    List<String> deploymentsSelectedBy(Map<String, String> selector) {
      return all("Deployment").stream()
          .filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet()))
          .map(KubernetesManifestsIT::name)
          .toList();
    }

    /** Secret name → its keys and values, for the Secrets the overlay defines. */
    Map<String, Map<String, String>> secrets() {
      Map<String, Map<String, String>> secrets = new HashMap<>();
      for (Map<String, Object> secret : all("Secret")) {
        Map<String, String> values = new LinkedHashMap<>();
        stringMap(secret.getOrDefault("data", Map.of()))
            .forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        values.putAll(stringMap(secret.getOrDefault("stringData", Map.of())));
        secrets.put(name(secret), values);
      }
      return secrets;
    }

    /**
     * The container's environment as the process would see it: literal values, Secrets the
     * overlay defines, and stand-ins for what only the cluster knows (external Secrets: a value
     * long enough for the production checks; the pod IP).
     */
    Map<String, String> env(Map<String, Object> container) {
      Map<String, String> env = new LinkedHashMap<>();
      Map<String, Map<String, String>> secrets = secrets();
      for (Map<String, Object> variable : maps(container.get("env"))) {
        String name = str(variable, "name");
        Object secretRef = get(variable, "valueFrom", "secretKeyRef");
        Object fieldRef = get(variable, "valueFrom", "fieldRef", "fieldPath");
        String value;
        if (secretRef != null) {
          Map<String, String> secret = secrets.get(str(secretRef, "name"));
          value = secret != null ? secret.get(str(secretRef, "key")) : "external-secret-" + "x".repeat(40);
        } else if (fieldRef != null) {
          assertThat(fieldRef).as("%s comes from the pod's IP", name).isEqualTo("status.podIP");
          value = POD_IP;
        } else {
          value = Objects.toString(variable.get("value"), "");
        }
        env.put(name, value);
      }
      return env;
    }

    /** conf/locus.production.example.json with the container's environment applied, as Locus loads it. */
    JsonObject effectiveConfig(Map<String, Object> container) {
      return EnvOverrides.apply(example(), env(container));
    }

    Set<String> mountPaths(Map<String, Object> container) {
      return maps(container.get("volumeMounts")).stream().map(v -> (String) v.get("mountPath")).collect(Collectors.toSet());
    }

    Map<String, Object> configMapMountedAt(Map<String, Object> deployment, Map<String, Object> container, String mountPath) {
      Map<String, Object> mount =
          maps(container.get("volumeMounts")).stream()
              .filter(v -> mountPath.equals(v.get("mountPath")))
              .map(KubernetesManifestsIT::map)
              .findFirst()
              .orElseThrow(() -> new AssertionError(name(deployment) + " mounts nothing at " + mountPath));
      assertThat(mount.get("subPath")).as("a whole ConfigMap at %s", mountPath).isNull();
      Map<String, Object> volume =
          maps(get(deployment, "spec", "template", "spec", "volumes")).stream()
              .filter(v -> Objects.equals(v.get("name"), mount.get("name")))
              .map(KubernetesManifestsIT::map)
              .findFirst()
              .orElseThrow(() -> new AssertionError(name(deployment) + " has no volume " + mount.get("name")));
      String configMap = str(volume, "configMap", "name");
      return one("ConfigMap", configMap);
    }

    /** The content of the file at {@code path} inside the container, when a ConfigMap holds it. */
    String mountedFile(Map<String, Object> deployment, Map<String, Object> container, String path) {
      int slash = path.lastIndexOf('/');
      assertThat(slash).as("%s is an absolute path", path).isPositive();
      Map<String, Object> data = map(configMapMountedAt(deployment, container, path.substring(0, slash)).get("data"));
      assertThat(data).as("the ConfigMap mounted for %s", path).containsKey(path.substring(slash + 1));
      return (String) data.get(path.substring(slash + 1));
    }

    /** Whether a RoleBinding gives {@code account} a Role that may get and list {@code resource}. */
    boolean canList(String account, String apiGroup, String resource) {
      for (Map<String, Object> binding : all("RoleBinding")) {
        boolean forAccount =
            maps(binding.get("subjects")).stream()
                .anyMatch(s -> "ServiceAccount".equals(s.get("kind")) && account.equals(s.get("name"))
                    && Objects.equals(s.get("namespace"), get(binding, "metadata", "namespace")));
        if (!forAccount || !"Role".equals(get(binding, "roleRef", "kind"))) {
          continue;
        }
        Map<String, Object> role = one("Role", str(binding, "roleRef", "name"));
        for (Map<String, Object> rule : maps(role.get("rules"))) {
          if (list(rule.get("apiGroups"), String.class).contains(apiGroup)
              && list(rule.get("resources"), String.class).contains(resource)
              && list(rule.get("verbs"), String.class).containsAll(List.of("get", "list"))) {
            return true;
          }
        }
      }
      assertThat(names("ServiceAccount")).as("ServiceAccount %s exists", account).contains(account);
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers over the parsed YAML

  private static JsonObject example() {
    try {
      return new JsonObject(Files.readString(PRODUCTION_EXAMPLE, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + PRODUCTION_EXAMPLE, e);
    }
  }

  /** Dotted paths of every leaf (lists are leaves), as EnvOverrides walks them. */
  private static List<String> leafPaths(JsonObject json, String prefix) {
    List<String> paths = new ArrayList<>();
    for (String key : json.fieldNames()) {
      Object value = json.getValue(key);
      if (value instanceof JsonObject child) {
        paths.addAll(leafPaths(child, prefix + key + "."));
      } else {
        paths.add(prefix + key);
      }
    }
    return paths;
  }

  private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
    List<Map<String, Object>> containers = new ArrayList<>();
    maps(get(deployment, "spec", "template", "spec", "containers")).forEach(c -> containers.add(map(c)));
    assertThat(containers).as("%s has containers", name(deployment)).isNotEmpty();
    return containers;
  }

  private static Map<String, String> podLabels(Map<String, Object> deployment) {
    return stringMap(get(deployment, "spec", "template", "metadata", "labels"));
  }

  private static List<Integer> containerPorts(Map<String, Object> container) {
    return maps(container.get("ports")).stream().map(p -> ((Number) p.get("containerPort")).intValue()).toList();
  }

  /** A probe's or Service's port (a number or a container port's name) as a number. */
  private static int resolvePort(Map<String, Object> container, Object port) {
    if (port instanceof Number number) {
      return number.intValue();
    }
    return maps(container.get("ports")).stream()
        .filter(p -> Objects.equals(p.get("name"), port))
        .map(p -> ((Number) p.get("containerPort")).intValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("container " + container.get("name") + " has no port named " + port));
  }

  private static Element only(NodeList nodes, String what) {
    assertThat(nodes.getLength()).as("exactly one %s in %s", what, HAZELCAST_XML.getFileName()).isEqualTo(1);
    return (Element) nodes.item(0);
  }

  private static String name(Map<String, Object> object) {
    return str(object, "metadata", "name");
  }

  private static Object get(Object root, String... path) {
    Object node = root;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }

  private static String str(Object root, String... path) {
    Object value = get(root, path);
    assertThat(value).as(String.join(".", path)).isInstanceOf(String.class);
    return (String) value;
  }

  private static int integer(Object root, String... path) {
    Object value = get(root, path);
    assertThat(value).as(String.join(".", path)).isInstanceOf(Number.class);
    return ((Number) value).intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  private static Map<String, String> stringMap(Object value) {
    Map<String, String> strings = new LinkedHashMap<>();
    if (value != null) {
      map(value).forEach((k, v) -> strings.put(k, String.valueOf(v)));
    }
    return strings;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object value, Class<T> type) {
    if (value == null) {
      return List.of();
    }
    assertThat(value).isInstanceOf(List.class);
    List<T> items = (List<T>) value;
    items.forEach(item -> assertThat(item).isInstanceOf(type));
    return items;
  }

  private static List<Map<String, Object>> maps(Object value) {
    List<Map<String, Object>> maps = new ArrayList<>();
    list(value, Map.class).forEach(item -> maps.add(map(item)));
    return maps;
  }
}
