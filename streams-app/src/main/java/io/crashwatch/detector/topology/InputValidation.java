package io.crashwatch.detector.topology;

import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Rejects input the detector cannot use, right after the source and before any repartition, so the
 * dead-letter record carries the input's own bytes. A rejected record throws
 * {@link InvalidRecordException}; the processing exception handler writes it to the dead-letter
 * topic with headers naming topic, partition, offset and error, and processing goes on.
 */
public final class InputValidation<V> implements FixedKeyProcessorSupplier<String, V, V> {

  /** Identity and event time of one kind of input record. */
  private interface Fields<V> {
    String deviceId(V value);

    String fleetId(V value);

    Instant eventTime(V value);
  }

  private final Fields<V> fields;
  private final Duration maxClockSkew;

  private InputValidation(Fields<V> fields, Duration maxClockSkew) {
    this.fields = fields;
    this.maxClockSkew = maxClockSkew;
  }

  public static InputValidation<Heartbeat> heartbeats(Duration maxClockSkew) {
    return new InputValidation<>(new Fields<>() {
      public String deviceId(Heartbeat v) {
        return v.getDeviceId();
      }

      public String fleetId(Heartbeat v) {
        return v.getFleetId();
      }

      public Instant eventTime(Heartbeat v) {
        return v.getSentAt();
      }
    }, maxClockSkew);
  }

  public static InputValidation<CrashReport> crashReports(Duration maxClockSkew) {
    return new InputValidation<>(new Fields<>() {
      public String deviceId(CrashReport v) {
        return v.getDeviceId();
      }

      public String fleetId(CrashReport v) {
        return v.getFleetId();
      }

      public Instant eventTime(CrashReport v) {
        return v.getCrashedAt();
      }
    }, maxClockSkew);
  }

  /** Throws when the record cannot be used; {@code nowMs} is the processing wall clock. */
  void check(String key, V value, long nowMs) {
    if (value == null) {
      throw new InvalidRecordException("null-value", "a tombstone is not an event");
    }
    String deviceId = fields.deviceId(value);
    if (deviceId == null || deviceId.isBlank()) {
      throw new InvalidRecordException("missing-device-id", "deviceId is empty");
    }
    String fleetId = fields.fleetId(value);
    if (fleetId == null || fleetId.isBlank()) {
      throw new InvalidRecordException("missing-fleet-id", "fleetId is empty for device " + deviceId);
    }
    if (fleetId.contains("/") || fleetId.equals("*")) {
      throw new InvalidRecordException("invalid-fleet-id", "fleetId '" + fleetId + "' may not contain '/' or be '*'");
    }
    if (!deviceId.equals(key)) {
      // Heartbeats and crash reports are co-partitioned by deviceId: another key breaks that.
      throw new InvalidRecordException("key-not-device-id", "key '" + key + "' is not the deviceId '" + deviceId + "'");
    }
    long eventMs = fields.eventTime(value).toEpochMilli();
    if (eventMs > nowMs + maxClockSkew.toMillis()) {
      throw new InvalidRecordException("future-timestamp", "event time " + Instant.ofEpochMilli(eventMs)
          + " is more than " + maxClockSkew + " ahead of " + Instant.ofEpochMilli(nowMs));
    }
  }

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, V> context;

      @Override
      public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
      }

      @Override
      public void process(FixedKeyRecord<String, V> record) {
        check(record.key(), record.value(), context.currentSystemTimeMs());
        context.forward(record);
      }
    };
  }
}
