package io.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.serde.SchemaRegistryException.Kind;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaRegistryExceptionTest {

  @ParameterizedTest
  @CsvSource({
      "-1, UNAVAILABLE", "500, UNAVAILABLE", "502, UNAVAILABLE", "503, UNAVAILABLE", "504, UNAVAILABLE",
      "429, UNAVAILABLE", "408, UNAVAILABLE",
      "401, UNAUTHORIZED", "403, UNAUTHORIZED",
      "404, NOT_FOUND",
      "400, REJECTED", "409, REJECTED", "415, REJECTED", "422, REJECTED"})
  void shouldClassifyByHttpStatus(int status, Kind kind) {
    assertThat(new SchemaRegistryException("x", status, SchemaRegistryException.NONE).kind()).isEqualTo(kind);
  }

  @Test
  void shouldBeFoundBehindTheExceptionsThatWrapIt() {
    SchemaRegistryException fault = new SchemaRegistryException("refused", 401, 401);
    Exception wrapped = new RuntimeException("stream thread", new SerializationException("cannot read", fault));

    assertThat(SchemaRegistryException.in(wrapped)).containsSame(fault);
    assertThat(SchemaRegistryException.in(new SerializationException("magic byte 0x07"))).isEmpty();
  }
}
