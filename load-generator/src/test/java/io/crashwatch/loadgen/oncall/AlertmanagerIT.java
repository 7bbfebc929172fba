package io.crashwatch.loadgen.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.AlertmanagerProcess;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.embedded.WebhookReceiver;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.bench.ChildDetector;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.AvroDeserializer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * A HALT pages an SRE through a real Alertmanager (Debian's prometheus-alertmanager), whose webhook is a
 * receiver in the test: checked through Alertmanager's own {@code GET /api/v2/alerts} and the pages the
 * receiver got. Once per alert, resolved by the RESUME, delivered when Alertmanager comes back, not again after
 * a detector restart, once from three detectors; and an Alertmanager that hangs delays no HALT.
 */
class AlertmanagerIT {
  private static final String HALT_0 = "rollout-halted/airline-ops/channel-291/r41/0";
  /** Long enough that a detector restart fits inside a firing alert's end (four intervals ahead). */
  private static final String RESEND = "10s";

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run leaves the detectors' logs to read
  Path dir;

  private WebhookReceiver receiver;
  private AlertmanagerProcess alertmanager;

  @BeforeEach
  void startAlertmanager() throws Exception {
    if (AlertmanagerProcess.binary().isEmpty()) {
      throw new TestAbortedException("needs Alertmanager: install Debian's " + AlertmanagerProcess.PACKAGE);
    }
    receiver = new WebhookReceiver();
    alertmanager = AlertmanagerProcess.start(dir.resolve("alertmanager"), receiver.url());
  }

  @AfterEach
  void stopAlertmanager() throws Exception {
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  /**
   * july-19, resumed by a person, halted again: the first HALT is active in Alertmanager with its labels and
   * pages once; the RESUME resolves it (one resolve notification); the second HALT is an alert of its own.
   */
  @Test
  void shouldPageOnceForAHaltAndResolveItWithTheResume() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short/july-19-resumed.yaml"));
    DetectorSettings settings = settings(scenario, alertmanager.url().toString());
    List<AlertmanagerProcess.Alert> seenFiring = new CopyOnWriteArrayList<>();
    ScenarioReport report;
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      report = play(scenario, settings, p -> alertmanager.alert(HALT_0).ifPresent(seenFiring::add));

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(receiver.resolved(HALT_0)).as("the RESUME resolved the first HALT's page").isEqualTo(1);
        assertThat(alertmanager.alert("rollout-halted/airline-ops/channel-291/r41/1")).as("the second HALT").isPresent();
      });
      assertThat(alertmanager.alert(HALT_0)).as("resolved: no longer active in Alertmanager").isEmpty();
      assertThat(alertmanager.alert("rollout-resumed/airline-ops/channel-291/r41/0")).hasValueSatisfying(notice ->
          assertThat(notice.labels()).containsEntry("severity", "warning"));
    }

    assertThat(report.falseHalts()).isZero();
    assertThat(report.missedHalts()).isZero();
    assertThat(seenFiring).as("the first HALT, active in Alertmanager while it stood").isNotEmpty();
    assertThat(seenFiring.get(0).state()).isEqualTo("active");
    assertThat(seenFiring.get(0).labels()).containsAllEntriesOf(Map.of("alertname", "ROLLOUT_HALTED", "severity", "critical",
        "fleet", "airline-ops", "component", "channel-291", "version", "r41", "target", "airline-ops/channel-291/r41",
        "alert_id", HALT_0));
    assertThat(seenFiring.get(0).annotations()).containsKeys("summary", "description", "resume_command", "runbook_url");
    assertThat(seenFiring.get(0).annotations().get("description")).contains("devices on the version", "Top signature: 0x50/csagent.sys");
    assertThat(seenFiring.get(0).generatorURL()).endsWith("/api/v1/targets/airline-ops/channel-291/r41");
    assertThat(receiver.firing(HALT_0)).as("one page for the first HALT").isEqualTo(1);
  }

  /**
   * Alertmanager is down when the HALT comes, and gets it once it is back; stopped and started again (its
   * alerts lost, its notification log kept), it gets it again from the next resend, and pages nobody twice.
   */
  @Tag("slow")
  @Test
  void shouldDeliverAHaltToAnAlertmanagerThatWasDownAndPageOnce() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short/july-19.yaml"));
    DetectorSettings settings = settings(scenario, alertmanager.url().toString());
    alertmanager.stop();
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      ScenarioReport report = play(scenario, settings, p -> { });
      assertThat(report.missedHalts()).isZero();
      assertThat(alertmanager.url()).isNotNull();

      alertmanager.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> alertmanager.alert(HALT_0).isPresent());
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.firing(HALT_0) == 1);

      alertmanager.stop();
      alertmanager.start();
      assertThat(alertmanager.alert(HALT_0)).as("a restarted Alertmanager keeps no alerts").isEmpty();
      await().atMost(Duration.ofSeconds(30)).until(() -> alertmanager.alert(HALT_0).isPresent());
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> receiver.firing(HALT_0) == 1);
    }
  }

  /**
   * The detector that delivered the HALT is killed (SIGKILL) and started again on its state: it sends what
   * stands again, Alertmanager takes it as the same alert, and nobody is paged a second time.
   */
  @Tag("slow")
  @Test
  void shouldNotPageAgainWhenTheDetectorIsKilledAndRestarted() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short/july-19.yaml"));
    String run = "oncall-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = values(scenario, run, alertmanager.url().toString());
    DetectorSettings settings = DetectorSettings.from(values);
    Path home = Files.createDirectories(dir.resolve("detector"));
    ChildDetector first = ChildDetector.start(home, lines(values), "384m");
    try {
      first.awaitReady(Duration.ofMinutes(2));
      ScenarioReport report = play(scenario, settings, p -> { });
      assertThat(report.missedHalts()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.firing(HALT_0) == 1);
    } finally {
      first.kill();
    }
    ChildDetector restarted = ChildDetector.start(home, lines(values), "384m");
    try {
      restarted.awaitReady(Duration.ofMinutes(2));
      await().atMost(Duration.ofSeconds(30)).until(() -> restarted.metric("crashwatch_alerts_delivered_total") >= 1);
      assertThat(alertmanager.alert(HALT_0)).as("still active in Alertmanager").isPresent();
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> receiver.firing(HALT_0) == 1);
    } finally {
      restarted.close();
    }
  }

  /**
   * Three detectors share the work: each alert of two-fleets (both fleets' HALTs, the GLOBAL one) is delivered
   * by one of them, once, and pages once.
   */
  @Tag("slow")
  @Test
  void shouldDeliverEachAlertOnceFromThreeDetectors() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-oncall/two-fleets.yaml"));
    String run = "oncall-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = values(scenario, run, alertmanager.url().toString());
    values.put("topic-partitions", "6");
    values.put("num.stream.threads", "1");
    DetectorSettings settings = DetectorSettings.from(values);
    List<ChildDetector> detectors = new ArrayList<>();
    try {
      for (int n = 0; n < 3; n++) {
        List<String> lines = lines(values);
        lines.add("group.instance.id=" + run + "-" + n);
        detectors.add(ChildDetector.start(Files.createDirectories(dir.resolve("detector-" + n)), lines, "384m"));
        detectors.get(n).awaitReady(Duration.ofMinutes(2));
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          var group = admin.describeConsumerGroups(List.of(run)).all().get().get(run);
          return group.groupState() == GroupState.STABLE && group.members().size() == 3;
        });
      }
      // While the three join, tasks move, and a task's new holder sends what stands in it again (Alertmanager takes
      // it as the same alert). Counted from here on, once every alert so far is delivered: each record after this
      // is one revision, sent by the one detector whose task holds it.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ChildDetector d : detectors) {
          if (d.metric("crashwatch_alert_oldest_undelivered_seconds") > 0) {
            return false;
          }
        }
        return true;
      });
      long deliveredBefore = delivered(detectors);
      Map<TopicPartition, Long> from = alertEnds(settings);
      ScenarioReport report = play(scenario, settings, p -> { });
      System.out.println(report.toJsonString());
      assertThat(report.missedHalts()).isZero();
      assertThat(alertRecords(settings, null).keySet()).as("every fleet's halt and the global one")
          .filteredOn(id -> id.startsWith("rollout-halted/")).hasSizeGreaterThanOrEqualTo(3);
      alertRecords(settings, AlertStatus.FIRING).forEach((id, times) -> {
        if (id.startsWith("rollout-halted/")) {
          assertThat(times).as("firings of %s", id).isEqualTo(1);
        }
      });

      // Alerts go on after the scenario (DETECTOR_LAGGING flaps while three detectors share two cores, a
      // TELEMETRY_OUTAGE fires when the scenario's devices fall silent): what was paged and delivered is read
      // first, the topic's records after it, so every delivery and page has its record in what is compared.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Map<String, Long> pages = new java.util.TreeMap<>();
        alertRecords(settings, null).keySet().forEach(id -> pages.put(id, receiver.firing(id)));
        Map<String, Integer> firing = alertRecords(settings, AlertStatus.FIRING);
        // One page for an alert that fired once; one that flapped pages at most once a firing: Alertmanager
        // folds firings that come within its group interval into one page.
        assertThat(firing).allSatisfy((id, times) ->
            assertThat(pages.getOrDefault(id, 0L)).as("pages for %s, which fired %d times", id, times).isBetween(1L, (long) times));
      });
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        long delivered = delivered(detectors) - deliveredBefore;
        Map<String, Integer> records = alertRecords(settings, null, from);
        // Each record on the alerts topic is one revision of an alert: delivered once, or not at all when a
        // later one overtook it before a send. Three detectors each sending every alert would make it three times.
        assertThat(delivered).as("alerts delivered, by all three detectors together; records %s", records)
            .isBetween((long) records.size(), (long) records.values().stream().mapToInt(Integer::intValue).sum());
      });
    } finally {
      for (ChildDetector d : detectors) {
        d.close();
      }
    }
  }

  /** Alertmanager accepts connections and never answers: delivery waits on its own thread, the HALT does not. */
  @Test
  void shouldHaltAsUsualWhileAlertmanagerHangs() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short/july-19.yaml"));
    try (ServerSocket hanging = new ServerSocket(0)) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread accept = new Thread(() -> {
        try {
          while (true) {
            held.add(hanging.accept());
          }
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      accept.setDaemon(true);
      accept.start();
      DetectorSettings settings = settings(scenario, "http://127.0.0.1:" + hanging.getLocalPort());
      try (Detector detector = Detector.start(settings)) {
        detector.awaitRunning(Duration.ofSeconds(60));
        ScenarioReport report = play(scenario, settings, p -> { });

        assertThat(report.missedHalts()).isZero();
        assertThat(report.falseHalts()).isZero();
        assertThat(report.rollouts()).singleElement().satisfies(r -> assertThat(r.haltLatencyMs()).isNotNull());
        assertThat(held).as("the delivery did try to reach it").isNotEmpty();
        assertThat(alertmanager.alert(HALT_0)).as("this Alertmanager was not asked").isEmpty();
      }
    }
  }

  private ScenarioReport play(Scenario scenario, DetectorSettings settings,
                              java.util.function.Consumer<io.crashwatch.loadgen.sim.Progress> view) throws Exception {
    return ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(dir, settings), null, view);
  }

  private DetectorSettings settings(Scenario scenario, String alertmanagers) {
    return DetectorSettings.from(values(scenario, "oncall-" + UUID.randomUUID().toString().substring(0, 8), alertmanagers));
  }

  private Map<String, String> values(Scenario scenario, String run, String alertmanagers) {
    Map<String, String> values = new HashMap<>(TestDetectorSettings.valuesForRun(CLUSTER, run, dir, scenario.detectorSettings()));
    values.put("alertmanager-urls", alertmanagers);
    values.put("alert-resend-interval", RESEND);
    values.put("runbook-url", "https://git.example.com/crashwatch/blob/main/docs/runbook.md");
    return values;
  }

  private static List<String> lines(Map<String, String> values) {
    List<String> lines = new ArrayList<>();
    values.forEach((k, v) -> {
      if (!k.equals("state.dir") && !k.equals("http-port")) {
        lines.add(k + "=" + v);
      }
    });
    return lines;
  }

  /** Committed records on the alerts topic, by alert id: all of them, or those of one status. */
  private static long delivered(List<ChildDetector> detectors) throws IOException, InterruptedException {
    long delivered = 0;
    for (ChildDetector d : detectors) {
      delivered += (long) d.metric("crashwatch_alerts_delivered_total");
    }
    return delivered;
  }

  private static Map<TopicPartition, Long> alertEnds(DetectorSettings settings) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      return consumer.endOffsets(consumer.partitionsFor(settings.topics().alerts()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList());
    }
  }

  private static Map<String, Integer> alertRecords(DetectorSettings settings, AlertStatus status) {
    return alertRecords(settings, status, Map.of());
  }

  /** Records on the alerts topic by alert id, of {@code status} (null: any), from {@code from} (else the start). */
  private static Map<String, Integer> alertRecords(DetectorSettings settings, AlertStatus status, Map<TopicPartition, Long> from) {
    AvroDeserializer<SreAlert> values = new AvroDeserializer<>();
    values.configure(Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl(), "specific.avro.reader", true), false);
    try (KafkaConsumer<String, SreAlert> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "isolation.level", "read_committed"), new StringDeserializer(), values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(settings.topics().alerts()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      from.forEach(consumer::seek);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<String, Integer> count = new TreeMap<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> {
          if (status == null || r.value().getStatus() == status) {
            count.merge(r.key(), 1, Integer::sum);
          }
        });
      }
      return count;
    }
  }
}
