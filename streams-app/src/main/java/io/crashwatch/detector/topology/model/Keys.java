package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * The one place crashwatch's composite keys are joined and split: {@link FleetComponentKey}
 * ({@code fleet/component}), {@link VersionKey} ({@code component/version}), with the separator of {@link Target}
 * ({@code fleet/component/version}, defined where rollout services read it). Input validation refuses ids that hold the separator, so every
 * key splits back into the parts it was joined from.
 */
final class Keys {
  static final String SEPARATOR = Target.SEPARATOR;

  private Keys() {
  }

  static String join(String... parts) {
    return String.join(SEPARATOR, parts);
  }

  /** @param limit as {@link String#split(String, int)}: the most parts, or -1 for all of them */
  static String[] split(String key, int limit) {
    return key.split(SEPARATOR, limit);
  }
}
