package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The detector's data flow, free of any I/O: input validation, then (as the detection rules land)
 * device state, fleet statistics, the decision and each output. Every processor, store and
 * repartition is named, so the names survive code changes and a test locks them.
 */
public final class DetectorTopology {
  static final String VALIDATE_HEARTBEATS = "validate-heartbeats";
  static final String VALIDATE_CRASH_REPORTS = "validate-crash-reports";

  private DetectorTopology() {
  }

  public static Topology build(DetectorSettings settings) {
    return build(settings, Topics.create(settings.topics(), settings.serdeConfig()));
  }

  public static Topology build(DetectorSettings settings, Topics topics) {
    StreamsBuilder builder = new StreamsBuilder();
    var skew = settings.rules().maxClockSkew();

    KStream<String, Heartbeat> heartbeats = builder
        .stream(topics.heartbeats.name(), topics.heartbeats.consumed())
        .processValues(InputValidation.heartbeats(skew), Named.as(VALIDATE_HEARTBEATS));
    KStream<String, CrashReport> crashReports = builder
        .stream(topics.crashReports.name(), topics.crashReports.consumed())
        .processValues(InputValidation.crashReports(skew), Named.as(VALIDATE_CRASH_REPORTS));

    CrashSignatures.build(crashReports, topics);
    return builder.build();
  }
}
