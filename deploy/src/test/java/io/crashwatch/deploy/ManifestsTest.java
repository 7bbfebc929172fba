package io.crashwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashwatch.detector.alerting.DeliveryMetrics;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.embedded.AclPlan;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Every manifest under {@code deploy/k8s}, with the example overlay applied as kustomize would, read through
 * the real Kubernetes, Strimzi and Prometheus Operator models and held to the detector's settings parser,
 * the ACL plan and the metrics the detector serves. Each kind of mistake is shown to be caught.
 */
class ManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path OVERLAY = K8S.resolve("overlays/example");
  private static final Path KAFKA_USERS = K8S.resolve("base/kafka-users.yaml");

  private static AclPlan plan() throws IOException {
    return AclPlan.read(Path.of("..", "security", "acl-plan.yaml"));
  }

  /** Every metric the detector serves, by its Prometheus name, each meter touched once so it shows. */
  private static Set<String> detectorMetrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DetectorMetrics metrics = new DetectorMetrics(registry);
    metrics.event("heartbeat");
    metrics.deadLetter("undecodable");
    metrics.halt("FLEET", "CONTROL", 1);
    metrics.lease(0, 1);
    metrics.fleetTrials("_other", 1, 0, 0.001, 0);
    metrics.fleetMarkRefused("fleet-mark-forged");
    new DeliveryMetrics(registry, () -> 0).touch("http://alertmanager:9093");
    Matcher m = Pattern.compile("(?m)^(crashwatch_[a-z_]+)").matcher(registry.scrape());
    Set<String> names = new java.util.TreeSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static List<String> problems(List<ObjectNode> docs) throws IOException {
    return ManifestChecks.problems(docs, plan(), detectorMetrics());
  }

  @Test
  void shouldFindNothingWrongWithTheExampleOverlay() throws IOException {
    List<ObjectNode> docs = Kustomize.build(OVERLAY);

    assertThat(problems(docs)).isEmpty();
    assertThat(docs).extracting(d -> d.path("metadata").path("namespace").asText()).containsOnly("kafka");
    assertThat(Kustomize.named(docs, "StatefulSet", "crashwatch-detector").at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(Kustomize.named(docs, "StatefulSet", "crashwatch-detector").at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.example.com/crashwatch/detector:0.1.0");
  }

  @Test
  void shouldReadThePlatformManifestsThroughTheirModels() throws IOException {
    try (var files = Files.list(K8S.resolve("platform"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        assertThat(ManifestChecks.modelProblems(Kustomize.read(file))).as(file.toString()).isEmpty();
      }
    }
  }

  @Test
  void shouldCatchAFieldTheModelDoesNotKnow() throws IOException {
    assertThat(problemsAfter("StatefulSet", "crashwatch-detector",
        s -> ((ObjectNode) s.at("/spec/template/spec/containers/0")).put("imagePullPolice", "Always")))
        .containsExactly("StatefulSet crashwatch-detector: unknown field spec.template.spec.containers[0].imagePullPolice");
    assertThat(problemsAfter("KafkaTopic", "crashwatch.heartbeats", t -> ((ObjectNode) t.get("spec")).put("partitons", 12)))
        .containsExactly("KafkaTopic crashwatch.heartbeats: unknown field spec.partitons");
    assertThat(problemsAfter("PrometheusRule", "crashwatch-detector",
        r -> ((ObjectNode) r.at("/spec/groups/0/rules/0")).put("fore", "2m")))
        .containsExactly("PrometheusRule crashwatch-detector: unknown field spec.groups[0].rules[0].fore");
  }

  @Test
  void shouldCatchAWrongKindOrApiVersion() throws IOException {
    assertThat(problemsAfter("PodDisruptionBudget", "crashwatch-detector", p -> p.put("kind", "PodDisruptionBudgets")))
        .containsExactly("PodDisruptionBudgets crashwatch-detector: no model for apiVersion policy/v1, kind PodDisruptionBudgets");
    assertThat(problemsAfter("KafkaUser", "crashwatch-sre", u -> u.put("apiVersion", "kafka.strimzi.io/v1alpha1")))
        .containsExactly("KafkaUser crashwatch-sre: no model for apiVersion kafka.strimzi.io/v1alpha1, kind KafkaUser");
  }

  @Test
  void shouldCatchATopicNameThatNoSettingNames() throws IOException {
    assertThat(problemsAfter("KafkaTopic", "crashwatch.kill-switch-lease",
        t -> ((ObjectNode) t.get("metadata")).put("name", "crashwatch.kill-switch-leases")))
        .contains("no KafkaTopic for kill-switch-lease-topic=crashwatch.kill-switch-lease",
            "KafkaTopic crashwatch.kill-switch-leases is named by no *-topic setting");
  }

  @Test
  void shouldCatchHeartbeatsAndCrashReportsWithDifferentPartitionCounts() throws IOException {
    assertThat(problemsAfter("KafkaTopic", "crashwatch.crash-reports", t -> ((ObjectNode) t.get("spec")).put("partitions", 6)))
        .containsExactly("heartbeats (12 partitions) and crash reports (6) must have the same partition count: device state joins them");
  }

  @Test
  void shouldCatchAKafkaUserThatDiffersFromTheAclPlan() throws IOException {
    List<String> problems = problemsAfter("KafkaUser", "crashwatch-rollout",
        u -> ((com.fasterxml.jackson.databind.node.ArrayNode) u.at("/spec/authorization/acls/1/operations")).add("Write"));

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).startsWith("KafkaUser crashwatch-rollout differs from the ACL plan's role rollout-service")
        .contains("not in the plan [(pattern=ResourcePattern(resourceType=TOPIC, name=crashwatch.kill-switch, patternType=LITERAL)")
        .contains("operation=WRITE");
  }

  @Test
  void shouldCatchSettingsTheDetectorWouldRefuseOrThatDefeatTheDeployment() throws IOException {
    assertThat(problemsAfter("ConfigMap", "crashwatch-detector", c -> editProperties(c, "state-memory-mb=512", "state-memry-mb=512")))
        .singleElement().asString().startsWith("detector.properties: Invalid value 512 for configuration state-memry-mb: unknown crashwatch setting");
    assertThat(problemsAfter("ConfigMap", "crashwatch-detector", c -> editProperties(c, "create-topics=false", "create-topics=true")))
        .containsExactly("detector.properties: create-topics must be false: Strimzi owns the topics");
    assertThat(problemsAfter("ConfigMap", "crashwatch-detector", c -> editProperties(c, "state-memory-mb=512", "state-memory-mb=1024")))
        .containsExactly("detector: heap 384 MiB + state-memory-mb 1024 is more than 75% of the 1536 MiB limit");
  }

  @Test
  void shouldCatchServiceLinksInTheDetectorsEnvironment() throws IOException {
    assertThat(problemsAfter("StatefulSet", "crashwatch-detector",
        s -> ((ObjectNode) s.at("/spec/template/spec")).remove("enableServiceLinks")))
        .containsExactly("detector: enableServiceLinks must be false: a Service's CRASHWATCH_*/KAFKA_* variables would be read as settings");
  }

  @Test
  void shouldCatchAnAlertOnAMetricTheDetectorDoesNotServe() throws IOException {
    assertThat(problemsAfter("PrometheusRule", "crashwatch-detector", r -> ((ObjectNode) r.at("/spec/groups/0/rules/3"))
        .put("expr", "time() - max by (partition) (crashwatch_lease_valid_until_seconds) > 0")))
        .containsExactly("PrometheusRule CrashwatchLeaseStale: the detector serves no metric crashwatch_lease_valid_until_seconds");
  }

  /** kustomize's fields beyond images, replicas and namespace are not applied here, so the overlay may not use them. */
  @Test
  void shouldRefuseAKustomizationFieldItDoesNotApply(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\nnamePrefix: eu-\n");

    assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("field 'namePrefix' is not one this test applies");
  }

  /**
   * {@code kafka-users.yaml} rendered from the ACL plan, for when the plan changes:
   * {@code mvn -pl deploy test -Dtest=ManifestsTest#renderKafkaUsers -Ddeploy.render=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "deploy.render", matches = "true")
  void renderKafkaUsers() throws IOException {
    var values = new java.util.HashMap<>(io.crashwatch.detector.config.TopicNames.defaults().bySetting());
    values.put("application.id", ManifestChecks.DETECTOR);
    StringBuilder out = new StringBuilder("# Rendered from security/acl-plan.yaml (deploy/README.md); ManifestsTest holds it to the plan.\n");
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
        .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES).build());
    for (ObjectNode user : KafkaUsers.render(plan(), values, "my-cluster")) {
      out.append(yaml.writeValueAsString(user));
    }
    Files.writeString(KAFKA_USERS, out.toString());
  }

  private static List<String> problemsAfter(String kind, String name, Consumer<ObjectNode> change) throws IOException {
    List<ObjectNode> docs = Kustomize.build(OVERLAY);
    change.accept(Kustomize.named(docs, kind, name));
    return problems(docs);
  }

  private static void editProperties(ObjectNode configMap, String from, String to) {
    String file = configMap.at("/data/" + ManifestChecks.CONFIG_FILE).asText();
    assertThat(file).contains(from);
    ((ObjectNode) configMap.get("data")).put(ManifestChecks.CONFIG_FILE, file.replace(from, to));
  }
}
