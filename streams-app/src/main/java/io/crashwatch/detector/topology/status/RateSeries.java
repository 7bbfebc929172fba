package io.crashwatch.detector.topology.status;

import java.util.List;

/** A version's crash rate per minute over a span, against its control and the version it replaced. */
public record RateSeries(String fleet, String component, String version, String previousVersion, String from, String to,
                         List<RateMinute> minutes) {
}
