package io.crashwatch.detector.topology.fleet;

import io.crashwatch.schemas.SreAlert;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.Verdict;

/** What fleet statistics decide while applying a change, each kind to its own method (and child). */
public interface FleetDecisions {
  /** A version tripped. */
  void verdict(Verdict verdict);

  /** A version cannot be judged in this fleet: said once per test. */
  void cannotJudge(CannotJudge cannotJudge);

  /** An incident in the fleet starts or ends. */
  void incident(FleetIncident incident);

  /** A version's new evidence for the pooled global test, at each of its failures, before any verdict. */
  void pooled(PooledEvidence evidence);

  /** A step of the fleet's false-halt account: a version's test started, or tripped. */
  void trial(FleetTrial trial);

  /** An alert for SREs that no other stage decides: a failure spike on established versions. */
  void alert(SreAlert alert);

  /** The detector's wall clock now: a test's start on it bounds which devices it counts. */
  long wallClockMs();
}
