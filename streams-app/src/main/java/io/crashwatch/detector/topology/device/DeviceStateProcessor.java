package io.crashwatch.detector.topology.device;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.CrashSignature;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.PartitionLiveness;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Device state, partitioned by deviceId: turns heartbeats and crash reports into the few changes the
 * fleet level needs (version applied, failed, went dark, came back), and finds devices that went
 * silent by scanning only those whose deadline is due.
 *
 * <p>Forwards to two children: {@link #CHANGES} and {@link #HEALTH}.
 */
public final class DeviceStateProcessor implements Processor<String, SpecificRecord, String, Object> {
  /** Changes for the fleet level, keyed by {@link DeviceChange#key()}. */
  public static final Child<DeviceChange> CHANGES = new Child<>("device-changes", DeviceChange.class);
  /**
   * What this task tells the detector's health, keyed {@link HealthReport#KEY}: its tally of crash
   * reports refused as evidence, and its partition's liveness.
   */
  public static final Child<HealthReport> HEALTH = new Child<>("device-health", HealthReport.class);
  public static final String STATE_STORE = "device-state";
  public static final String DEADLINE_STORE = "dark-deadlines";
  /**
   * {@link LastSeen}: when each device was last heard from, on the wall clock, and what it said.
   * Written on every heartbeat, so kept local, without a changelog. Nothing is lost by that: after a
   * restart or a move to another instance, silence counts only from the moment the partition is
   * caught up again, and a device without an entry is compared with device state in full.
   */
  public static final String LAST_SEEN_STORE = "device-last-seen";
  /**
   * Devices dark or asleep, keyed by when they are to be forgotten ({@link DarkDeadlines} keys): after
   * {@code device-ttl} of silence a device leaves device state, the last-seen store and the fleet's
   * counts, so state stays bounded by the devices alive. Entries of devices heard from since are
   * skipped when due.
   */
  public static final String TTL_STORE = "device-ttl";
  /**
   * Devices holding a crash report that names no versions, keyed by when it is due ({@link DarkDeadlines}
   * keys): one heartbeat interval after it arrived, whether or not the partition caught up by then.
   */
  public static final String HELD_STORE = "held-report-deadlines";
  /** Devices forgotten per scan at most: a fleet retired at once is forgotten over many scans, never in one long stall. */
  static final int MAX_FORGOTTEN_PER_SCAN = 1_000;
  /** Devices seen for the first time, counted before they go to the fleet level: see {@link Inventory}. */
  public static final String INVENTORY_STORE = "device-inventory";
  static final Duration SCAN_INTERVAL = Duration.ofMillis(500);

  private final DetectionRules rules;
  private final InputActivity activity;
  /** Components one device may name in all: see {@link #refuseUnboundedGrowth}. */
  private final int maxComponents;
  private final DetectorMetrics metrics;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, DeviceState> devices;
  private KeyValueStore<String, String> deadlines;
  private KeyValueStore<String, LastSeen> lastSeen;
  private KeyValueStore<String, String> forgetAt;
  private KeyValueStore<String, String> heldUntil;
  private Inventory inventory;
  private String task;
  /** The heartbeat partition this task reads (device inputs are co-partitioned with it). */
  private int partition;
  /** Changes forwarded so far: a heartbeat that forwards none and changes nothing else is not written. */
  private long emitted;
  /** Reports refused as evidence since the last scan. */
  private UntrustedReports untrusted = UntrustedReports.none();

  public DeviceStateProcessor(DetectionRules rules, int maxComponents, InputActivity activity, DetectorMetrics metrics) {
    this.maxComponents = maxComponents;
    this.rules = rules;
    this.activity = activity;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.devices = context.getStateStore(STATE_STORE);
    this.deadlines = context.getStateStore(DEADLINE_STORE);
    this.lastSeen = context.getStateStore(LAST_SEEN_STORE);
    this.forgetAt = context.getStateStore(TTL_STORE);
    this.heldUntil = context.getStateStore(HELD_STORE);
    this.inventory = new Inventory(context.getStateStore(INVENTORY_STORE));
    this.task = context.taskId().toString();
    this.partition = context.taskId().partition();
    activity.open(task, context.currentSystemTimeMs());
    context.schedule(SCAN_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::scan);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof Heartbeat heartbeat) {
      heartbeat(record.key(), heartbeat);
    } else if (record.value() instanceof CrashReport report) {
      crash(record.key(), report);
    }
  }

  private void heartbeat(String deviceId, Heartbeat hb) {
    long now = context.currentSystemTimeMs();
    long sentAt = hb.getSentAt().toEpochMilli();
    activity.heartbeat(task, now, context.recordMetadata().map(m -> m.offset() + 1).orElse(-1L));
    long fingerprint = LastSeen.fingerprint(hb.getBootId(), hb.getComponents());
    LastSeen seen = lastSeen.get(deviceId);
    boolean boot = hb.getReason() == HeartbeatReason.BOOT;
    boolean uncleanBoot = boot && hb.getPreviousShutdownUnclean();
    boolean shutdown = hb.getReason() == HeartbeatReason.SHUTDOWN;
    if (seen != null && seen.fingerprint() == fingerprint && !uncleanBoot && !shutdown) {
      lastSeen.put(deviceId, seen.heardAgain(now, fingerprint, sentAt, rules.darkWindow().toMillis()));
      return; // same boot, same versions, not dark: device state would not change
    }
    DeviceState known = devices.get(deviceId);
    boolean isNew = known == null;
    DeviceState state = isNew ? new DeviceState(hb.getFleetId()) : known;
    if (isNew) {
      state.firstSeenMs = context.currentSystemTimeMs(); // the wall clock: a device's own may be skewed
    }
    refuseUnboundedGrowth(state, hb);
    long emittedBefore = emitted;
    SortedMap<String, String> firstSeen = new TreeMap<>();
    // An unclean reboot failed the versions the device ran before this boot.
    if (!isNew && uncleanBoot) {
      fail(deviceId, state, state.versionsAt(sentAt), DeviceChange.Failure.UNCLEAN_REBOOT, null, sentAt, true);
    }
    boolean switched = false;
    for (Map.Entry<String, String> c : hb.getComponents().entrySet()) {
      DeviceState.Installed installed = state.components.get(c.getKey());
      if (installed == null) {
        state.components.put(c.getKey(), new DeviceState.Installed(c.getValue(), null, isNew ? 0 : sentAt));
        firstSeen.put(c.getKey(), c.getValue());
      } else if (!installed.version().equals(c.getValue())) {
        state.components.put(c.getKey(), new DeviceState.Installed(c.getValue(), installed.version(), sentAt));
        boolean failedBefore = state.failedOn.contains(c.getKey() + "=" + installed.version());
        emit(DeviceChange.applied(state.fleetId, c.getKey(), c.getValue(), installed.version(), failedBefore, deviceId,
            state.recentFailures, sentAt).seenFirstAt(state.firstSeenMs));
        state.pruneFailures();
        switched = true;
      }
    }
    if (isNew) {
      inventory.add(state.fleetId, firstSeen, sentAt);
    } else {
      // A component new to a device already known: rare, so one change each, as old as the device is.
      firstSeen.forEach((component, version) ->
          emit(DeviceChange.firstSeen(state.fleetId, component, version, 1, sentAt).seenFirstAt(state.firstSeenMs)));
    }
    if (isNew && uncleanBoot) {
      fail(deviceId, state, state.currentVersions(), DeviceChange.Failure.UNCLEAN_REBOOT, null, sentAt, true);
    }
    if (state.dark) {
      state.dark = false;
      state.currentVersions().forEach((component, version) ->
          emit(DeviceChange.cameBack(state.fleetId, component, version, deviceId, sentAt)));
    }
    boolean released = release(deviceId, state, sentAt);
    boolean woke = state.asleep && !shutdown;
    boolean changed = isNew || !firstSeen.isEmpty() || emitted > emittedBefore || released || state.asleep != shutdown;
    if (shutdown && !state.asleep) {
      fallSilent(deviceId, state, now);
    }
    state.asleep = shutdown; // a clean shutdown or sleep notice: its silence is no failure
    if (!state.indexed || woke) {
      index(deviceId, now + rules.darkAfter().toMillis());
      state.indexed = true;
      changed = true;
    }
    if (changed) {
      devices.put(deviceId, state); // most heartbeats change nothing: no write, no changelog record
    }
    LastSeen next = switched || boot ? new LastSeen(now, fingerprint, sentAt)
        : seen == null ? new LastSeen(now, fingerprint, LastSeen.SETTLED)
        : seen.heardAgain(now, fingerprint, sentAt, rules.darkWindow().toMillis());
    // A held report may be decided, a sleeper wakes: the next heartbeat reads device state even if it says the same.
    lastSeen.put(deviceId, state.held.isEmpty() && !state.asleep ? next : next.comparedInFull());
  }

  /**
   * Each heartbeat is bounded by {@code max-components}, but a device keeps every component it ever
   * named: one naming new ones on every heartbeat would grow its state until the changelog refuses
   * the record and the detector stops. Refused before anything changes, so the dead letter is all.
   */
  private void refuseUnboundedGrowth(DeviceState state, Heartbeat hb) {
    long added = hb.getComponents().keySet().stream().filter(c -> !state.components.containsKey(c)).count();
    if (state.components.size() + added > maxComponents) {
      throw new InvalidRecordException("too-many-components", "device " + hb.getDeviceId() + " would name "
          + (state.components.size() + added) + " components in all; at most " + maxComponents + " (max-components)");
    }
  }

  private void crash(String deviceId, CrashReport report) {
    DeviceState state = devices.get(deviceId);
    if (state == null) {
      untrusted(report.getFleetId(), deviceId, "never seen heartbeating");
      return;
    }
    if (!state.rememberReport(report.getReportId())) {
      return;
    }
    long crashedAt = report.getCrashedAt().toEpochMilli();
    String signature = CrashSignature.of(report.getBugcheckCode(), report.getFaultingModule());
    boolean named = report.getComponents() != null && !report.getComponents().isEmpty();
    if (!named && activity.behind(task)) {
      // Ordering under lag: the heartbeat announcing what it crashed on may still wait unread.
      holdUnnamed(deviceId, state, new DeviceState.HeldReport(crashedAt, signature, Map.of()));
      devices.put(deviceId, state);
      return;
    }
    // The agent knows what it ran when it crashed; device state is the fallback when it does not say.
    Map<String, String> versions = named ? report.getComponents() : state.versionsAt(crashedAt);
    if (state.exposedTo(versions)) {
      fail(deviceId, state, versions, DeviceChange.Failure.CRASH, signature, crashedAt, true);
    } else {
      hold(deviceId, state, new DeviceState.HeldReport(crashedAt, signature, versions));
    }
    devices.put(deviceId, state);
  }

  /**
   * Exposure first: a report naming a version the device was not seen heartbeating on waits for a
   * heartbeat that shows it there — under lag that heartbeat comes after the report — and is refused
   * when one sent after the crash does not. Its own clock against itself: never one device's against another's.
   */
  private void hold(String deviceId, DeviceState state, DeviceState.HeldReport report) {
    if (state.held.size() == DeviceState.MAX_HELD_REPORTS) {
      state.held.remove(0);
      untrusted(state.fleetId, deviceId, "kept naming versions it was not seen on");
    }
    state.held.add(report);
    LastSeen seen = lastSeen.get(deviceId);
    if (seen != null) {
      lastSeen.put(deviceId, seen.comparedInFull());
    }
  }

  /**
   * Ordering under lag: while the consumer shows the heartbeat partition behind, a crash report that
   * names no versions waits — for a heartbeat of its device sent after the crash, for the partition to catch up, or one
   * heartbeat interval at most — so device state knows what the device ran when it crashed, as a
   * caught-up detector would. Never one device's clock against another's: the crash time is compared
   * with the same device's heartbeats only.
   */
  private void holdUnnamed(String deviceId, DeviceState state, DeviceState.HeldReport report) {
    hold(deviceId, state, report);
    heldUntil.put(DarkDeadlines.key(context.currentSystemTimeMs() + rules.heartbeatInterval().toMillis(), deviceId), deviceId);
  }

  /** Releases the unnamed reports held whose time is up, or all of them once the partition is no longer behind. */
  private void releaseHeld(long now) {
    long upTo = activity.behind(task) ? now : Long.MAX_VALUE;
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> entries = heldUntil.range(DarkDeadlines.from(0), DarkDeadlines.upTo(upTo))) {
      entries.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> entry : due) {
      heldUntil.delete(entry.key);
      DeviceState state = devices.get(entry.value);
      if (state == null) {
        continue;
      }
      boolean decided = false;
      for (var it = state.held.iterator(); it.hasNext(); ) {
        DeviceState.HeldReport report = it.next();
        if (report.unnamed()) {
          failAsDeviceStateSays(entry.value, state, report);
          it.remove();
          decided = true;
        }
      }
      if (decided) {
        devices.put(entry.value, state);
      }
    }
  }

  /** A held report that names no versions fails those device state says the device ran at the crash. */
  private void failAsDeviceStateSays(String deviceId, DeviceState state, DeviceState.HeldReport report) {
    fail(deviceId, state, state.versionsAt(report.crashedAtMs()), DeviceChange.Failure.CRASH, report.signature(),
        report.crashedAtMs(), true);
  }

  /**
   * Decides the held reports a heartbeat sent at {@code sentAt} can decide (every heartbeat of this
   * device sent before it has been read); true when any was.
   */
  private boolean release(String deviceId, DeviceState state, long sentAt) {
    boolean decided = false;
    for (var it = state.held.iterator(); it.hasNext(); ) {
      DeviceState.HeldReport report = it.next();
      if (report.unnamed()) {
        if (sentAt < report.crashedAtMs()) {
          continue; // the heartbeats sent before the crash may not all be read yet
        }
        failAsDeviceStateSays(deviceId, state, report);
      } else if (state.exposedTo(report.versions())) {
        fail(deviceId, state, report.versions(), DeviceChange.Failure.CRASH, report.signature(), report.crashedAtMs(), true);
      } else if (sentAt >= report.crashedAtMs()) {
        untrusted(state.fleetId, deviceId, "named " + report.versions() + ", not seen heartbeating on it");
      } else {
        continue;
      }
      it.remove();
      decided = true;
    }
    return decided;
  }

  private void untrusted(String fleetId, String deviceId, String reason) {
    metrics.untrustedEvidence();
    untrusted = untrusted.plus(1, fleetId, deviceId, reason, context.currentSystemTimeMs());
  }

  /**
   * Every failure travels, so the fleet level knows when each device last failed; a report seen twice
   * does not. {@code specific}: the failure is the version's own (a crash, an unclean reboot, or
   * silence soon after a switch or boot), not silence that could be anything. Each carries whether it
   * is blamed on its version ({@link #blamed}).
   */
  private void fail(String deviceId, DeviceState state, Map<String, String> versions, DeviceChange.Failure failure,
           String signature, long atMs, boolean specific) {
    versions.forEach((component, version) -> {
      DeviceState.Installed installed = state.components.get(component);
      String current = installed == null ? version : installed.version();
      boolean first = state.markFailed(component, version);
      DeviceChange change = DeviceChange.failed(state.fleetId, component, version, current, deviceId, failure, first,
          signature, state.recentFailures, atMs, specific);
      change = change.seenFirstAt(state.firstSeenMs);
      emit(failure == DeviceChange.Failure.DARK || blamed(installed, component, version, signature, atMs) ? change
          : change.unblamedOnItsVersion());
    });
    state.recentFailures = DeviceChange.withFailure(state.recentFailures, atMs);
  }

  /**
   * Attribution: a crash or unclean reboot is evidence against the versions the device switched to
   * within {@code attribution-window} before it (both times by the device's own clock), narrowed by
   * {@code module-components} to the components its faulting module belongs to. A version the device
   * was found on, or one it left before the failure, has no switch time known here: blamed, so a
   * failure is never lost for want of one. Silence is blamed by {@code dark-window} instead.
   */
  private boolean blamed(DeviceState.Installed installed, String component, String version, String signature, long atMs) {
    Set<String> narrowed = rules.moduleComponents().componentsOf(signature == null ? null : CrashSignature.faultingModule(signature));
    if (narrowed != null && !narrowed.contains(component)) {
      return false;
    }
    boolean knownSwitch = installed != null && installed.version().equals(version) && installed.previous() != null;
    return !knownSwitch || atMs - installed.switchedAtMs() <= rules.attributionWindow().toMillis();
  }

  /** Wall-clock scan of the devices whose deadline is due; a skipped punctuation is caught up here. */
  private void scan(long now) {
    activity.scanned(task, partition, now);
    inventory.drainAll(this::forwardFirstSeen);
    releaseHeld(now);
    if (untrusted.reports() > 0) {
      HEALTH.forward(context, new Record<>(HealthReport.KEY, HealthReport.of(untrusted), now));
      untrusted = UntrustedReports.none();
    }
    PartitionLiveness liveness = activity.liveness(task, partition, now);
    if (liveness != null) {
      HEALTH.forward(context, new Record<>(HealthReport.KEY, HealthReport.of(liveness), now));
    }
    long trustSince = activity.trustSilenceSince(task, now);
    if (trustSince < 0) {
      return;
    }
    forgetLongSilent(now);
    long darkAfter = rules.darkAfter().toMillis();
    try (KeyValueIterator<String, String> due = deadlines.range(DarkDeadlines.from(0), DarkDeadlines.upTo(now))) {
      while (due.hasNext()) {
        KeyValue<String, String> entry = due.next();
        deadlines.delete(entry.key);
        String deviceId = entry.value;
        DeviceState state = devices.get(deviceId);
        if (state == null || state.dark || state.asleep) {
          continue; // a sleeper is indexed again when it wakes
        }
        // Silence before the partition was trusted (a restart, a lag, an outage) does not count.
        LastSeen seen = lastSeen.get(deviceId);
        long deadline = Math.max(seen == null ? 0 : seen.atMs(), trustSince) + darkAfter;
        if (deadline > now) {
          index(deviceId, deadline); // heard from since it was indexed: look again later
        } else {
          boolean soonAfterAChange = seen != null ? seen.silentSoonAfterAChange()
              : state.switchedSince(now - darkAfter - rules.darkWindow().toMillis()); // last-seen lost in a restart
          boolean specific = soonAfterAChange && !state.wentDarkSince(now - rules.baselineWindow().toMillis());
          state.dark = true;
          state.lastDarkMs = now;
          fallSilent(deviceId, state, now);
          metrics.darkDevice();
          state.indexed = false;
          lastSeen.delete(deviceId); // its next heartbeat brings it back: compare it in full
          fail(deviceId, state, state.currentVersions(), DeviceChange.Failure.DARK, null, now, specific);
          devices.put(deviceId, state);
        }
      }
    }
  }

  /** A device goes dark or asleep: it is forgotten after {@code device-ttl}, unless heard from before. */
  private void fallSilent(String deviceId, DeviceState state, long now) {
    state.silentSinceMs = now;
    forgetAt.put(DarkDeadlines.key(now + rules.deviceTtl().toMillis(), deviceId), deviceId);
  }

  /** Devices silent for {@code device-ttl} leave device state and the fleet's counts, a bounded number per scan. */
  private void forgetLongSilent(long now) {
    long ttl = rules.deviceTtl().toMillis();
    int forgotten = 0;
    try (KeyValueIterator<String, String> due = forgetAt.range(DarkDeadlines.from(0), DarkDeadlines.upTo(now))) {
      while (due.hasNext() && forgotten < MAX_FORGOTTEN_PER_SCAN) {
        KeyValue<String, String> entry = due.next();
        forgetAt.delete(entry.key);
        String deviceId = entry.value;
        DeviceState state = devices.get(deviceId);
        if (state == null || !(state.dark || state.asleep) || state.silentSinceMs + ttl > now) {
          continue; // heard from since: it fell silent again later, under a later entry, or not at all
        }
        state.currentVersions().forEach((component, version) -> emit(DeviceChange.left(state.fleetId, component, version,
            deviceId, state.dark, state.recentFailures, now).seenFirstAt(state.firstSeenMs)));
        devices.delete(deviceId);
        lastSeen.delete(deviceId);
        metrics.forgottenDevice();
        forgotten++;
      }
    }
  }

  private void index(String deviceId, long deadlineMs) {
    deadlines.put(DarkDeadlines.key(deadlineMs, deviceId), deviceId);
  }

  /** Forwards a change, after the first sightings it must not overtake. */
  private void emit(DeviceChange change) {
    emitted++;
    inventory.drain(change.fleetId(), this::forwardFirstSeen);
    forward(change);
  }

  private void forward(DeviceChange change) {
    CHANGES.forward(context, new Record<>(change.key().toString(), change, change.atMs()));
  }

  /** Devices first seen go out counted together, a scan at most after they were seen: now is when that was. */
  private void forwardFirstSeen(DeviceChange devices) {
    forward(devices.seenFirstAt(context.currentSystemTimeMs()));
  }

  @Override
  public void close() {
    activity.close(task);
  }
}
