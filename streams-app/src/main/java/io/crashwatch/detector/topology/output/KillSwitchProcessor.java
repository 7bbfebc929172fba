package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.Durations;
import io.crashwatch.detector.config.Mode;
import io.crashwatch.detector.config.OperatorTrust;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.ReadBack;
import io.crashwatch.detector.topology.model.Verdict;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill switch, one entry per component/version: one HALT per target until an operator RESUME,
 * escalation to the global target when the version trips in {@code escalate-fleets} fleets and the
 * pooled test across fleets rejects, operator
 * FORCE_HALT and RESUME, SHADOW mode. Forwards to two children: {@link #COMMANDS} and {@link #ALERTS}.
 *
 * <p>It also reads its own kill-switch topic back ({@link ReadBack}): compaction keeps only a target's
 * last record, so any record there that is not the target's latest command — an old one replayed, a
 * forged one, a tombstone — would in time stand in for it. It writes the latest command again and
 * raises KILL_SWITCH_TAMPERED. After a key rotation it signs every target's latest command again, once.
 */
public final class KillSwitchProcessor implements Processor<String, KillSwitchInput, String, Object> {
  public static final String STORE = "kill-switch-state";
  /** Commands for the kill-switch topic, keyed by target. */
  public static final Child<KillSwitchCommand> COMMANDS = new Child<>("kill-switch-commands", KillSwitchCommand.class);
  /** ROLLOUT_HALTED alerts, FIRING and RESOLVED, keyed by alert id. */
  public static final Child<SreAlert> ALERTS = new Child<>("kill-switch-alerts", SreAlert.class);
  /** HALTs an operator lifted as false, one per fleet whose trip it was, for the fleets' false-halt accounts. */
  public static final Child<FleetTrial> FALSE_HALTS = new Child<>("kill-switch-false-halts", FleetTrial.class);
  private static final Logger LOG = LoggerFactory.getLogger(KillSwitchProcessor.class);

  /** How soon after start the latest commands signed with another key are signed again. */
  static final Duration RESIGN_AFTER = Duration.ofSeconds(1);

  private final DetectionRules rules;
  private final OperatorTrust operators;
  private final DetectorMetrics metrics;
  private final String signingKeyId;
  private ProcessorContext<String, Object> context;
  private FleetAllowlist allowlist;
  private Cancellable resign;
  private KeyValueStore<String, KillSwitchState> store;
  /** Event time of the input being processed: what a decision's latency is measured from. */
  private long inputTimeMs;

  /**
   * @param operators    how many operator keys a global RESUME needs, and within how long
   * @param signingKeyId the key id the sink signs with now
   */
  public KillSwitchProcessor(DetectionRules rules, OperatorTrust operators, DetectorMetrics metrics, String signingKeyId) {
    this.rules = rules;
    this.operators = operators;
    this.metrics = metrics;
    this.signingKeyId = signingKeyId;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.allowlist = new FleetAllowlist(rules, context.getStateStore(FleetAllowlist.STORE));
    resign = context.schedule(RESIGN_AFTER, PunctuationType.WALL_CLOCK_TIME, this::resignOnce);
  }

  @Override
  public void process(Record<String, KillSwitchInput> record) {
    KillSwitchState state = store.get(record.key());
    if (state == null) {
      state = new KillSwitchState();
    }
    KillSwitchInput input = record.value();
    inputTimeMs = record.timestamp();
    if (input.verdict() != null) {
      verdict(state, input.verdict());
    } else if (input.evidence() != null) {
      pooled(state, input.evidence());
    } else if (input.cannotJudge() != null) {
      cannotJudge(state, input.cannotJudge());
    } else if (input.readBack() != null) {
      readBack(state, input.readBack());
    } else {
      operator(state, input.operator());
    }
    store.put(record.key(), state);
  }

  private void verdict(KillSwitchState state, Verdict verdict) {
    Target fleet = verdict.target();
    Evidence evidence = Commands.evidence(verdict.evidence(), rules);
    halt(state, fleet, HaltReason.valueOf(verdict.reason()), evidence, null, null);
    KillSwitchState.Gate gate = gateOf(verdict);
    if (gate != null) {
      LOG.info("{} tripped, but does not count towards a global halt: {}", fleet, gate.reason);
      state.gatedFleets.put(verdict.fleetId(), gate);
      return;
    }
    state.gatedFleets.remove(verdict.fleetId());
    state.trippedFleets.add(verdict.fleetId());
    state.lastTrip = verdict.evidence();
    escalate(state, verdict.component(), verdict.version());
  }

  /**
   * The trust gate that keeps a fleet's trip from counting towards a global halt (anyone who can send telemetry
   * can invent a fleet); null when it counts. Kept, so the status can say which gate held which fleet out.
   */
  private KillSwitchState.Gate gateOf(Verdict verdict) {
    long now = context.currentSystemTimeMs();
    String shadow = allowlist.shadowReason(verdict.fleetId(), now);
    if (shadow != null) {
      // Observed, not trusted yet: its trips must not make a GLOBAL halt that enforced fleets did not make.
      return new KillSwitchState.Gate(KillSwitchState.Gate.SHADOW, "observed in shadow (" + shadow + "): its trips never count", now);
    }
    if (!allowlist.allows(verdict.fleetId())) {
      return new KillSwitchState.Gate(KillSwitchState.Gate.ALLOWLIST,
          "not on the fleet allowlist (setting " + DetectionRules.FLEETS + ", or the fleets topic)", now);
    }
    EvidenceData e = verdict.evidence();
    long devices = e == null ? 0 : e.devicesOnVersion() + e.controlDevices();
    if (devices < rules.minFleetDevices()) {
      return new KillSwitchState.Gate(KillSwitchState.Gate.SIZE,
          devices + " devices, fewer than " + DetectionRules.MIN_FLEET_DEVICES + " " + rules.minFleetDevices(), now);
    }
    long age = now - verdict.fleetSeenSinceMs();
    if (age < rules.minFleetAge().toMillis()) {
      return new KillSwitchState.Gate(KillSwitchState.Gate.AGE, "seen for " + Durations.format(java.time.Duration.ofMillis(age))
          + ", less than " + DetectionRules.MIN_FLEET_AGE + " " + Durations.format(rules.minFleetAge()), now);
    }
    return null;
  }

  /** A fleet's new evidence joins the pooled global test; it may be what escalation waited for. */
  private void pooled(KillSwitchState state, PooledEvidence evidence) {
    if (allowlist.shadowReason(evidence.fleetId(), context.currentSystemTimeMs()) != null) {
      return; // a shadow fleet's evidence counts no more than its trips
    }
    add(state.pooledControl, evidence.control());
    add(state.pooledBaseline, evidence.baseline());
    escalate(state, evidence.component(), evidence.version());
  }

  /**
   * GLOBAL needs both: {@code escalate-fleets} fleets tripped, and the pooled test across every fleet
   * testing the version rejecting at alpha (control and baseline at alpha/2 each) — with a thousand
   * fleets tested, a few false trips are expected; evidence pooled over all of them is not fooled.
   */
  private void escalate(KillSwitchState state, String component, String version) {
    if (state.trippedFleets.size() < rules.escalateFleets() || state.global.halted) {
      return;
    }
    double threshold = 2 / rules.alpha();
    double control = Grid.mixture(state.pooledControl);
    double baseline = BaselineTest.pooled(state.pooledBaseline);
    if (Math.max(control, baseline) < threshold) {
      return;
    }
    Evidence evidence = state.lastTrip == null ? null : Commands.evidence(state.lastTrip, rules); // null: state from before
    halt(state, Target.global(component, version), HaltReason.ESCALATION, evidence, null,
        String.format("tripped in %d fleets: %s; pooled test %.3g at threshold %.3g", state.trippedFleets.size(),
            String.join(", ", state.trippedFleets.stream().sorted().toList()), Math.max(control, baseline), threshold));
  }

  private static void add(double[] sums, java.util.List<Double> increments) {
    for (int i = 0; i < sums.length && i < increments.size(); i++) {
      sums[i] += increments.get(i);
    }
  }

  /**
   * One INSUFFICIENT_EVIDENCE alert per version, whatever the number of fleets: sent for the first
   * fleet and again each time their count doubles, never a storm when a thousand fleets push it;
   * resolved when the version's test has ended in every one of them.
   */
  private void cannotJudge(KillSwitchState state, CannotJudge cannotJudge) {
    Target target = Target.global(cannotJudge.component(), cannotJudge.version());
    if (cannotJudge.over()) {
      if (state.cannotJudgeFleets.remove(cannotJudge.fleetId()) && state.cannotJudgeFleets.isEmpty()) {
        SreAlert alert = Alerts.cannotJudgeOver(target, state.cannotJudgeSinceMs, context.currentSystemTimeMs());
        forward(ALERTS, alert.getAlertId(), alert);
      }
      return;
    }
    if (!state.cannotJudgeFleets.add(cannotJudge.fleetId())) {
      return;
    }
    if (state.cannotJudgeFleets.size() == 1) {
      state.cannotJudgeSinceMs = context.currentSystemTimeMs();
    }
    int fleets = state.cannotJudgeFleets.size();
    if (Integer.bitCount(fleets) == 1) {
      SreAlert alert = Alerts.cannotJudge(target, fleets, cannotJudge.fleetId(),
          Commands.evidence(cannotJudge.evidence(), rules), rules, state.cannotJudgeSinceMs);
      forward(ALERTS, alert.getAlertId(), alert);
      LOG.warn("cannot judge {} in {} fleet(s), e.g. {}: too little history", target, fleets, cannotJudge.fleetId());
    }
  }

  private void operator(KillSwitchState state, OperatorRequest op) {
    Target target = op.target();
    if ("FORCE_HALT".equals(op.action())) {
      halt(state, target, HaltReason.OPERATOR, null, op.actor(), op.reason());
      return;
    }
    KillSwitchState.TargetState t = state.of(target);
    if (!t.halted) {
      LOG.info("RESUME of {} by {} ignored: it is not halted", target, op.actor());
      return;
    }
    if (!t.commandId.equals(op.lifts())) {
      LOG.warn("RESUME of {} by {} ignored: it lifts HALT {}, but the HALT that stands is {}", target, op.actor(),
          op.lifts(), t.commandId);
      return;
    }
    long now = context.currentSystemTimeMs();
    String approvedBy = target.isGlobal() ? approveGlobal(state, op, now) : op.actor();
    if (approvedBy == null) {
      return;
    }
    String commandId = Commands.commandId(target, KillSwitchAction.RESUME, t.epoch);
    command(t, target, Commands.command(commandId, KillSwitchAction.RESUME, target, HaltReason.OPERATOR,
        null, false, approvedBy, op.reason(), now)); // never shadow: a RESUME must lift whatever HALT stands
    boolean stillHaltedGlobally = !target.isGlobal() && state.global.halted;
    forward(ALERTS, t.alertId, Alerts.resumed(t.alertId, target, t.haltedAtMs, approvedBy, op.reason(),
        stillHaltedGlobally, now));
    SreAlert notice = Alerts.rolloutResumed(target, t.epoch, approvedBy, op.reason(), stillHaltedGlobally, now);
    forward(ALERTS, notice.getAlertId(), notice);
    if (op.falseHalt() && !HaltReason.OPERATOR.name().equals(t.reason)) {
      // The fleets whose trips made it: a global HALT's are the tripped fleets that counted towards it.
      for (String fleet : target.isGlobal() ? java.util.List.copyOf(state.trippedFleets) : java.util.List.of(target.fleetId())) {
        forward(FALSE_HALTS, HealthReport.KEY, FleetTrial.falseHalt(fleet));
      }
    }
    t.halted = false;
    t.epoch++;
    if (target.isGlobal()) {
      state.trippedFleets.clear(); // escalating again takes new trips and new evidence
      state.gatedFleets.clear();
      state.pooledControl = new double[state.pooledControl.length];
      state.pooledBaseline = new double[state.pooledBaseline.length];
    } else {
      state.trippedFleets.remove(target.fleetId());
      state.gatedFleets.remove(target.fleetId());
    }
  }

  /**
   * A global RESUME lifts the HALT of a version in every fleet: it needs {@code global-resume-approvals}
   * distinct operator keys within {@code global-resume-window}, so one stolen key cannot let a bad
   * version everywhere. Returns who approved it once enough have, else null (this approval is kept).
   */
  private String approveGlobal(KillSwitchState state, OperatorRequest op, long now) {
    if (!op.lifts().equals(state.globalApprovalsFor)) {
      state.globalApprovals.clear();
      state.globalApprovalsFor = op.lifts();
    }
    state.globalApprovals.values().removeIf(at -> now - at > operators.globalResumeWindow().toMillis());
    state.globalApprovals.put(op.actor(), now);
    int needed = operators.globalResumeApprovals();
    if (state.globalApprovals.size() < needed) {
      LOG.warn("RESUME of {} approved by {} ({} of {} distinct operator keys within {}); waiting for the others",
          op.target(), op.actor(), state.globalApprovals.size(), needed, Durations.format(operators.globalResumeWindow()));
      return null;
    }
    String approvedBy = String.join(" and ", new java.util.TreeSet<>(state.globalApprovals.keySet()));
    state.globalApprovals.clear();
    return approvedBy;
  }

  private void halt(KillSwitchState state, Target target, HaltReason reason, Evidence evidence, String actor, String note) {
    KillSwitchState.TargetState t = state.of(target);
    if (t.halted) {
      return; // one HALT per target until an operator RESUME
    }
    long now = context.currentSystemTimeMs();
    t.halted = true;
    t.reason = reason.name();
    t.haltedAtMs = now;
    t.commandId = Commands.commandId(target, KillSwitchAction.HALT, t.epoch);
    t.alertId = "rollout-halted/" + target + "/" + t.epoch;
    // A person's FORCE_HALT of a shadow fleet is meant: only the detector's own decisions there are shadow ones.
    boolean shadow = rules.mode() == Mode.SHADOW
        || reason != HaltReason.OPERATOR && !target.isGlobal() && allowlist.shadowReason(target.fleetId(), now) != null;
    command(t, target, Commands.command(t.commandId, KillSwitchAction.HALT, target, reason, evidence,
        shadow, actor, note, now));
    String why = note == null ? reason.name() : reason.name() + ", " + note;
    forward(ALERTS, t.alertId, Alerts.halted(t.alertId, target, t.commandId, evidence, why, shadow, now));
    metrics.halt(target.isGlobal() ? "GLOBAL" : "FLEET", reason.name(), now - inputTimeMs);
    LOG.warn("{} {} ({})", shadow ? "SHADOW HALT" : "HALT", target, why);
  }

  /**
   * A record of the kill-switch topic, read back. Its own records come back in the order written, so
   * one older than the latest already read back is a replay; one that fails verification is forged,
   * altered, unsigned or a tombstone. Either is re-asserted over. One signed with its key but numbered
   * after its latest (another detector with the same key, or a stolen key) is only alerted on: writing
   * again would start a duel with another detector.
   */
  private void readBack(KillSwitchState state, ReadBack readBack) {
    Target target = readBack.target();
    KillSwitchState.TargetState t = state.commanded(target);
    if (readBack.rejected() != null) {
      tampered(t, target, "a record failing verification (" + readBack.rejected() + ")");
    } else if (t == null) {
      LOG.debug("read back {} of {}: no command of this detector's (state reset, or from before signing)",
          readBack.sequence(), target);
    } else if (readBack.sequence() == t.sequence) {
      t.confirmed = t.sequence;
      if (!signingKeyId.equals(readBack.keyId())) {
        reassert(t); // written just before a key rotation: sign it with the new key
      }
    } else if (readBack.sequence() > t.sequence) {
      t.sequence = readBack.sequence();
      t.confirmed = t.sequence;
      tampered(null, target, "a record signed with the detector's key " + readBack.keyId() + " and numbered "
          + readBack.sequence() + ", after its latest: another detector writes this topic with the same key, or the key is stolen");
    } else if (readBack.sequence() > t.confirmed) {
      t.confirmed = readBack.sequence(); // its own earlier command, read back in order
    } else {
      tampered(t, target, "its own command " + readBack.sequence() + " replayed after its latest, " + t.confirmed);
    }
  }

  /** Raises KILL_SWITCH_TAMPERED and writes the target's latest command again, when {@code t} is given and keeps one. */
  private void tampered(KillSwitchState.TargetState t, Target target, String why) {
    KillSwitchCommand reasserted = t == null ? null : reassert(t);
    metrics.killSwitchTampered();
    SreAlert alert = Alerts.killSwitchTampered(target, why, reasserted, context.currentSystemTimeMs());
    forward(ALERTS, alert.getAlertId(), alert);
    LOG.error("{}", alert.getSummary());
  }

  /** Writes the target's latest command again, under a new sequence number; null when none is kept. */
  private KillSwitchCommand reassert(KillSwitchState.TargetState t) {
    KillSwitchCommand latest = t.latestCommand();
    if (latest != null) {
      command(t, Target.of(latest), latest);
    }
    return latest;
  }

  /** Once, soon after start: every target whose latest command was signed with another key is signed again. */
  private void resignOnce(long now) {
    resign.cancel();
    try (KeyValueIterator<String, KillSwitchState> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, KillSwitchState> entry = all.next();
        boolean changed = false;
        for (KillSwitchState.TargetState t : entry.value.targets()) {
          if (t.latest != null && !signingKeyId.equals(t.signedBy)) {
            changed |= reassert(t) != null;
          }
        }
        if (changed) {
          store.put(entry.key, entry.value);
        }
      }
    }
  }

  /** A command for the kill-switch topic, with the target's next sequence number, which its signature covers. */
  private void command(KillSwitchState.TargetState t, Target target, KillSwitchCommand command) {
    long now = context.currentSystemTimeMs();
    Record<String, KillSwitchCommand> record = new Record<>(target.toString(), command, now);
    SignatureHeaders.putSequence(record.headers(), t.nextSequence(now));
    t.keep(command, signingKeyId);
    COMMANDS.forward(context, record);
  }

  private <V> void forward(Child<V> child, String key, V value) {
    child.forward(context, new Record<>(key, value, context.currentSystemTimeMs()));
  }
}
