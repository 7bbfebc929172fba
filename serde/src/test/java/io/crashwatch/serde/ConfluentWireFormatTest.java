package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.bytes;
import static io.crashwatch.serde.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

  @Test
  void shouldWriteMagicByteAndBigEndianId() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    ConfluentWireFormat.writeHeader(out, 0x01020304);

    assertThat(hex(out.toByteArray())).isEqualTo("0001020304");
  }

  @Test
  void shouldReadBigEndianIdIncludingHighBytes() {
    assertThat(ConfluentWireFormat.readSchemaId(bytes("00 01020304 ff"))).isEqualTo(0x01020304);
    assertThat(ConfluentWireFormat.readSchemaId(bytes("00 000000ff"))).isEqualTo(255);
    assertThat(ConfluentWireFormat.readSchemaId(bytes("00 7fffffff"))).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void shouldRejectWrongMagicByte() {
    assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId(bytes("01 00000001 00")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("magic byte 0x01");
  }

  @Test
  void shouldRejectPayloadShorterThanHeader() {
    assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId(bytes("00 0000")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("3 bytes");
  }
}
