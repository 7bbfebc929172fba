package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchOverride;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operators' signed break-glass overrides: while the detector's lease is stale — it is down, and a fix
 * must ship — an override lets one rollout proceed until it runs out. It never lifts a HALT (only the
 * detector does, on a RESUME), and it lasts at most {@link #MAX_DURATION}, so a forgotten one cannot
 * leave rollouts unwatched for good.
 */
public final class BreakGlass {
  /** The longest an override may last: long enough to ship a fix, short enough that a forgotten one is noticed. */
  public static final Duration MAX_DURATION = Duration.ofHours(12);
  /**
   * How far ahead of this service's clock an override's {@code issuedAt} may be and still count: the
   * operator's clock may run a little fast, but an override dated in the future would last longer than
   * {@link #MAX_DURATION} from now.
   */
  static final long MAX_CLOCK_AHEAD_MS = Duration.ofMinutes(1).toMillis();
  /** Key prefix of overrides on the lease topic; the override's target follows. */
  public static final String KEY_PREFIX = "override/";

  private final Map<String, KillSwitchOverride> overrides = new ConcurrentHashMap<>();

  /** The record key of an override of {@code target}. */
  public static String keyOf(Target target) {
    return KEY_PREFIX + target;
  }

  public static Target targetOf(KillSwitchOverride override) {
    return new Target(override.getFleetId(), override.getComponent(), override.getVersion());
  }

  /**
   * Applies a verified override; an older one than the target has (a replay) changes nothing.
   *
   * @throws RejectedRecord MALFORMED when it would last longer than {@link #MAX_DURATION}
   */
  public void apply(KillSwitchOverride override) throws RejectedRecord {
    Duration lasts = Duration.between(override.getIssuedAt(), override.getValidUntil());
    if (lasts.isNegative() || lasts.compareTo(MAX_DURATION) > 0) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "override " + override.getOverrideId() + " lasts "
          + lasts + ": at most " + MAX_DURATION + " is allowed");
    }
    overrides.merge(targetOf(override).toString(), override,
        (before, now) -> now.getIssuedAt().isAfter(before.getIssuedAt()) ? now : before);
  }

  /** The override that lets this rollout proceed at {@code nowMs} — of its fleet's target or every fleet's — or null. */
  public KillSwitchOverride of(String fleetId, String component, String version, long nowMs) {
    for (Target target : new Target[] {new Target(fleetId, component, version), Target.global(component, version)}) {
      KillSwitchOverride override = overrides.get(target.toString());
      if (override != null && override.getIssuedAt().toEpochMilli() <= nowMs + MAX_CLOCK_AHEAD_MS && nowMs <= override.getValidUntil().toEpochMilli()) {
        return override;
      }
    }
    return null;
  }
}
