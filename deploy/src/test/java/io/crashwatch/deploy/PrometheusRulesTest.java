package io.crashwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PrometheusRules of the manifests, evaluated by Prometheus' own tool: {@code promtool check rules} on each,
 * and {@code promtool test rules} with a unit test per rule (src/test/resources/promtool/): the series of what it
 * is for and it fires, with its labels and words; the healthy series and it does not. A broken rule fails them.
 */
class PrometheusRulesTest {
  private static final Path OVERLAY = Path.of("k8s", "overlays", "example");
  private static final Path TESTS = Path.of("src", "test", "resources", "promtool", "crashwatch-rules.test.yaml");

  @TempDir
  Path dir;

  @Test
  void shouldPassPromtoolsCheck() throws Exception {
    writeRules(rule -> { });

    Promtool.Run check = Promtool.run(dir, null, "check", "rules", "rules.yaml");

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void shouldFireEachRuleOnWhatItIsForAndNotOnAHealthySystem() throws Exception {
    writeRules(rule -> { });

    Promtool.Run test = Promtool.run(dir, null, "test", "rules", "crashwatch-rules.test.yaml");

    assertThat(test.exit()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void shouldHaveAUnitTestOfEveryRule() throws IOException {
    Set<String> tested = new TreeSet<>();
    Kustomize.YAML.readTree(TESTS.toFile()).path("tests")
        .forEach(t -> t.path("alert_rule_test").forEach(a -> tested.add(a.path("alertname").asText())));

    assertThat(tested).isEqualTo(alerts());
  }

  /** Each rule links its section of the runbook, and the section is there. */
  @Test
  void shouldLinkEachRuleToItsRunbookSection() throws IOException {
    String runbook = Files.readString(Path.of("..", "docs", "runbook.md"));
    for (ObjectNode rule : rules()) {
      String alert = rule.path("alert").asText();
      assertThat(rule.path("annotations").path("runbook_url").asText()).as(alert).endsWith("docs/runbook.md#" + alert.toLowerCase());
      assertThat(runbook).as("a section for %s", alert).contains("\n## " + alert + "\n");
    }
  }

  /** A rule whose threshold drifted (a wrong unit, a typo) no longer fires where it must: the unit tests say so. */
  @Test
  void shouldCatchARuleThatNoLongerFires() throws Exception {
    writeRules(rule -> {
      if (rule.path("alert").asText().equals("CrashwatchAlertDeliveryFailing")) {
        rule.put("expr", rule.path("expr").asText().replace("> 120", "> 1200"));
      }
    });

    Promtool.Run test = Promtool.run(dir, null, "test", "rules", "crashwatch-rules.test.yaml");

    assertThat(test.exit()).isNotZero();
    assertThat(test.output()).contains("FAILED", "alertname: CrashwatchAlertDeliveryFailing");
  }

  private Set<String> alerts() throws IOException {
    Set<String> names = new TreeSet<>();
    rules().forEach(r -> names.add(r.path("alert").asText()));
    return names;
  }

  private List<ObjectNode> rules() throws IOException {
    List<ObjectNode> rules = new java.util.ArrayList<>();
    for (ObjectNode doc : Kustomize.build(OVERLAY)) {
      if (doc.path("kind").asText().equals("PrometheusRule")) {
        doc.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> rules.add((ObjectNode) r)));
      }
    }
    return rules;
  }

  /** The PrometheusRules' groups as a Prometheus rules file, each rule changed by {@code change}, beside the unit tests. */
  private void writeRules(Consumer<ObjectNode> change) throws IOException {
    ObjectNode file = Kustomize.YAML.createObjectNode();
    for (ObjectNode doc : Kustomize.build(OVERLAY)) {
      if (doc.path("kind").asText().equals("PrometheusRule")) {
        for (JsonNode group : doc.path("spec").path("groups")) {
          group.path("rules").forEach(r -> change.accept((ObjectNode) r));
          file.withArray("groups").add(group);
        }
      }
    }
    Files.writeString(dir.resolve("rules.yaml"), Kustomize.YAML.writeValueAsString(file));
    Files.copy(TESTS, dir.resolve("crashwatch-rules.test.yaml"));
  }
}
