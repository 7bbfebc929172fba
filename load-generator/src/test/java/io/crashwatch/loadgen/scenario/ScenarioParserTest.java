package io.crashwatch.loadgen.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.schemas.OperatorAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioParserTest {

  /** The contract's example, as written in DESIGN.md's "Scenario files". */
  private static final String CONTRACT_EXAMPLE = """
      name: july-19
      seed: 19072024
      duration: 90s
      heartbeat-interval: 2s
      detector: {bake-time: 10m}                # optional: detector settings scaled to the scenario
      fleets:
        - id: airline-ops
          devices: 5000
          crash-rate-per-device-hour: 0.01      # background crashes, any version
          components: {sensor: "7.11.18110", channel-291: "r40"}
          # realism (names may be refined; documented and validated like the rest):
          # flaky-fraction + flaky-multiplier (devices that fail far more often, always),
          # sleep (a share of devices silent on a schedule, SHUTDOWN first or not),
          # offline-fraction (hosts offline for the whole rollout), clock-skew (share + amount)
      rollouts:
        - fleet: "*"                            # one fleet id, or every fleet (one rollout each)
          component: channel-291
          version: r41
          start: 20s
          waves: [0.01, 0.05, 0.25, 1.0]        # cumulative fraction of the fleet
          wave-interval: 10s                    # each wave's devices install at random moments
                                                # within its interval; a halt stops the rest
          wave-order: random                    # random | flaky-first: which devices go first
          expect: halt                          # halt | no-halt; default: halt when effect is set
          expect-alerts: []                     # alert kinds that must fire, e.g. [FLEET_INCIDENT]
          effect:                               # absent: a healthy rollout
            crash-probability: 0.95             # one-shot, per device that installs it
            crash-delay: 3s                     # mean time from install to that crash
            crash-rate-multiplier: 1.0          # continuous: × the fleet's background crash rate
            boot-loop: true                     # crashed devices stop heartbeating
            report-probability: 0.3             # share of crashes that upload a report
            report-delay: 0s                    # mean time from crash to upload (after reboot)
            bugcheck: 0x50
            faulting-module: csagent.sys
      operator:                                 # optional: a person's commands at given times
        - {at: 70s, action: RESUME, target: airline-ops/channel-291/r41}
      incidents:                                # not caused by any rollout: must not halt one
        - fleet: airline-ops
          at: 45s
          for: 20s
          dark-fraction: 0.3                    # devices of every version that go silent
          crash-fraction: 0.0                   # devices of every version that crash once
      """;

  /** A valid scenario the validation cases break one line at a time; the line numbers are in the messages. */
  private static final String BASE = """
      name: test
      duration: 90s
      heartbeat-interval: 2s
      fleets:
        - id: airline-ops
          devices: 100
          crash-rate-per-device-hour: 0.01
          components: {sensor: "7.11.18110", channel-291: r40}
        - id: hospital
          devices: 50
          components:
            channel-291: r40
      rollouts:
        - fleet: airline-ops
          component: channel-291
          version: r41
          start: 20s
          waves: [0.01, 0.05, 0.25, 1.0]
          wave-interval: 10s
          effect:
            crash-probability: 0.95
            report-probability: 0.3
      incidents:
        - fleet: airline-ops
          at: 45s
          for: 20s
          dark-fraction: 0.3
      """;

  private static final Path SCENARIOS = Path.of("scenarios"); // surefire runs in the module's directory

  @Test
  void shouldParseTheContractExampleIntoExactValues() {
    Scenario s = ScenarioParser.parse(CONTRACT_EXAMPLE, "july-19.yaml");

    assertThat(s.name()).isEqualTo("july-19");
    assertThat(s.seed()).isEqualTo(19072024L);
    assertThat(s.duration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.fleets()).containsExactly(new FleetSpec("airline-ops", 5000, 0.01,
        Map.of("sensor", "7.11.18110", "channel-291", "r40")));
    assertThat(s.detector()).isEqualTo(Map.of("bake-time", "10m"));
    assertThat(s.operator()).containsExactly(new OperatorStep(Duration.ofSeconds(70), OperatorAction.RESUME,
        "airline-ops/channel-291/r41", ScenarioParser.DEFAULT_OPERATOR_REASON));
    assertThat(s.fleets().get(0).components().keySet()).containsExactly("sensor", "channel-291");
    assertThat(s.rollouts()).containsExactly(new RolloutSpec("*", "channel-291", "r41", Duration.ofSeconds(20),
        List.of(0.01, 0.05, 0.25, 1.0), Duration.ofSeconds(10), Expect.HALT,
        new EffectSpec(0.95, Duration.ofSeconds(3), 1.0, true, 0.3, Duration.ZERO, 0x50, "csagent.sys"), List.of(),
        RolloutSpec.WaveOrder.RANDOM));
    assertThat(s.incidents()).containsExactly(new IncidentSpec("airline-ops", Duration.ofSeconds(45),
        Duration.ofSeconds(20), 0.3, 0.0));
    assertThat(s.fleetsOf(s.rollouts().get(0))).extracting(FleetSpec::id).containsExactly("airline-ops");
  }

  @Test
  void shouldApplyTheDefaults() {
    Scenario s = ScenarioParser.parse("""
        name: defaults
        duration: 1m
        fleets:
          - id: f
            devices: 10
            components: {c: v1}
        rollouts:
          - {fleet: f, component: c, version: v2, start: 0s, waves: [1.0], wave-interval: 5s}
          - {fleet: f, component: c, version: v3, start: 30s, waves: [1.0], wave-interval: 5s, effect: {}}
        incidents:
          - {fleet: f, at: 0s, for: 5s}
        """, "defaults.yaml");

    assertThat(s.seed()).isZero();
    assertThat(s.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.fleets().get(0).crashRatePerDeviceHour()).isZero();
    RolloutSpec healthy = s.rollouts().get(0);
    assertThat(healthy.effect()).isNull();
    assertThat(healthy.bad()).isFalse();
    assertThat(healthy.expect()).isEqualTo(Expect.NO_HALT);
    RolloutSpec bad = s.rollouts().get(1);
    assertThat(bad.expect()).isEqualTo(Expect.HALT);
    assertThat(bad.effect()).isEqualTo(
        new EffectSpec(0, Duration.ofSeconds(3), 1.0, false, 1.0, Duration.ZERO, 80, null));
    assertThat(s.incidents()).containsExactly(new IncidentSpec("f", Duration.ZERO, Duration.ofSeconds(5), 0, 0));
  }

  @Test
  void shouldTreatAbsentRolloutsAndIncidentsAsNone() {
    Scenario s = ScenarioParser.parse("name: quiet\nduration: 10s\nfleets: [{id: f, devices: 1}]\n", "quiet.yaml");

    assertThat(s.rollouts()).isEmpty();
    assertThat(s.incidents()).isEmpty();
    assertThat(s.fleets().get(0).components()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0x50           | 80",
      "'\"0x50\"'     | 80",
      "80             | 80",
      "0x7E           | 126",
      "0xC000021A     | -1073741286", // a 32-bit stop code, carried bit for bit
  })
  void shouldReadBugcheckCodesAsYaml11Integers(String written, int expected) {
    String yaml = BASE.replace("crash-probability: 0.95", "crash-probability: 0.95\n      bugcheck: " + written);

    assertThat(ScenarioParser.parse(yaml, "s.yaml").rollouts().get(0).effect().bugcheck()).isEqualTo(expected);
  }

  @Test
  void shouldResolveAnchorsAndAliases() {
    String yaml = BASE
        .replace("    effect:\n", "    effect: &bad\n")
        .replace("incidents:", """
              - fleet: hospital
                component: channel-291
                version: r41
                start: 30s
                waves: [1.0]
                wave-interval: 10s
                effect: *bad
            incidents:""");

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    assertThat(s.rollouts().get(1).effect()).isEqualTo(s.rollouts().get(0).effect());
    assertThat(s.rollouts().get(1).effect().crashProbability()).isEqualTo(0.95);
  }

  @Test
  void shouldParseEveryShippedScenario() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(SCENARIOS)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }

    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        "july-19.yaml", "july-19-unstaged.yaml", "healthy-rollout.yaml", "slow-burn.yaml", "noisy-fleet.yaml",
        "network-incident.yaml", "two-fleets.yaml", "late-reports.yaml", "slow-burn-stragglers.yaml",
        "outage-after-push.yaml", "incident-as-wave-lands.yaml", "july-19-resumed.yaml", "sleeping-laptops.yaml",
        "skewed-clocks.yaml", "rollback-and-reroll.yaml", "spike-after-bake.yaml", "blame-the-change.yaml");
    for (Path file : files) {
      Scenario s = ScenarioParser.parse(file);
      String name = file.getFileName().toString().replace(".yaml", "");
      assertThat(s.name()).as(file.toString()).isEqualTo(name);
      assertThat(Files.readString(file)).as("%s opens with a comment saying what it shows", file)
          .startsWith("# " + name + " — ");
      // What the embedded stack on two cores can play, with the detector's dark-after at 6 s.
      assertThat(s.duration()).as(file.toString()).isLessThanOrEqualTo(Duration.ofMinutes(2));
      assertThat(s.heartbeatInterval()).as(file.toString()).isEqualTo(Duration.ofSeconds(2));
      assertThat(s.fleets()).as(file.toString()).allSatisfy(f -> assertThat(f.devices()).isLessThanOrEqualTo(5000));
      assertThat(s.fleets().stream().mapToInt(FleetSpec::devices).sum()).as(file.toString()).isLessThanOrEqualTo(12_000);
      assertThat(s.rollouts()).as(file.toString()).isNotEmpty();
    }
  }

  @Test
  void shouldShipScenariosThatExpectWhatTheyShow() {
    Scenario contract = ScenarioParser.parse(CONTRACT_EXAMPLE, "july-19.yaml");
    // The demo's july-19 is the contract's example without its operator's RESUME and its detector block
    // (the production bake-time); july-19-resumed is the example in full.
    assertThat(ScenarioParser.parse(SCENARIOS.resolve("july-19.yaml"))).isEqualTo(new Scenario(contract.name(),
        contract.seed(), contract.duration(), contract.heartbeatInterval(), contract.fleets(), contract.rollouts(),
        contract.incidents(), List.of(), Map.of()));
    Scenario resumed = ScenarioParser.parse(SCENARIOS.resolve("july-19-resumed.yaml"));
    assertThat(resumed).isEqualTo(new Scenario("july-19-resumed", contract.seed(), contract.duration(),
        contract.heartbeatInterval(), contract.fleets(), contract.rollouts(), contract.incidents(), contract.operator(),
        contract.detector()));
    assertThat(expects("july-19-unstaged.yaml")).containsOnly(Expect.HALT);
    assertThat(expects("healthy-rollout.yaml")).containsOnly(Expect.NO_HALT);
    assertThat(expects("slow-burn.yaml")).containsOnly(Expect.HALT);
    assertThat(expects("noisy-fleet.yaml")).containsOnly(Expect.NO_HALT);
    assertThat(expects("network-incident.yaml")).containsOnly(Expect.NO_HALT);
    assertThat(expects("two-fleets.yaml")).containsExactly(Expect.HALT, Expect.HALT, Expect.HALT);
    assertThat(expects("late-reports.yaml")).containsOnly(Expect.HALT);

    Scenario unstaged = ScenarioParser.parse(SCENARIOS.resolve("july-19-unstaged.yaml"));
    assertThat(unstaged.fleetsOf(unstaged.rollouts().get(0))).hasSizeBetween(2, 3);
    assertThat(unstaged.rollouts().get(0).waves()).containsExactly(1.0);

    Scenario slowBurn = ScenarioParser.parse(SCENARIOS.resolve("slow-burn.yaml"));
    EffectSpec burn = slowBurn.rollouts().get(0).effect();
    assertThat(burn.crashProbability()).isZero();
    assertThat(burn.crashRateMultiplier()).isGreaterThan(1);
    assertThat(burn.bootLoop()).isFalse();

    // The incident comes while a control exists: the rollout stops short of the whole fleet.
    Scenario incident = ScenarioParser.parse(SCENARIOS.resolve("network-incident.yaml"));
    RolloutSpec staged = incident.rollouts().get(0);
    assertThat(staged.waves().get(staged.waves().size() - 1)).isLessThan(1.0);
    assertThat(incident.incidents()).singleElement().satisfies(i -> {
      assertThat(i.darkFraction()).isBetween(0.3, 0.34);
      assertThat(i.duration()).isEqualTo(Duration.ofSeconds(20));
      assertThat(i.at()).isGreaterThan(staged.start().plus(staged.waveInterval().multipliedBy(staged.waves().size())));
    });

    // The same version to two fleets, and a third fleet's rollout of it that starts after both.
    Scenario twoFleets = ScenarioParser.parse(SCENARIOS.resolve("two-fleets.yaml"));
    assertThat(twoFleets.rollouts()).extracting(RolloutSpec::version).containsOnly("7.12.18401");
    assertThat(twoFleets.rollouts()).extracting(RolloutSpec::fleet).doesNotHaveDuplicates().doesNotContain("*");
    assertThat(twoFleets.rollouts().get(2).start()).isEqualTo(Duration.ofSeconds(60));

    EffectSpec late = ScenarioParser.parse(SCENARIOS.resolve("late-reports.yaml")).rollouts().get(0).effect();
    assertThat(late.bootLoop()).isFalse();
    assertThat(late.reportDelay()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
  }

  // ---- validation: file, line and key path in every message ----

  @Test
  void shouldRejectAnUnknownKeyNamingItsLine() {
    String yaml = BASE.replace("wave-interval: 10s", "wave-intervall: 10s");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "july-19.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("july-19.yaml:19: rollouts[0].wave-intervall: unknown key (expected one of: fleet, component,"
            + " version, start, waves, wave-interval, wave-order, expect, expect-alerts, effect)");
  }

  /** Detection settings scaled to the scenario, checked as the detector checks them. */
  @Test
  void shouldReadTheDetectorBlockAndRejectWhatTheDetectorWouldRefuse() {
    String yaml = BASE.replace("heartbeat-interval: 2s", "heartbeat-interval: 2s\ndetector: {bake-time: 10m, baseline-window: 1h}");

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    assertThat(s.detector()).containsExactlyInAnyOrderEntriesOf(Map.of("bake-time", "10m", "baseline-window", "1h"));
    assertThat(s.detectorSettings()).containsEntry("heartbeat-interval", "2s").containsEntry("bake-time", "10m");
    assertThatThrownBy(() -> ScenarioParser.parse(yaml.replace("bake-time", "bake-tme"), "s.yaml"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("unknown detector setting 'bake-tme' (one of: ");
    assertThatThrownBy(() -> ScenarioParser.parse(yaml.replace("10m", "soon"), "s.yaml"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("invalid detector setting").hasMessageContaining("bake-time");
  }

  /** Devices that differ, hosts offline for the whole run, and canary rings of the flakiest first. */
  @Test
  void shouldReadRealFleetsAndWaveOrder() {
    String yaml = BASE.replace("crash-rate-per-device-hour: 0.01", "crash-rate-per-device-hour: 0.01\n    flaky-fraction: 0.1\n"
            + "    flaky-multiplier: 100\n    offline-fraction: 0.05")
        .replace("wave-interval: 10s", "wave-interval: 10s\n    wave-order: flaky-first");

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    assertThat(s.fleets().get(0)).extracting(FleetSpec::flakyFraction, FleetSpec::flakyMultiplier, FleetSpec::offlineFraction)
        .containsExactly(0.1, 100.0, 0.05);
    assertThat(s.fleets().get(1)).extracting(FleetSpec::flakyFraction, FleetSpec::flakyMultiplier, FleetSpec::offlineFraction)
        .containsExactly(0.0, 1.0, 0.0);
    assertThat(s.rollouts().get(0).waveOrder()).isEqualTo(RolloutSpec.WaveOrder.FLAKY_FIRST);
    assertThat(ScenarioParser.parse(yaml.replace("    flaky-multiplier: 100\n", ""), "s.yaml").fleets().get(0).flakyMultiplier())
        .as("flaky-fraction alone").isEqualTo(10.0);
    assertThatThrownBy(() -> ScenarioParser.parse(yaml.replace("flaky-first", "flakiest"), "s.yaml"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("expected random or flaky-first, got 'flakiest'");
    assertThatThrownBy(() -> ScenarioParser.parse(yaml.replace("flaky-multiplier: 100", "flaky-multiplier: 0.5"), "s.yaml"))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("0.5 is below 1");
  }

  @Test
  void shouldReadExpectedAlertsAndRejectAnUnknownKindNamingTheKinds() {
    String yaml = BASE.replace("wave-interval: 10s", "wave-interval: 10s\n    expect-alerts: [FLEET_INCIDENT]");
    assertThat(ScenarioParser.parse(yaml, "s.yaml").rollouts().get(0).expectAlerts())
        .containsExactly(io.crashwatch.schemas.AlertKind.FLEET_INCIDENT);

    assertThatThrownBy(() -> ScenarioParser.parse(yaml.replace("FLEET_INCIDENT", "FLEET_INCIDNET"), "s.yaml"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith("s.yaml:20: rollouts[0].expect-alerts[0]: unknown alert kind 'FLEET_INCIDNET' (one of: ")
        .hasMessageContaining("FLEET_INCIDENT").hasMessageNotContaining("UNKNOWN");
  }

  @Test
  void shouldRejectANegativeRate() {
    String yaml = BASE.replace("crash-rate-per-device-hour: 0.01", "crash-rate-per-device-hour: -0.5");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:7: fleets[0].crash-rate-per-device-hour: -0.5 is negative");
  }

  @Test
  void shouldRejectAWaveFractionAboveOne() {
    String yaml = BASE.replace("[0.01, 0.05, 0.25, 1.0]", "[0.01, 0.05, 1.5, 1.0]");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "july-19.yaml"))
        .hasMessage("july-19.yaml:18: rollouts[0].waves[2]: 1.5 is above 1 (a cumulative fraction of the fleet)");
  }

  @Test
  void shouldRejectASlashInAFleetId() {
    String yaml = BASE.replace("- id: hospital", "- id: hospital/icu");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:9: fleets[1].id: fleet id 'hospital/icu' contains '/' (targets are fleet/component/version)");
  }

  @Test
  void shouldRejectARolloutToAnUnknownFleet() {
    String yaml = BASE.replace("  - fleet: airline-ops\n    component", "  - fleet: airline-opz\n    component");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:14: rollouts[0].fleet: unknown fleet 'airline-opz' (fleets: airline-ops, hospital)");
  }

  @Test
  void shouldRejectAComponentMissingFromAFleetOfAnEveryFleetRollout() {
    String yaml = BASE.replace("  - fleet: airline-ops\n    component: channel-291",
        "  - fleet: \"*\"\n    component: sensor");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:15: rollouts[0].component: fleet hospital has no component sensor (it has: channel-291)");
  }

  @Test
  void shouldNameTheFileOfAPath() {
    assertThatThrownBy(() -> ScenarioParser.parse(Path.of("no-such-scenario.yaml")))
        .isInstanceOf(ScenarioException.class)
        .hasMessage("no-such-scenario.yaml: no such file");
  }

  /**
   * Each rule, by breaking one line of {@link #BASE} ({@code \n} in the replacement is a line break).
   * The message starts with the file, the line and the key path.
   */
  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      // unknown keys, at every level
      "heartbeat-interval: 2s          | heartbeat-intervall: 2s             | s.yaml:3: heartbeat-intervall: unknown key",
      "devices: 50                     | devices: 50\\n    region: eu          | s.yaml:11: fleets[1].region: unknown key",
      "report-probability: 0.3         | report-probabilty: 0.3              | s.yaml:22: rollouts[0].effect.report-probabilty: unknown key",
      "dark-fraction: 0.3              | dark-fractoin: 0.3                  | s.yaml:27: incidents[0].dark-fractoin: unknown key",
      "devices: 50                     | devices: 50\\n    devices: 60         | s.yaml:11: fleets[1].devices: duplicate key",
      // required keys
      "name: test                      | # nameless                          | s.yaml:1: name: is required",
      "duration: 90s                   | duration:                           | s.yaml:2: duration: is required",
      "- id: hospital\\n    devices: 50 | - id: hospital\\n                   | s.yaml:9: fleets[1].devices: is required",
      "- id: airline-ops\\n            | - \\n                               | s.yaml:6: fleets[0].id: is required",
      "    version: r41                |                                     | s.yaml:14: rollouts[0].version: is required",
      "    component: channel-291      |                                     | s.yaml:14: rollouts[0].component: is required",
      "    start: 20s                  |                                     | s.yaml:14: rollouts[0].start: is required",
      "    waves: [0.01, 0.05, 0.25, 1.0] |                                  | s.yaml:14: rollouts[0].waves: is required",
      "    wave-interval: 10s          |                                     | s.yaml:14: rollouts[0].wave-interval: is required",
      "- fleet: airline-ops\\n    at    | -\\n    at                          | s.yaml:25: incidents[0].fleet: is required",
      "    at: 45s                     |                                     | s.yaml:24: incidents[0].at: is required",
      "    for: 20s                    |                                     | s.yaml:24: incidents[0].for: is required",
      // numbers
      "devices: 100                    | devices: 0                          | s.yaml:6: fleets[0].devices: 0 is below 1 (a fleet has at least one device)",
      "devices: 100                    | devices: many                       | s.yaml:6: fleets[0].devices: expected a whole number, got 'many'",
      "devices: 100                    | devices: 1.5                        | s.yaml:6: fleets[0].devices: expected a whole number, got '1.5'",
      "crash-rate-per-device-hour: 0.01 | crash-rate-per-device-hour: .nan   | s.yaml:7: fleets[0].crash-rate-per-device-hour: .nan is not a number",
      "crash-rate-per-device-hour: 0.01 | crash-rate-per-device-hour: .inf   | s.yaml:7: fleets[0].crash-rate-per-device-hour: .inf is not a finite number",
      "crash-probability: 0.95         | crash-probability: 1.2              | s.yaml:21: rollouts[0].effect.crash-probability: 1.2 is outside [0, 1]",
      "crash-probability: 0.95         | crash-rate-multiplier: -2           | s.yaml:21: rollouts[0].effect.crash-rate-multiplier: -2 is negative",
      "report-probability: 0.3         | report-probability: -0.1            | s.yaml:22: rollouts[0].effect.report-probability: -0.1 is outside [0, 1]",
      "dark-fraction: 0.3              | dark-fraction: 1.5                  | s.yaml:27: incidents[0].dark-fraction: 1.5 is outside [0, 1]",
      "dark-fraction: 0.3              | crash-fraction: .NaN                | s.yaml:27: incidents[0].crash-fraction: .NaN is not a number",
      "crash-probability: 0.95         | bugcheck: 0x1FFFFFFFF               | s.yaml:21: rollouts[0].effect.bugcheck: 0x1FFFFFFFF is not a bugcheck code",
      "crash-probability: 0.95         | boot-loop: maybe                    | s.yaml:21: rollouts[0].effect.boot-loop: expected true or false, got 'maybe'",
      "name: test                      | name: test\\nseed: lucky            | s.yaml:2: seed: expected a whole number, got 'lucky'",
      // waves
      "[0.01, 0.05, 0.25, 1.0]         | [0.01, 0.05, 1.5, 1.0]              | s.yaml:18: rollouts[0].waves[2]: 1.5 is above 1 (a cumulative fraction of the fleet)",
      "[0.01, 0.05, 0.25, 1.0]         | [0, 0.5]                            | s.yaml:18: rollouts[0].waves[0]: 0 is not above 0",
      "[0.01, 0.05, 0.25, 1.0]         | [0.5, 0.25, 1.0]                    | s.yaml:18: rollouts[0].waves[1]: 0.25 is not above the wave before it, 0.5",
      "[0.01, 0.05, 0.25, 1.0]         | [0.5, 0.5]                          | s.yaml:18: rollouts[0].waves[1]: 0.5 is not above the wave before it",
      "[0.01, 0.05, 0.25, 1.0]         | []                                  | s.yaml:18: rollouts[0].waves: at least one wave is required",
      "[0.01, 0.05, 0.25, 1.0]         | 0.5                                 | s.yaml:18: rollouts[0].waves: expected a list, got '0.5'",
      "waves: [0.01, 0.05, 0.25, 1.0]  | waves:\\n      - 0.5\\n      - 1.2   | s.yaml:20: rollouts[0].waves[1]: 1.2 is above 1",
      // durations
      "duration: 90s                   | duration: 0s                        | s.yaml:2: duration: 0s is not longer than 0",
      "duration: 90s                   | duration: 90                        | s.yaml:2: duration: expected a duration like 500ms, 20s, 5m, 1h or 1d, got '90'",
      "heartbeat-interval: 2s          | heartbeat-interval: 0ms             | s.yaml:3: heartbeat-interval: 0ms is not longer than 0",
      "wave-interval: 10s              | wave-interval: 0s                   | s.yaml:19: rollouts[0].wave-interval: 0s is not longer than 0",
      "for: 20s                        | for: 0s                             | s.yaml:26: incidents[0].for: 0s is not longer than 0",
      "crash-probability: 0.95         | crash-delay: soon                   | s.yaml:21: rollouts[0].effect.crash-delay: expected a duration like",
      "start: 20s                      | start: 95s                          | s.yaml:17: rollouts[0].start: 95s is not before the scenario ends (duration: 90s)",
      "at: 45s                         | at: 90s                             | s.yaml:25: incidents[0].at: 90s is not before the scenario ends (duration: 90s)",
      // names: no '/' and not '*'
      "- id: hospital                  | - id: '*'                           | s.yaml:9: fleets[1].id: fleet id may not be '*'",
      "- id: hospital                  | - id: airline-ops                   | s.yaml:9: fleets[1].id: duplicate fleet id 'airline-ops'",
      "\\n      channel-291: r40        | \\n      channel/291: r40            | s.yaml:12: fleets[1].components.channel/291: component 'channel/291' contains '/'",
      "\\n      channel-291: r40        | \\n      channel-291: r4/0           | s.yaml:12: fleets[1].components.channel-291: version 'r4/0' contains '/'",
      "\\n      channel-291: r40        | \\n      '*': r40                    | s.yaml:12: fleets[1].components.*: component may not be '*'",
      "\\n      channel-291: r40        | \\n      channel-291:                | s.yaml:12: fleets[1].components.channel-291: the installed version of channel-291 is required",
      "version: r41                    | version: r/41                       | s.yaml:16: rollouts[0].version: version 'r/41' contains '/'",
      "version: r41                    | version: '*'                        | s.yaml:16: rollouts[0].version: version may not be '*'",
      "component: channel-291          | component: channel/291              | s.yaml:15: rollouts[0].component: component 'channel/291' contains '/'",
      // references between sections
      "component: channel-291          | component: sensor-x                 | s.yaml:15: rollouts[0].component: fleet airline-ops has no component sensor-x (it has: sensor, channel-291)",
      "version: r41                    | version: r40                        | s.yaml:16: rollouts[0].version: fleet airline-ops already runs channel-291 r40",
      "- fleet: airline-ops\\n    at    | - fleet: hospitl\\n    at             | s.yaml:24: incidents[0].fleet: unknown fleet 'hospitl' (fleets: airline-ops, hospital)",
      "- fleet: airline-ops\\n    at    | - fleet: '*'\\n    at                 | s.yaml:24: incidents[0].fleet: unknown fleet '*'",
      // expect, shapes and YAML itself
      "    effect:                     |     expect: maybe\\n    effect:       | s.yaml:20: rollouts[0].expect: expected halt or no-halt, got 'maybe'",
      "    effect:                     |     expect: no\\n    effect:          | s.yaml:20: rollouts[0].expect: expected halt or no-halt, got 'no'",
      "fleets:                         | fleets: []\\nfleetz:                | s.yaml:5: fleetz: unknown key",
      "rollouts:                       | rollouts: 3\\nrollout:              | s.yaml:14: rollout: unknown key",
      "[0.01, 0.05, 0.25, 1.0]         | [0.01, 0.05                         | s.yaml:19: not valid YAML: expected ',' or ']', but got : (while parsing a flow sequence from line 18)",
      "    effect:                     |     effect: *missing\\n    effecz:   | s.yaml:20: rollouts[0].effect: unknown alias *missing",
  })
  void shouldRejectAnInvalidScenarioNamingLineAndKeyPath(String find, String replace, String expectedStart) {
    String from = find.replace("\\n", "\n");
    String to = replace == null ? "" : replace.replace("\\n", "\n");
    assertThat(BASE).contains(from);
    String yaml = BASE.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .isInstanceOf(ScenarioException.class)
        .message().startsWith(expectedStart);
  }

  @Test
  void shouldRejectAScenarioWithoutFleets() {
    assertThatThrownBy(() -> ScenarioParser.parse("name: x\nduration: 10s\nfleets: []\n", "s.yaml"))
        .hasMessage("s.yaml:3: fleets: at least one fleet is required");
    assertThatThrownBy(() -> ScenarioParser.parse("name: x\nduration: 10s\n", "s.yaml"))
        .hasMessage("s.yaml:1: fleets: is required");
    assertThatThrownBy(() -> ScenarioParser.parse("# nothing here\n", "s.yaml"))
        .hasMessage("s.yaml:1: the file is empty");
    assertThatThrownBy(() -> ScenarioParser.parse("- name: x\n", "s.yaml"))
        .message().startsWith("s.yaml:1: expected a mapping with name, seed, duration");
  }

  @Test
  void shouldRejectTheSameTargetRolledOutTwice() {
    String yaml = BASE.replace("incidents:", """
          - fleet: "*"
            component: channel-291
            version: r41
            start: 30s
            waves: [1.0]
            wave-interval: 10s
        incidents:""");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:25: rollouts[1].version: airline-ops/channel-291/r41 is already rolled out by rollouts[0]"
            + " (a version may come back only after another one)");
  }

  @Test
  void shouldAllowARollbackAndAReRollOfAVersionAfterAnotherOne() {
    String yaml = BASE.replace("incidents:", """
          - {fleet: airline-ops, component: channel-291, version: r40, start: 40s, waves: [1.0], wave-interval: 5s}
          - {fleet: airline-ops, component: channel-291, version: r41, start: 60s, waves: [1.0], wave-interval: 5s}
        incidents:""");

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    assertThat(s.rollouts()).extracting(RolloutSpec::version).containsExactly("r41", "r40", "r41");
  }

  @Test
  void shouldRejectTwoRolloutsOfOneComponentToOneFleetStartingTogether() {
    String yaml = BASE.replace("incidents:", """
          - {fleet: "*", component: channel-291, version: r42, start: 20s, waves: [1.0], wave-interval: 5s}
        incidents:""");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml"))
        .hasMessage("s.yaml:23: rollouts[1].version: airline-ops/channel-291 is also rolled out at 20s by rollouts[0]"
            + " (rollouts of one component to one fleet follow each other)");
  }

  @Test
  void shouldReadSleepClockSkewAndOperatorSteps() {
    String yaml = BASE.replace("    devices: 50\n", "    devices: 50\n"
        + "    sleep: {fraction: 0.6, every: 40s, for: 20s, shutdown-first: true}\n"
        + "    clock-skew: {fraction: 0.1, amount: 10m}\n")
        + "operator:\n"
        + "  - {at: 50s, action: FORCE_HALT, target: \"hospital/channel-291/r9\", reason: by hand}\n"
        + "  - {at: 70s, action: RESUME, target: \"*/channel-291/r41\"}\n";

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    FleetSpec hospital = s.fleets().get(1);
    assertThat(hospital.sleep()).isEqualTo(new SleepSpec(0.6, Duration.ofSeconds(40), Duration.ofSeconds(20), true));
    assertThat(hospital.clockSkew()).isEqualTo(new ClockSkewSpec(0.1, Duration.ofMinutes(10)));
    assertThat(s.fleets().get(0).sleep()).isNull();
    assertThat(s.operator()).containsExactly(
        new OperatorStep(Duration.ofSeconds(50), OperatorAction.FORCE_HALT, "hospital/channel-291/r9", "by hand"),
        new OperatorStep(Duration.ofSeconds(70), OperatorAction.RESUME, "*/channel-291/r41",
            ScenarioParser.DEFAULT_OPERATOR_REASON));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      sleep: {fraction: 1.5, every: 40s, for: 20s}       | s.yaml:11: fleets[1].sleep.fraction: 1.5 is outside [0, 1]
      sleep: {fraction: 0.5, every: 40s, for: 40s}       | s.yaml:11: fleets[1].sleep.for: 40s is not shorter than every: 40s
      sleep: {fraction: 0.5, for: 20s}                   | s.yaml:11: fleets[1].sleep.every: is required
      sleep: {fraction: 0.5, every: 40s, for: 5s, shutdown: true} | s.yaml:11: fleets[1].sleep.shutdown: unknown key
      clock-skew: {fraction: 0.1}                        | s.yaml:11: fleets[1].clock-skew.amount: is required
      clock-skew: {fraction: 0.1, amount: 0s}            | s.yaml:11: fleets[1].clock-skew.amount: 0s is not longer than 0
      """)
  void shouldRejectABadSleepOrClockSkew(String line, String expectedStart) {
    String yaml = BASE.replace("    devices: 50\n", "    devices: 50\n    " + line + "\n");

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml")).message().startsWith(expectedStart);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {at: 50s, action: PAUSE, target: airline-ops/channel-291/r41}  | s.yaml:29: operator[0].action: expected RESUME or FORCE_HALT, got 'PAUSE'
      {at: 90s, action: RESUME, target: airline-ops/channel-291/r41} | s.yaml:29: operator[0].at: 90s is not before the scenario ends
      {at: 50s, action: RESUME, target: airline-ops/channel-291}     | s.yaml:29: operator[0].target: target 'airline-ops/channel-291' is not
      {at: 50s, action: RESUME, target: airlines/channel-291/r41}    | s.yaml:29: operator[0].target: unknown fleet 'airlines'
      {at: 50s, action: RESUME, target: hospital/sensor/r41}         | s.yaml:29: operator[0].target: no fleet of the target has component sensor
      {at: 50s, action: RESUME, target: x/y/z, actor: me}            | s.yaml:29: operator[0].actor: unknown key
      """)
  void shouldRejectABadOperatorStep(String step, String expectedStart) {
    String yaml = BASE + "operator:\n  - " + step + "\n";

    assertThatThrownBy(() -> ScenarioParser.parse(yaml, "s.yaml")).message().startsWith(expectedStart);
  }

  @Test
  void shouldAllowARolloutAndAnIncidentAtTheVeryStart() {
    String yaml = BASE.replace("start: 20s", "start: 0s").replace("at: 45s", "at: 0s");

    Scenario s = ScenarioParser.parse(yaml, "s.yaml");

    assertThat(s.rollouts().get(0).start()).isZero();
    assertThat(s.incidents().get(0).at()).isZero();
  }

  private static List<Expect> expects(String file) {
    return ScenarioParser.parse(SCENARIOS.resolve(file)).rollouts().stream().map(RolloutSpec::expect).toList();
  }
}
