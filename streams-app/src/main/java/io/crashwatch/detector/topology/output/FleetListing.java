package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.FleetProtection;

/**
 * A fleet as the fleets topic lists it, in the global store: listed only (an unsigned value), or with
 * an operator's verified mark, SHADOW until {@code validUntilMs} or ENFORCE.
 *
 * @param mode     {@link #LISTED}, or the mark's {@link FleetProtection}
 * @param actor    who signed the mark, as the detector's settings name the key; null when unsigned
 * @param issuedAtMs when the mark was issued: an older one never replaces it (a replayed mark)
 */
@StateFormat(1)
public record FleetListing(String mode, String markId, String actor, String reason, long issuedAtMs, long validUntilMs) {
  static final String LISTED = "LISTED";
  /** A value nobody signed: it lists the fleet and says nothing of shadow. */
  static final FleetListing UNSIGNED = new FleetListing(LISTED, null, null, null, 0, 0);

  static FleetListing of(FleetMode mark, String actor) {
    long validUntil = mark.getValidUntil() == null ? 0 : mark.getValidUntil().toEpochMilli();
    return new FleetListing(mark.getMode().name(), mark.getMarkId(), actor, mark.getReason(),
        mark.getIssuedAt().toEpochMilli(), validUntil);
  }

  boolean signed() {
    return !LISTED.equals(mode);
  }

  /** Whether the mark makes the fleet a shadow one at {@code nowMs}: SHADOW, and not yet expired. */
  boolean shadowAt(long nowMs) {
    return FleetProtection.SHADOW.name().equals(mode) && nowMs < validUntilMs;
  }
}
