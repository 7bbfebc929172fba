package io.crashwatch.detector.topology.rejects;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.serde.SchemaRegistryException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class UndecodableInputHandlerTest {

  @Test
  void shouldTellAnUnreachableRegistryFromABadRecord() {
    var down = new SerializationException("cannot fetch schema 7", new SchemaRegistryException("connection refused", -1, -1));
    var failing = new SerializationException("cannot fetch schema 7", new SchemaRegistryException("internal", 500, 50001));
    var unknownId = new SerializationException("unknown schema id 7", new SchemaRegistryException("not found", 404, 40403));
    var garbage = new SerializationException("unknown magic byte 0x6e");

    assertThat(UndecodableInputHandler.registryUnavailable(down)).isTrue();
    assertThat(UndecodableInputHandler.registryUnavailable(failing)).isTrue();
    assertThat(UndecodableInputHandler.registryUnavailable(unknownId)).isFalse();
    assertThat(UndecodableInputHandler.registryUnavailable(garbage)).isFalse();
  }
}
