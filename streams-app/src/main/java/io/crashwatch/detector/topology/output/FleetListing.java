package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.FleetProtection;

/**
 * A record of the fleets topic as the global store keeps it: under a fleet id, {@link #LISTED}; under
 * {@code mode/<fleet id>}, an operator's verified mark, SHADOW until {@code validUntilMs} or ENFORCE, or
 * {@link #CLEARED} when what was written there last is no mark the detector obeys.
 *
 * @param mode       {@link #LISTED}, {@link #CLEARED}, or the mark's {@link FleetProtection}
 * @param actor      who signed the mark, as the detector's settings name the key; null when unsigned
 * @param issuedAtMs when the latest verified mark was issued: an older one never replaces it (a replay),
 *                   not even after the key was cleared
 */
@StateFormat(1)
public record FleetListing(String mode, String markId, String actor, String reason, long issuedAtMs, long validUntilMs) {
  static final String LISTED = "LISTED";
  static final String CLEARED = "CLEARED";
  /** A fleet's listing: any value under its id. */
  static final FleetListing LISTING = new FleetListing(LISTED, null, null, null, 0, 0);

  static FleetListing of(FleetMode mark, String actor) {
    long validUntil = mark.getValidUntil() == null ? 0 : mark.getValidUntil().toEpochMilli();
    return new FleetListing(mark.getMode().name(), mark.getMarkId(), actor, mark.getReason(),
        mark.getIssuedAt().toEpochMilli(), validUntil);
  }

  /** The fleet is enforced: what was written under the mark's key is not a mark, but the newest mark's time is kept. */
  FleetListing cleared() {
    return new FleetListing(CLEARED, markId, null, null, issuedAtMs, 0);
  }

  /** Whether the mark makes the fleet a shadow one at {@code nowMs}: SHADOW, and not yet expired. */
  boolean shadowAt(long nowMs) {
    return FleetProtection.SHADOW.name().equals(mode) && nowMs < validUntilMs;
  }
}
