package io.crashwatch.loadgen.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.http.StatusCommand;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.bench.ChildDetector;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import io.crashwatch.schemas.KillSwitchCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} as an SRE asks it, of a detector that halted a bad build and is testing healthy ones: why the
 * halted target is halted (its evidence, the command that lifts it), why the others are not yet (how far each is
 * from tripping, which test decides), which gate kept a fleet out of the global test; and the same answer from
 * either of two detector processes, for keys the other holds. The analysts' routes of the same detectors: fleets,
 * versions and halts.
 */
class StatusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HALTED = "airline-ops/channel-291/r41";
  private static final List<String> UNDER_TEST = List.of("hospital-frontdesk/sensor/7.11.18200",
      "bank-branches/sensor/7.11.18200", "retail-tills/sensor/7.11.18200");

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  @Test
  void shouldSayWhyATargetIsHaltedAndWhyTheOthersAreNotYet() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-oncall/status.yaml"));
    DetectorSettings settings = TestDetectorSettings.forRun(CLUSTER, "status-" + UUID.randomUUID().toString().substring(0, 8),
        dir, scenario.detectorSettings());
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      ScenarioReport report = play(scenario, settings);
      assertThat(report.falseHalts()).isZero();
      assertThat(report.missedHalts()).isZero();
      String url = "http://127.0.0.1:" + detector.httpPort();
      String standingHalt = standingHalt(settings);

      HttpResponse<String> list = get(url + "/api/v1/targets", null);
      JsonNode targets = JSON.readTree(list.body());
      assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
      assertThat(targets.path("complete").asBoolean()).isTrue();
      assertThat(targets.path("targets").get(0).path("target").asText()).as("halted first").isEqualTo(HALTED);
      assertThat(targets.path("targets").get(0).path("haltCommandId").asText()).isEqualTo(standingHalt);
      List<String> listed = new ArrayList<>();
      targets.path("targets").forEach(t -> listed.add(t.path("target").asText() + " " + t.path("state").asText()));
      assertThat(listed).contains(UNDER_TEST.stream().map(t -> t + " UNDER_TEST").toArray(String[]::new));

      JsonNode halted = JSON.readTree(get(url + "/api/v1/targets/" + HALTED, null).body());
      System.out.println(halted.toPrettyString());
      assertThat(halted.path("state").asText()).isEqualTo("HALTED");
      assertThat(halted.path("halt").path("commandId").asText()).isEqualTo(standingHalt);
      assertThat(halted.path("halt").path("resumeCommand").asText())
          .isEqualTo("./crashwatch resume " + HALTED + " --halt " + standingHalt + " --key YOUR_KEY --reason '...'");
      assertThat(halted.path("halt").path("evidence").path("failedDevices").asLong()).isGreaterThanOrEqualTo(5);
      assertThat(halted.path("test").path("state").asText()).isEqualTo("TRIPPED");
      assertThat(halted.path("test").path("tests").findValuesAsText("test")).containsExactly("control", "baseline");
      assertThat(halted.path("servedBy").path("test").asText()).isNotEmpty();
      JsonNode account = halted.path("fleetAccount");
      assertThat(account.path("fleet").asText()).isEqualTo("airline-ops");
      assertThat(account.path("tests").asLong()).as("r41, at least").isGreaterThanOrEqualTo(1);
      assertThat(account.path("tripped").asLong()).isEqualTo(1);
      assertThat(account.path("alphaSpent").asDouble()).isEqualTo(account.path("tests").asLong() * settings.rules().alpha(), within(1e-9));
      assertThat(account.path("falseHalts").asLong()).isZero();
      assertThat(account.path("aboveAlpha").asBoolean()).isFalse();

      JsonNode underTest = JSON.readTree(get(url + "/api/v1/targets/" + UNDER_TEST.get(0), null).body());
      System.out.println(underTest.toPrettyString());
      assertThat(underTest.path("state").asText()).isEqualTo("UNDER_TEST");
      assertThat(underTest.path("test").path("decidingTest").asText()).isEqualTo("control");
      assertThat(underTest.path("test").path("decidingBecause").asText()).contains("devices at risk");
      JsonNode whyNotYet = underTest.path("test").path("whyNotYet");
      assertThat(whyNotYet.path("moreFailedDevices").asInt()).as("min-devices first")
          .isGreaterThanOrEqualTo(5 - whyNotYet.path("failedDevices").asInt());
      JsonNode control = underTest.path("test").path("tests").get(0);
      assertThat(control.path("classification").asText()).isEqualTo("NOT_YET");
      assertThat(control.path("statistic").asDouble()).isLessThan(control.path("threshold").asDouble());
      assertThat(control.path("reason").asText()).contains("is below its threshold");

      JsonNode global = JSON.readTree(get(url + "/api/v1/targets/*/channel-291/r41", null).body());
      System.out.println(global.toPrettyString());
      assertThat(global.path("state").asText()).isEqualTo("UNDER_TEST");
      assertThat(global.path("global").path("gatedFleets").get(0).path("fleet").asText()).isEqualTo("airline-ops");
      assertThat(global.path("global").path("gatedFleets").get(0).path("gate").asText())
          .as("seconds old, against min-fleet-age 1d").isEqualTo("age");

      // ./crashwatch status, as a person runs it
      StatusRun table = status("--detector", url);
      System.out.println(table.out());
      assertThat(table.exit()).isZero();
      assertThat(table.out().lines().skip(1).findFirst()).hasValueSatisfying(line -> assertThat(line).startsWith(HALTED).contains("HALTED"));
      assertThat(table.out()).contains(UNDER_TEST.get(0), "UNDER_TEST");
      StatusRun one = status(HALTED, "--detector", url);
      System.out.println(one.out());
      assertThat(one.exit()).isZero();
      assertThat(one.out()).contains("HALTED since", "control", "REJECTS", "./crashwatch resume " + HALTED + " --halt " + standingHalt);
      assertThat(one.out()).contains("airline-ops: tests run " + account.path("tests").asLong() + ", tripped 1, alpha spent ");
      StatusRun notYet = status(UNDER_TEST.get(1), "--detector", url);
      System.out.println(notYet.out());
      assertThat(notYet.out()).contains("UNDER_TEST", "not yet", "more failed device(s) at today's exposure would trip it");
      StatusRun missing = status("airline-ops/channel-291/r99", "--detector", url);
      assertThat(missing.exit()).isEqualTo(1);
      assertThat(missing.err()).contains("unknown target airline-ops/channel-291/r99");
      assertThat(status("--json", "*/channel-291/r41", "--detector", url).out()).contains("\"gatedFleets\"");

      assertAnalystsRoutes(url, report, standingHalt);

      HttpResponse<String> unknown = get(url + "/api/v1/targets/airline-ops/channel-291/r99", null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(unknown.body()).path("state").asText()).isEqualTo("UNKNOWN");
      assertThat(get(url + "/api/v1/targets/airline-ops/*/r41", null).statusCode()).isEqualTo(400);
      assertThat(get(url + "/api/v1/targets?limit=0", null).statusCode()).isEqualTo(400);
    }
  }

  /**
   * Two detector processes behind a bearer token: each answers for every target, some from the other's stores.
   * Slow: two processes and a whole scenario.
   */
  @Tag("slow")
  @Test
  void shouldAnswerFromEitherOfTwoDetectorsForKeysTheOtherHolds() throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-oncall/status.yaml"));
    String run = "status-" + UUID.randomUUID().toString().substring(0, 8);
    String token = "0123456789abcdef0123456789abcdef";
    Map<String, String> values = new HashMap<>(TestDetectorSettings.valuesForRun(CLUSTER, run, dir, scenario.detectorSettings()));
    values.put("http-token", token);
    values.put("num.stream.threads", "1");
    DetectorSettings settings = DetectorSettings.from(values);
    List<ChildDetector> detectors = new ArrayList<>();
    try {
      for (int n = 0; n < 2; n++) {
        List<String> lines = new ArrayList<>();
        values.forEach((k, v) -> {
          if (!k.equals("state.dir") && !k.equals("http-port")) {
            lines.add(k + "=" + v);
          }
        });
        detectors.add(ChildDetector.start(Files.createDirectories(dir.resolve("detector-" + n)), lines, "384m"));
      }
      for (ChildDetector d : detectors) {
        d.awaitReady(Duration.ofMinutes(2));
      }
      ScenarioReport report = play(scenario, settings);
      assertThat(report.missedHalts()).isZero();

      List<String> targets = new ArrayList<>(UNDER_TEST);
      targets.add(HALTED);
      targets.add("*/channel-291/r41");
      Map<String, Integer> servedByTheOther = new HashMap<>();
      for (String target : targets) {
        List<String> states = new ArrayList<>();
        for (ChildDetector d : detectors) {
          String self = "127.0.0.1:" + d.port();
          assertThat(get("http://" + self + "/api/v1/targets/" + target, null).statusCode()).as("without the token").isEqualTo(401);
          HttpResponse<String> answer = get("http://" + self + "/api/v1/targets/" + target, token);
          assertThat(answer.statusCode()).as("%s from %s: %s", target, self, answer.body()).isEqualTo(200);
          JsonNode status = JSON.readTree(answer.body());
          states.add(status.path("state").asText());
          status.path("servedBy").forEach(host -> {
            if (!host.asText().startsWith(self)) {
              servedByTheOther.merge(self, 1, Integer::sum);
            }
          });
        }
        assertThat(states).as("both answer %s alike", target).hasSize(2).containsOnly(states.get(0));
      }
      assertThat(servedByTheOther).as("each answered parts from the other's stores").containsOnlyKeys(
          detectors.stream().map(d -> "127.0.0.1:" + d.port()).toArray(String[]::new));
      for (ChildDetector d : detectors) {
        HttpResponse<String> fleets = get("http://127.0.0.1:" + d.port() + "/api/v1/fleets", token);
        assertThat(fleets.statusCode()).as(fleets.body()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        JSON.readTree(fleets.body()).path("fleets").forEach(f -> listed.add(f.path("fleet").asText()));
        assertThat(listed)
            .as("every fleet, from both instances' tasks").containsExactly("airline-ops", "bank-branches", "hospital-frontdesk", "retail-tills");
        HttpResponse<String> halts = get("http://127.0.0.1:" + d.port() + "/api/v1/halts", token);
        assertThat(halts.statusCode()).as(halts.body()).isEqualTo(200);
        assertThat(JSON.readTree(halts.body()).path("halts").findValuesAsText("target")).contains(HALTED);
        // one key's routes, answered by either, from whichever holds airline-ops/channel-291
        for (String route : List.of("/api/v1/fleets/airline-ops/components/channel-291/versions",
            "/api/v1/crash-rates?fleet=airline-ops&component=channel-291&version=r41",
            "/api/v1/signatures?fleet=airline-ops&component=channel-291&version=r41")) {
          HttpResponse<String> answer = get("http://127.0.0.1:" + d.port() + route, token);
          assertThat(answer.statusCode()).as("%s from %s: %s", route, d.port(), answer.body()).isEqualTo(200);
        }
        assertThat(get("http://127.0.0.1:" + d.port() + "/api/v1/signatures?fleet=airline-ops&component=channel-291&version=r41",
            token).body()).contains("0x50/csagent.sys");
      }
      HttpResponse<String> list = get("http://127.0.0.1:" + detectors.get(1).port() + "/api/v1/targets", token);
      assertThat(JSON.readTree(list.body()).path("instances")).hasSize(2);
      assertThat(list.body()).contains(HALTED, UNDER_TEST.get(2));
    } finally {
      for (ChildDetector d : detectors) {
        d.close();
      }
    }
  }

  /**
   * The analysts' routes of the same detector: every fleet with the versions its devices run, each version's
   * devices and failed devices as the scenario made them, and the standing HALT with its evidence.
   */
  private static void assertAnalystsRoutes(String url, ScenarioReport report, String standingHalt) throws Exception {
    HttpResponse<String> fleets = get(url + "/api/v1/fleets", null);
    System.out.println(fleets.body());
    assertThat(fleets.statusCode()).as(fleets.body()).isEqualTo(200);
    JsonNode airline = null;
    for (JsonNode f : JSON.readTree(fleets.body()).path("fleets")) {
      if (f.path("fleet").asText().equals("airline-ops")) {
        airline = f;
      }
    }
    assertThat(airline).as("airline-ops listed").isNotNull();
    assertThat(airline.path("devices").asLong()).isEqualTo(1500);
    assertThat(airline.path("components").findValuesAsText("component")).containsExactly("channel-291", "sensor");

    for (var rollout : report.rollouts()) {
      String path = "/api/v1/fleets/" + rollout.fleet() + "/components/" + rollout.component() + "/versions";
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode versions = JSON.readTree(get(url + path, null).body());
        JsonNode version = null;
        for (JsonNode v : versions.path("versions")) {
          if (v.path("version").asText().equals(rollout.version())) {
            version = v;
          }
        }
        assertThat(version).as("%s in %s", rollout.version(), versions).isNotNull();
        assertThat(version.path("devices").asLong()).as("devices on %s", path).isEqualTo(rollout.installed());
        long failed = version.path("failed").path("devices").asLong();
        JsonNode series = JSON.readTree(get(url + "/api/v1/crash-rates?fleet=" + rollout.fleet() + "&component="
            + rollout.component() + "&version=" + rollout.version() + "&from=" + (System.currentTimeMillis() - 600_000), null).body());
        long perMinute = 0;
        for (JsonNode m : series.path("minutes")) {
          perMinute += m.path("version").path("failures").asLong();
        }
        assertThat(perMinute).as("the minutes' failures add up to the version's failed devices").isEqualTo(failed);
        assertThat(series.path("minutes").get(series.path("minutes").size() - 1).path("control").path("devices").asLong())
            .as("the control: the fleet's other devices").isEqualTo(version.path("status").path("rollout").path("devicesSeen").asLong()
                - version.path("devices").asLong());
        if (rollout.isHalted()) {
          // the scenario counts the devices that crashed until the HALT took effect; the detector, every one
          assertThat(failed).as("failed devices on %s", path).isBetween((long) rollout.crashed(), (long) rollout.installed());
        } else {
          // devices the scenario stops at its end go dark, for the detector as for a fleet: crashes are compared
          long crashes = version.path("failed").path("crashed").asLong() + version.path("failed").path("uncleanReboots").asLong();
          assertThat(crashes).as("devices that crashed on %s", path).isEqualTo(rollout.crashed());
        }
      });
    }
    JsonNode signatures = JSON.readTree(get(url + "/api/v1/signatures?fleet=airline-ops&component=channel-291&version=r41", null).body());
    System.out.println(signatures);
    JsonNode top = signatures.path("signatures").get(0);
    assertThat(top.path("signature").asText()).isEqualTo("0x50/csagent.sys");
    assertThat(top.path("isNew").asBoolean()).as("r40 never crashed so").isTrue();
    assertThat(top.path("devices").asLong()).isPositive().isLessThanOrEqualTo(top.path("crashes").asLong());
    assertThat(signatures.path("previousVersion").asText()).isEqualTo("r40");
    HttpResponse<String> halts = get(url + "/api/v1/halts?fleet=airline-ops", null);
    System.out.println(halts.body());
    assertThat(halts.statusCode()).isEqualTo(200);
    JsonNode halt = JSON.readTree(halts.body()).path("halts").get(0);
    assertThat(halt.path("target").asText()).isEqualTo(HALTED);
    assertThat(halt.path("standing").asBoolean()).isTrue();
    assertThat(halt.path("commandId").asText()).isEqualTo(standingHalt);
    assertThat(halt.path("evidence").path("topSignature").asText()).contains("csagent.sys");
    assertThat(halt.path("resumeCommand").asText()).contains("--halt " + standingHalt);
    JsonNode first = JSON.readTree(get(url + "/api/v1/fleets?limit=1", null).body());
    assertThat(first.path("fleets")).hasSize(1);
    assertThat(first.path("truncated").asBoolean()).isTrue();
    assertThat(get(url + "/api/v1/halts?limit=0", null).statusCode()).isEqualTo(400);
    assertThat(get(url + "/api/v1/crash-rates?fleet=airline-ops&component=channel-291&version=r41&from=2026-12-01T00:00:00Z"
        + "&to=2026-12-03T00:00:00Z", null).statusCode()).as("more than a day").isEqualTo(400);
    assertThat(get(url + "/api/v1/signatures?fleet=airline-ops&component=channel-291", null).statusCode())
        .as("no version").isEqualTo(400);
    assertThat(get(url + "/api/v1/fleets/airline-ops/components/nothing/versions", null).statusCode()).isEqualTo(404);
  }

  private record StatusRun(int exit, String out, String err) {
  }

  private static StatusRun status(String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit = new picocli.CommandLine(new StatusCommand(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8))).execute(args);
    return new StatusRun(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  private ScenarioReport play(Scenario scenario, DetectorSettings settings) throws Exception {
    ScenarioReport report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(dir, settings), null,
        p -> { });
    System.out.println(report.toJsonString());
    return report;
  }

  /** The HALT the kill switch shows for the halted target, as a rollout service reads it. */
  private static String standingHalt(DetectorSettings settings) throws Exception {
    try (KillSwitchListener listener = new KillSwitchListener(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics().killSwitch(), settings.topics().killSwitchLease(),
        TestDetectorSettings.verifier(settings), (target, command) -> { })) {
      assertThat(listener.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      KillSwitchCommand command = listener.view().commandOf(HALTED);
      return command.getCommandId();
    }
  }

  private static HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replace("*", "%2A"))).timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
