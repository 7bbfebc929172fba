package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What a rollout service must know of the kill switch: the latest verified command per target. A
 * rollout of (fleet, component, version) is halted when its fleet target or its global target says
 * HALT; commands with {@code shadow=true} are ignored (the detector runs in SHADOW mode). It fails
 * closed: UNKNOWN until the topic has been read to its end and whenever the detector's lease is stale
 * ({@link LeaseView}: the detector is down, stands still or is behind, so a spike under way may go
 * unseen) unless an operator's signed {@link BreakGlass} override lets one rollout go on; a target's
 * commands apply only in increasing sequence, so an old RESUME written again cannot lift a newer HALT.
 */
public final class KillSwitchView {
  private final Map<String, Long> sequences = new ConcurrentHashMap<>();
  private final Map<String, KillSwitchCommand> latest = new ConcurrentHashMap<>();
  private final LeaseView leases;
  private final BreakGlass breakGlass = new BreakGlass();
  private final LongSupplier clock;
  private volatile boolean caughtUp;

  /** @param clock the rollout service's wall clock, in epoch milliseconds, which leases are judged on */
  public KillSwitchView(LeaseView leases, LongSupplier clock) {
    this.leases = leases;
    this.clock = clock;
  }

  public LeaseView leases() {
    return leases;
  }

  public BreakGlass breakGlass() {
    return breakGlass;
  }

  /**
   * Applies one verified record of the kill-switch topic (key: target).
   *
   * @throws RejectedRecord REPLAYED when the target already has this sequence number or a later one
   */
  public void apply(String target, long sequence, KillSwitchCommand command) throws RejectedRecord {
    Long before = sequences.get(target);
    if (before != null && sequence <= before) {
      throw new RejectedRecord(RejectedRecord.Reason.REPLAYED,
          "sequence " + sequence + " of " + target + " is not after " + before);
    }
    sequences.put(target, sequence);
    if (!command.getShadow()) {
      latest.put(target, command);
    }
  }

  /**
   * Whether the topic has been read to the end it had when reading (re)started: only then can the
   * view answer. False again when reading fails, since a HALT may have been missed meanwhile.
   */
  public void caughtUp(boolean caughtUp) {
    this.caughtUp = caughtUp;
  }

  public boolean isCaughtUp() {
    return caughtUp;
  }

  /**
   * HALTED when a command halts it; PROCEED only when caught up and the detector's lease is fresh, or,
   * while it is stale, an operator's break-glass override lets this rollout go on.
   */
  public KillSwitchStatus status(String fleetId, String component, String version) {
    if (!caughtUp) {
      return KillSwitchStatus.UNKNOWN;
    }
    if (haltOf(fleetId, component, version) != null) {
      return KillSwitchStatus.HALTED;
    }
    long now = clock.getAsLong();
    return leases.fresh(now) || breakGlass.of(fleetId, component, version, now) != null
        ? KillSwitchStatus.PROCEED : KillSwitchStatus.UNKNOWN;
  }

  /** Whether the detector's lease is fresh now: it is alive and caught up on every heartbeat partition. */
  public boolean leaseFresh() {
    return leases.fresh(clock.getAsLong());
  }

  /** Milliseconds since the oldest partition's lease was issued, for a lease-age metric; -1 with none. */
  public long leaseAgeMs() {
    return leases.ageMs(clock.getAsLong());
  }

  /** The latest command of a target (its text, e.g. {@code airline-ops/channel-291/r41}); null when none. */
  public KillSwitchCommand commandOf(String target) {
    return latest.get(target);
  }

  /** The command that halts this rollout, fleet target first; null when none does. */
  public KillSwitchCommand haltOf(String fleetId, String component, String version) {
    KillSwitchCommand fleet = latest.get(new Target(fleetId, component, version).toString());
    if (fleet != null && fleet.getAction() == KillSwitchAction.HALT) {
      return fleet;
    }
    KillSwitchCommand global = latest.get(Target.global(component, version).toString());
    return global != null && global.getAction() == KillSwitchAction.HALT ? global : null;
  }

  /** Whether this rollout must not proceed: halted, or not known yet. */
  public boolean isHalted(String fleetId, String component, String version) {
    return status(fleetId, component, version) != KillSwitchStatus.PROCEED;
  }
}
