package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Rejects telemetry the detector cannot use, right after the source and before any repartition, so
 * the dead-letter record carries the input's own bytes. A rejected record throws
 * {@link InvalidRecordException}; the processing exception handler writes it to the dead-letter
 * topic with headers naming topic, partition, offset and error, and processing goes on.
 */
public final class InputValidation<V> implements FixedKeyProcessorSupplier<String, V, V> {

  /** The checks of one kind of record; {@code recordMs} is its timestamp, {@code nowMs} the wall clock. */
  @FunctionalInterface
  interface Rule<V> {
    void check(FieldChecks checks, String key, V value, long recordMs, long nowMs);
  }

  private final FieldChecks checks;
  private final Rule<V> rule;
  private final DetectorMetrics metrics;
  private final String type;

  private InputValidation(InputLimits limits, DetectorMetrics metrics, String type, Rule<V> rule) {
    this.checks = new FieldChecks(limits);
    this.rule = rule;
    this.metrics = metrics;
    this.type = type;
  }

  public static InputValidation<Heartbeat> heartbeats(InputLimits limits, DetectorMetrics metrics) {
    return new InputValidation<>(limits, metrics, "heartbeat", (checks, key, hb, recordMs, nowMs) -> {
      device(checks, key, hb.getDeviceId(), hb.getFleetId());
      checks.id("bootId", hb.getBootId());
      checks.text("osBuild", hb.getOsBuild());
      checks.text("agentVersion", hb.getAgentVersion());
      checks.components("components", hb.getComponents());
      checks.eventTime("sentAt", hb.getSentAt(), recordMs, nowMs);
    });
  }

  public static InputValidation<CrashReport> crashReports(InputLimits limits, DetectorMetrics metrics) {
    return new InputValidation<>(limits, metrics, "crash-report", (checks, key, report, recordMs, nowMs) -> {
      device(checks, key, report.getDeviceId(), report.getFleetId());
      checks.id("reportId", report.getReportId());
      checks.text("faultingModule", report.getFaultingModule());
      checks.text("osBuild", report.getOsBuild());
      checks.components("components", report.getComponents());
      checks.eventTime("crashedAt", report.getCrashedAt(), recordMs, nowMs);
    });
  }

  /** Heartbeats and crash reports are co-partitioned by deviceId: a record keyed otherwise breaks that. */
  private static void device(FieldChecks checks, String key, String deviceId, String fleetId) {
    checks.identifier("deviceId", deviceId);
    checks.identifier("fleetId", fleetId);
    if (!deviceId.equals(key)) {
      throw new InvalidRecordException("key-not-device-id", "key '" + key + "' is not the deviceId '" + deviceId + "'");
    }
  }

  /** Throws when the record cannot be used. */
  void check(String key, V value, long recordMs, long nowMs) {
    if (value == null) {
      throw new InvalidRecordException("null-value", "a tombstone is not an event");
    }
    rule.check(checks, key, value, recordMs, nowMs);
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
        check(record.key(), record.value(), record.timestamp(), context.currentSystemTimeMs());
        metrics.event(type);
        context.forward(record);
      }
    };
  }
}
