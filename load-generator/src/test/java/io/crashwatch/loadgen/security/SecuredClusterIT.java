package io.crashwatch.loadgen.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.embedded.AclPlan;
import io.crashwatch.embedded.EmbeddedKafkaBroker;
import io.crashwatch.embedded.EmbeddedSchemaRegistry;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.loadgen.backtest.Backtest;
import io.crashwatch.loadgen.backtest.BacktestReport;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioKeys;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ACL plan on a broker that authenticates with SASL/SCRAM and authorizes with ACLs, nothing allowed
 * without one: each role's forged write to another role's topic is denied, and a scenario plays end to
 * end with the detector, the fleet and the rollout service each as its own principal.
 */
class SecuredClusterIT {
  private static final String ADMIN = "admin";
  private static final Map<String, String> ROLES = Map.of(
      "detector", "crashwatch-detector", "telemetry", "crashwatch-telemetry", "rollout-service", "crashwatch-rollout",
      "operator", "crashwatch-operator", "fleet-admin", "crashwatch-fleet-admin", "sre", "crashwatch-sre",
      "backtest", "crashwatch-backtest");
  /** The simulator sends telemetry, reads the kill switch as a rollout service and alerts as an SRE: those roles' ACLs. */
  private static final String SIMULATOR = "crashwatch-simulator";

  @TempDir
  Path dir;

  private final Map<String, String> passwords = new HashMap<>();

  @Test
  void shouldDenyEachRoleTheOthersWritesAndPlayAScenarioUnderSasl() throws Exception {
    passwords.put(ADMIN, UUID.randomUUID().toString());
    passwords.put(SIMULATOR, UUID.randomUUID().toString());
    ROLES.values().forEach(user -> passwords.put(user, UUID.randomUUID().toString()));
    TopicNames names = TopicNames.defaults();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(ADMIN, passwords);
         EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
         Admin admin = broker.admin()) {
      List<NewTopic> topics = new ArrayList<>();
      for (String topic : names.inputs()) {
        topics.add(new NewTopic(topic, 2, (short) 1));
      }
      for (String topic : names.outputs()) {
        topics.add(new NewTopic(topic, 2, (short) 1));
      }
      admin.createTopics(topics).all().get();
      Map<String, String> values = new HashMap<>(TopicNames.settingsUnder("crashwatch"));
      values.put("application.id", "crashwatch-detector");
      AclPlan plan = AclPlan.read(Path.of("..", "security", "acl-plan.yaml"));
      List<AclBinding> acls = new ArrayList<>();
      ROLES.forEach((role, user) -> acls.addAll(plan.bindings(role, user, values)));
      acls.addAll(plan.bindings("telemetry", SIMULATOR, values));
      acls.addAll(plan.bindings("rollout-service", SIMULATOR, values));
      acls.addAll(plan.bindings("sre", SIMULATOR, values));
      admin.createAcls(acls).all().get();

      write(broker, "crashwatch-telemetry", names.heartbeats()); // allowed: the denials below are the ACLs'
      assertDenied(broker, "crashwatch-telemetry", names.killSwitch());
      assertDenied(broker, "crashwatch-rollout", names.operatorCommands());
      assertDenied(broker, "crashwatch-operator", names.heartbeats());
      assertDenied(broker, "crashwatch-fleet-admin", names.killSwitchLease());
      assertDenied(broker, "crashwatch-detector", names.crashReports());
      assertDenied(broker, "crashwatch-sre", names.killSwitch());

      Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short/july-19.yaml"));
      Map<String, String> settings = new HashMap<>(scenario.detectorSettings());
      settings.put("bootstrap.servers", broker.bootstrapServers());
      settings.put("schema.registry.url", registry.url());
      settings.put("application.id", "crashwatch-detector");
      settings.put("state.dir", dir.resolve("state").toString());
      settings.put("http-port", "0");
      settings.put("create-topics", "false");
      Path key = dir.resolve("kill-switch.key");
      KillSwitchVerifier verifier = new KillSwitchVerifier(List.of(Ed25519Keys.generateInto(key, dir.resolve("kill-switch.pub")).getPublic()));
      settings.put("kill-switch-signing-key", key.toString());
      EmbeddedKafkaBroker.clientSecurity("crashwatch-detector", passwords.get("crashwatch-detector"))
          .forEach((k, v) -> settings.put(k, v.toString()));
      Map<String, Object> simulator = new HashMap<>(EmbeddedKafkaBroker.clientSecurity(SIMULATOR, passwords.get(SIMULATOR)));
      simulator.put("bootstrap.servers", broker.bootstrapServers());
      simulator.put("schema.registry.url", registry.url());

      ScenarioReport report;
      Instant from = Instant.now();
      try (Detector detector = Detector.start(DetectorSettings.from(settings))) {
        detector.awaitRunning(Duration.ofSeconds(90));
        report = ScenarioRunner.run(scenario, simulator, names, new ScenarioKeys(verifier, null), null, progress -> { });
      }
      System.out.println(report.toJsonString());
      assertThat(report.falseHalts()).isZero();
      assertThat(report.missedHalts()).isZero();
      assertThat(report.rollouts()).allSatisfy(r -> assertThat(r.isHalted()).isTrue());

      // The backtest as a principal that may only read: the input, the fleets and the alerts.
      Map<String, String> backtest = new HashMap<>(settings);
      EmbeddedKafkaBroker.clientSecurity("crashwatch-backtest", passwords.get("crashwatch-backtest"))
          .forEach((k, v) -> backtest.put(k, v.toString()));
      BacktestReport replayed = Backtest.run(backtest, Map.of(), from, Instant.now(), null, progress -> { });
      assertThat(replayed.halts().same()).as("halts the backtest made as live").isNotEmpty();
      assertThat(replayed.halts().onlyLive()).isEmpty();
      assertThat(replayed.halts().onlyBacktest()).isEmpty();
    }
  }

  private void write(EmbeddedKafkaBroker broker, String user, String topic) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker, user)) {
      producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))).get();
    }
  }

  private void assertDenied(EmbeddedKafkaBroker broker, String user, String topic) {
    assertThatThrownBy(() -> write(broker, user, topic)).as("%s writing %s", user, topic)
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
  }

  private KafkaProducer<byte[], byte[]> producer(EmbeddedKafkaBroker broker, String user) {
    Map<String, Object> config = new HashMap<>(EmbeddedKafkaBroker.clientSecurity(user, passwords.get(user)));
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("max.block.ms", 15_000);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
