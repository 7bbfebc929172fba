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
      "-1, -1, UNAVAILABLE", "500, -1, UNAVAILABLE", "502, -1, UNAVAILABLE", "503, -1, UNAVAILABLE",
      "504, -1, UNAVAILABLE", "429, -1, UNAVAILABLE", "408, -1, UNAVAILABLE",
      "302, -1, UNAVAILABLE", "307, -1, UNAVAILABLE",
      "401, -1, UNAUTHORIZED", "403, -1, UNAUTHORIZED",
      "404, 40403, NOT_FOUND", "404, 40401, NOT_FOUND",
      // An ingress or proxy answering for a registry that is not there: an outage, not an unknown id.
      "404, -1, UNAVAILABLE",
      "400, -1, REJECTED", "409, 409, REJECTED", "415, -1, REJECTED", "422, 42201, REJECTED"})
  void shouldClassifyByHttpStatusAndErrorCode(int status, int errorCode, Kind kind) {
    assertThat(new SchemaRegistryException("x", status, errorCode).kind()).isEqualTo(kind);
  }

  @Test
  void shouldBeFoundBehindTheExceptionsThatWrapIt() {
    SchemaRegistryException fault = new SchemaRegistryException("refused", 401, 401);
    Exception wrapped = new RuntimeException("stream thread", new SerializationException("cannot read", fault));

    assertThat(SchemaRegistryException.in(wrapped)).containsSame(fault);
    assertThat(SchemaRegistryException.in(new SerializationException("magic byte 0x07"))).isEmpty();
  }
}
