package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * {@code component/version}: where one version's kill switch lives (the {@code kill-switch-inputs}
 * repartition and the {@code kill-switch-state} store), its fleet targets and its global target
 * together, so escalation and precedence need no further hop.
 */
public record VersionKey(String component, String version) {

  /** Where a target's kill switch lives: its fleet targets and its global target share it. */
  public static VersionKey of(Target target) {
    return new VersionKey(target.component(), target.version());
  }

  /** The key as {@link #toString} makes it. */
  public static VersionKey parse(String key) {
    String[] parts = Keys.split(key, 2);
    return new VersionKey(parts[0], parts[1]);
  }

  /** {@code component/version/signature}: the version's crashes with one signature, for analysts. */
  public String withSignature(String signature) {
    return Keys.join(component, version, signature);
  }

  @Override
  public String toString() {
    return Keys.join(component, version);
  }
}
