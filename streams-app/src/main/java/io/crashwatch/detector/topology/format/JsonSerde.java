package io.crashwatch.detector.topology.format;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the detector's internal, low-volume records (fleet-level changes, verdicts, fleet and
 * kill-switch state): readable in the changelog and repartition topics, no registry needed. Fields
 * only, so helper methods never leak into the format.
 *
 * <p>Every record carries its type's {@link StateFormat} as a {@code "format"} field. A reader takes
 * its own format and the previous one (records from before formats existed have none: format 0) and
 * tolerates added fields; anything else is a {@link StateFormatException} naming both versions.
 */
public final class JsonSerde<T> implements Serde<T> {
  static final String FORMAT_FIELD = "format";
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .visibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .build();

  private final Class<T> type;
  private final int format;

  public JsonSerde(Class<T> type) {
    StateFormat declared = type.getAnnotation(StateFormat.class);
    if (declared == null) {
      throw new IllegalArgumentException(type.getName() + " has no @StateFormat: every stored record needs one");
    }
    this.type = type;
    this.format = declared.value();
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ObjectNode node = MAPPER.createObjectNode().put(FORMAT_FIELD, format);
        node.setAll((ObjectNode) MAPPER.valueToTree(value));
        return MAPPER.writeValueAsBytes(node);
      } catch (IOException | IllegalArgumentException e) {
        throw new SerializationException("Cannot write " + type.getSimpleName() + " for " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ObjectNode node;
      try {
        node = (ObjectNode) MAPPER.readTree(bytes);
      } catch (IOException | ClassCastException e) {
        throw new SerializationException("Cannot read " + type.getSimpleName() + " from " + topic, e);
      }
      JsonNode written = node.remove(FORMAT_FIELD);
      if (written != null && !(written.isIntegralNumber() && written.canConvertToInt())) {
        throw new StateFormatException(type.getSimpleName() + " in " + topic + " has a \"" + FORMAT_FIELD
            + "\" that is not a whole number: " + written);
      }
      int writtenFormat = written == null ? 0 : written.intValue();
      if (writtenFormat != format && writtenFormat != format - 1) {
        throw new StateFormatException(type.getSimpleName() + " in " + topic + " was written in format "
            + writtenFormat + "; this detector reads formats " + (format - 1) + " and " + format
            + (writtenFormat > format ? ": it was written by a newer detector, so roll forward again or reset"
                + " the application's state" : ""));
      }
      try {
        T value = MAPPER.treeToValue(node, type);
        if (writtenFormat < format && value instanceof Upgradable upgradable) {
          upgradable.upgradeFrom(writtenFormat, node);
        }
        return value;
      } catch (IOException e) {
        throw new SerializationException("Cannot read " + type.getSimpleName() + " (format " + writtenFormat
            + ") from " + topic, e);
      }
    };
  }
}
