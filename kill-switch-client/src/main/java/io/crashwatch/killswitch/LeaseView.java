package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchLease;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The detector's signed leases, one per heartbeat partition: whether it is alive and caught up on
 * every partition now. A partition without a lease, with a stale one (past {@code validUntil} by more
 * than the clock tolerance) or with one that says it is behind makes the whole view not fresh: the
 * detector may be blind to part of the fleet, so rollouts must pause.
 */
public final class LeaseView {
  private final long toleranceMs;
  private final Map<Integer, KillSwitchLease> leases = new ConcurrentHashMap<>();

  /** @param toleranceMs how far the rollout service's clock may be behind the detector's */
  public LeaseView(long toleranceMs) {
    this.toleranceMs = toleranceMs;
  }

  /** Applies a verified lease; an older one than the partition has (a replay) changes nothing. */
  public void apply(KillSwitchLease lease) {
    leases.merge(lease.getPartition(), lease,
        (before, now) -> now.getIssuedAt().isAfter(before.getIssuedAt()) ? now : before);
  }

  /** Whether every heartbeat partition has a lease valid at {@code nowMs} that says it is caught up. */
  public boolean fresh(long nowMs) {
    if (leases.isEmpty()) {
      return false;
    }
    int partitions = leases.values().stream().mapToInt(KillSwitchLease::getPartitions).max().orElse(0);
    for (int p = 0; p < partitions; p++) {
      KillSwitchLease lease = leases.get(p);
      if (lease == null || !lease.getCaughtUp() || nowMs > lease.getValidUntil().toEpochMilli() + toleranceMs) {
        return false;
      }
    }
    return true;
  }

  /** Milliseconds since the oldest partition's lease was issued; for a lease-age metric. -1 with none. */
  public long ageMs(long nowMs) {
    return leases.values().stream().mapToLong(l -> nowMs - l.getIssuedAt().toEpochMilli()).max().orElse(-1);
  }
}
