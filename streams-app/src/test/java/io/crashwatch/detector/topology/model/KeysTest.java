package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The composite keys and the crash signature read back what they were built from. */
class KeysTest {

  @Test
  void shouldBuildAndParseFleetComponentKeys() {
    FleetComponentKey key = new FleetComponentKey("airline-ops", "channel-291");

    assertThat(key).hasToString("airline-ops/channel-291");
    assertThat(FleetComponentKey.parse(key.toString())).isEqualTo(key);
  }

  @Test
  void shouldKeyAVersionAndItsSignatures() {
    VersionKey key = new VersionKey("channel-291", "r41");

    assertThat(key).hasToString("channel-291/r41");
    assertThat(key.withSignature("0x50/csagent.sys")).isEqualTo("channel-291/r41/0x50/csagent.sys");
  }

  @Test
  void shouldBuildAndParseFleetAndGlobalTargets() {
    Target fleet = Target.parse("airline-ops/channel-291/r41");
    Target global = Target.parse("*/channel-291/r41");

    assertThat(fleet).isEqualTo(new Target("airline-ops", "channel-291", "r41")).hasToString("airline-ops/channel-291/r41");
    assertThat(global).isEqualTo(Target.global("channel-291", "r41")).hasToString("*/channel-291/r41");
    assertThat(VersionKey.of(fleet)).isEqualTo(VersionKey.of(global)).hasToString("channel-291/r41");
    assertThat(FleetComponentKey.of(fleet)).hasToString("airline-ops/channel-291");
  }

  @Test
  void shouldRefuseMalformedTargets() {
    assertThatThrownBy(() -> Target.parse("airline-ops/channel-291")).hasMessageContaining("is not fleetId/component/version");
    assertThatThrownBy(() -> Target.parse("airline-ops/*/r41")).hasMessageContaining("empty or '*'");
    assertThatThrownBy(() -> Target.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeyVerdictsAndRateSamplesByTheirVersionInTheirFleet() {
    Verdict verdict = new Verdict("airline-ops", "channel-291", "r41", "CRASH_SPIKE", 0, null, 0, 0);
    RateSample sample = new RateSample("airline-ops", "channel-291", "r41", 40, null, 0);

    assertThat(verdict.target()).hasToString("airline-ops/channel-291/r41");
    assertThat(sample.key()).isEqualTo(verdict.target());
  }

  @Test
  void shouldReadBackTheBugcheckCodeAndModuleOfASignature() {
    String named = CrashSignature.of(0x50, "csagent.sys");
    String unnamed = CrashSignature.of(0xC000021A, null);

    assertThat(named).isEqualTo("0x50/csagent.sys");
    assertThat(CrashSignature.bugcheckCode(named)).isEqualTo(0x50);
    assertThat(CrashSignature.faultingModule(named)).isEqualTo("csagent.sys");
    assertThat(unnamed).isEqualTo("0xC000021A/unknown");
    assertThat(CrashSignature.bugcheckCode(unnamed)).isEqualTo(0xC000021A);
    assertThat(CrashSignature.faultingModule(unnamed)).isNull();
  }
}
