package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.StateFormatException;
import io.crashwatch.serde.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Why the detector stopped decides its exit code: 2 when only a setting can help, 1 when a restart can. */
class StopCauseTest {

  @Test
  void shouldExitAsABadConfigWhenTheRegistryRefusesTheCredentials() {
    StopCause cause = StopCause.of(streamFailure(
        new SchemaRegistryException("Schema registry refused the credentials: ... basic.auth.user.info ...", 401, 401)));

    assertThat(cause.exitCode()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(cause.message()).contains("refused the credentials", "basic.auth.user.info");
  }

  @Test
  void shouldSayTheRegistryCouldNotBeReachedAndExitForARestart() {
    StopCause cause = StopCause.of(streamFailure(
        new SchemaRegistryException("Schema registry unavailable: GET http://r/schemas/ids/7 returned HTTP 503", 503, -1)));

    assertThat(cause.exitCode()).isEqualTo(1);
    assertThat(cause.message()).contains("could not be reached", "without committing", "HTTP 503");
  }

  @Test
  void shouldExitAsABadConfigWhenTheRegistryRejectsTheDetectorsRequest() {
    StopCause cause = StopCause.of(streamFailure(
        new SchemaRegistryException("POST http://r/subjects/x-value/versions returned HTTP 409", 409, 409)));

    assertThat(cause.exitCode()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(cause.message()).contains("HTTP 409");
  }

  @Test
  void shouldExitAsABadConfigOnStateItCannotRead() {
    StopCause cause = StopCause.of(new StreamsException("task failed",
        new StateFormatException("KillSwitchState was written in format 3; this detector reads formats 0 and 1")));

    assertThat(cause.exitCode()).as("restarting reads the same state: a supervisor must not loop")
        .isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(cause.message()).isEqualTo("unreadable state: KillSwitchState was written in format 3; this detector reads formats 0 and 1");
  }

  @Test
  void shouldExitForARestartOnAnyOtherFailure() {
    StopCause cause = StopCause.of(new StreamsException(new IllegalStateException("a bug")));

    assertThat(cause.exitCode()).isEqualTo(1);
    assertThat(cause.message()).contains("a bug");
  }

  private static StreamsException streamFailure(SchemaRegistryException fault) {
    return new StreamsException("Deserialization exception handler is set to fail",
        new SerializationException("Cannot deserialize record from topic 't'", fault));
  }
}
