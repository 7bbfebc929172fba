package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.Verdict;
import io.crashwatch.schemas.SreAlert;
import java.util.ArrayList;
import java.util.List;

/** Everything fleet statistics decided, kind by kind, in order. */
final class CollectedDecisions implements FleetDecisions {
  final List<Verdict> verdicts = new ArrayList<>();
  final List<CannotJudge> cannotJudge = new ArrayList<>();
  final List<PooledEvidence> pooled = new ArrayList<>();
  final List<FleetIncident> incidents = new ArrayList<>();
  final List<SreAlert> alerts = new ArrayList<>();
  final List<FleetTrial> trials = new ArrayList<>();

  @Override
  public void verdict(Verdict verdict) {
    verdicts.add(verdict);
  }

  @Override
  public void cannotJudge(CannotJudge notice) {
    cannotJudge.add(notice);
  }

  @Override
  public void incident(FleetIncident incident) {
    incidents.add(incident);
  }

  @Override
  public void pooled(PooledEvidence evidence) {
    pooled.add(evidence);
  }

  @Override
  public void trial(FleetTrial trial) {
    trials.add(trial);
  }

  @Override
  public void alert(SreAlert alert) {
    alerts.add(alert);
  }

  /** The wall clock the decisions are made at; 0, as state from before it was kept: every device counts. */
  long wallClockMs;

  @Override
  public long wallClockMs() {
    return wallClockMs;
  }
}
