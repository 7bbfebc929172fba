package io.crashwatch.detector.config;

import java.util.List;
import java.util.Map;

/** The name of every topic crashwatch reads or writes; each configurable, defaults from the contract. */
public record TopicNames(
    String heartbeats,
    String crashReports,
    String deployments,
    String operatorCommands,
    String fleets,
    String killSwitch,
    String killSwitchLease,
    String alerts,
    String crashRates,
    String crashSignatures,
    String deadLetters) {

  static final Setting<String> HEARTBEATS = Setting.topic("heartbeats-topic", "heartbeats in");
  static final Setting<String> CRASH_REPORTS = Setting.topic("crash-reports-topic", "crash reports in");
  static final Setting<String> DEPLOYMENTS = Setting.topic("deployments-topic", "rollout announcements in");
  static final Setting<String> OPERATOR_COMMANDS = Setting.topic("operator-commands-topic", "operator commands in");
  static final Setting<String> FLEETS = Setting.topic("fleets-topic",
      "fleet allowlist in (compacted, key: fleet id): only listed fleets' trips count towards a global halt");
  static final Setting<String> KILL_SWITCH = Setting.topic("kill-switch-topic", "kill-switch commands out");
  static final Setting<String> KILL_SWITCH_LEASE = Setting.topic("kill-switch-lease-topic",
      "the detector's signed leases out: rollouts pause when they are stale");
  static final Setting<String> ALERTS = Setting.topic("alerts-topic", "SRE alerts out");
  static final Setting<String> CRASH_RATES = Setting.topic("crash-rates-topic", "windowed crash rates out");
  static final Setting<String> CRASH_SIGNATURES = Setting.topic("crash-signatures-topic", "signature counts out");
  static final Setting<String> DEAD_LETTERS = Setting.topic("dead-letters-topic", "rejected input out");

  static final List<Setting<?>> ALL = List.of(HEARTBEATS, CRASH_REPORTS, DEPLOYMENTS, OPERATOR_COMMANDS, FLEETS,
      KILL_SWITCH, KILL_SWITCH_LEASE, ALERTS, CRASH_RATES, CRASH_SIGNATURES, DEAD_LETTERS);

  /**
   * Settings that give every topic a name of its own under {@code prefix}: {@code prefix.heartbeats},
   * {@code prefix.kill-switch-lease} and so on, e.g. for runs that share a cluster and must not see
   * each other.
   */
  public static Map<String, String> settingsUnder(String prefix) {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    for (Setting<?> topic : ALL) {
      settings.put(topic.key(), prefix + "." + topic.key().substring(0, topic.key().length() - "-topic".length()));
    }
    return settings;
  }

  /** Every topic by the setting that names it: {@code heartbeats-topic -> crashwatch.heartbeats}, … */
  public Map<String, String> bySetting() {
    Map<String, String> names = new java.util.LinkedHashMap<>();
    List<String> values = List.of(heartbeats, crashReports, deployments, operatorCommands, fleets, killSwitch,
        killSwitchLease, alerts, crashRates, crashSignatures, deadLetters);
    for (int i = 0; i < ALL.size(); i++) {
      names.put(ALL.get(i).key(), values.get(i));
    }
    return names;
  }

  public static TopicNames defaults() {
    return from(Map.of());
  }

  public static TopicNames from(Map<String, String> values) {
    return new TopicNames(
        HEARTBEATS.read(values, "crashwatch.heartbeats"),
        CRASH_REPORTS.read(values, "crashwatch.crash-reports"),
        DEPLOYMENTS.read(values, "crashwatch.deployments"),
        OPERATOR_COMMANDS.read(values, "crashwatch.operator-commands"),
        FLEETS.read(values, "crashwatch.fleets"),
        KILL_SWITCH.read(values, "crashwatch.kill-switch"),
        KILL_SWITCH_LEASE.read(values, "crashwatch.kill-switch-lease"),
        ALERTS.read(values, "crashwatch.alerts"),
        CRASH_RATES.read(values, "crashwatch.crash-rates"),
        CRASH_SIGNATURES.read(values, "crashwatch.crash-signatures"),
        DEAD_LETTERS.read(values, "crashwatch.dead-letters"));
  }

  /** Topics the detector consumes. */
  public List<String> inputs() {
    return List.of(heartbeats, crashReports, deployments, operatorCommands, fleets);
  }

  /** Topics the detector produces. */
  public List<String> outputs() {
    return List.of(killSwitch, killSwitchLease, alerts, crashRates, crashSignatures, deadLetters);
  }
}
