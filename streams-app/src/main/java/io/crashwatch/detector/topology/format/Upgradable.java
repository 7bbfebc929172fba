package io.crashwatch.detector.topology.format;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stored record whose format changed in meaning: after {@link JsonSerde} read one written in the
 * previous format (fields of the same name already taken over), it completes itself from the old
 * record, so a rolling upgrade keeps the state instead of resetting it.
 */
public interface Upgradable {
  void upgradeFrom(int format, JsonNode previous);
}
