package io.crashwatch.detector.topology.device;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Device state sends changes and alerts each to its own child, from records and from its scan. */
class DeviceStateProcessorTest {
  private static final long NOW = Instant.parse("2024-07-19T04:09:00Z").toEpochMilli();

  /** csagent.sys belongs to channel-291: a crash in it is not the sensor's. */
  private final DetectionRules rules = DetectionRules.from(Map.of("module-components", "CSAgent.sys=channel-291"));
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  /** What the consumer's fetches say: read to the end, unless a test says the detector is behind. */
  private boolean behind;
  private final InputActivity activity = new InputActivity(rules.heartbeatInterval().toMillis(),
      rules.inputSilence().toMillis(), (partition, nextOffset, wallMs) -> !behind);
  private final DetectorMetrics metrics = DetectorMetrics.unserved();
  private final DeviceStateProcessor processor = new DeviceStateProcessor(rules, 64, activity, metrics);

  DeviceStateProcessorTest() {
    addStore(context, DeviceStateProcessor.STATE_STORE, Serdes.String(), new DeviceStateSerde());
    addStore(context, DeviceStateProcessor.DEADLINE_STORE, Serdes.String(), Serdes.String());
    addStore(context, DeviceStateProcessor.LAST_SEEN_STORE, Serdes.String(), LastSeen.serde());
    addStore(context, DeviceStateProcessor.INVENTORY_STORE, Serdes.String(), Inventory.Pending.serde());
    addStore(context, DeviceStateProcessor.TTL_STORE, Serdes.String(), Serdes.String());
    addStore(context, DeviceStateProcessor.HELD_STORE, Serdes.String(), Serdes.String());
    context.setCurrentSystemTimeMs(NOW);
    processor.init(context);
  }

  @Test
  void shouldSendFirstSightingsToTheChangesChildOnTheScan() {
    heartbeat("device-1");
    assertThat(context.forwarded()).as("counted, waiting for the scan").isEmpty();

    scan(NOW + 500);

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .extracting(r -> r.key() + " " + r.value().version() + " x" + r.value().devices())
        .containsExactlyInAnyOrder("airline-ops/sensor 7.11.18110 x1", "airline-ops/channel-291 r40 x1");
  }

  /**
   * A rollout test counts only devices seen before it started, so every change says when its device was
   * first seen on the detector's wall clock: new devices when counted, and a component new to a known
   * device as old as the device (not a new device at all).
   */
  @Test
  void shouldTellWhenEachDeviceWasFirstSeen() {
    heartbeat("device-1");
    scan(NOW + 500);
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).allSatisfy(r ->
        assertThat(r.value().deviceFirstSeenMs()).isEqualTo(NOW + 500));
    context.resetForwards();
    context.setCurrentSystemTimeMs(NOW + 60_000);

    processor.process(new Record<>("device-1", Heartbeat.newBuilder().setDeviceId("device-1").setFleetId("airline-ops")
        .setSentAt(Instant.ofEpochMilli(NOW + 60_000)).setBootId("boot-1").setUptimeMs(61_000).setOsBuild("19045.4651")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", "r41", "telemetry", "1.0"))
        .setReason(HeartbeatReason.PERIODIC).build(), NOW + 60_000));

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .extracting(r -> r.value().component() + " " + r.value().deviceFirstSeenMs())
        .containsExactlyInAnyOrder("channel-291 " + NOW, "telemetry " + NOW);
  }

  /**
   * Each task tells the detector's health how its partition is: when that changes and once a
   * heartbeat interval, never an alert of its own (one per task and instance, and a false one from an
   * instance with idle partitions, was what happened before).
   */
  @Test
  void shouldReportItsPartitionsLivenessToTheHealthChildWhenItChangesAndOnceAnInterval() {
    heartbeat("device-1");
    scan(NOW + 500);
    scan(NOW + 1_000);
    behind = true;
    scan(NOW + 1_500);
    behind = false;
    scan(NOW + 2_000);
    scan(NOW + 2_000 + rules.heartbeatInterval().toMillis());

    assertThat(forwarded(context, DeviceStateProcessor.HEALTH)).extracting(r -> r.value().liveness())
        .extracting(l -> l.partition() + " " + l.caughtUp() + " since " + (l.sinceMs() - NOW) + " input " + l.hadInput())
        .containsExactly("0 true since 500 input true", "0 false since 1500 input true", "0 true since 2000 input true",
            "0 true since 2000 input true");
  }

  /**
   * A scan that comes late (the thread stood still) says nothing of silence: the heartbeats sent
   * meanwhile wait unread. ScenariosIT saw one JVM pause raise a TELEMETRY_OUTAGE from every task.
   */
  @Test
  void shouldNotReportSilenceFromAScanThatCameLate() {
    heartbeat("device-1");
    scan(NOW + 500);
    context.resetForwards();

    long late = NOW + 500 + rules.inputSilence().toMillis() + rules.heartbeatInterval().toMillis();
    scan(late);
    assertThat(forwarded(context, DeviceStateProcessor.HEALTH)).as("after the pause").isEmpty();

    scan(late + 500); // on time, and still nothing heard: silent indeed
    assertThat(forwarded(context, DeviceStateProcessor.HEALTH)).extracting(r -> r.value().liveness())
        .singleElement().satisfies(l -> assertThat(l.atMs() - l.lastInputMs()).isGreaterThanOrEqualTo(rules.inputSilence().toMillis()));
  }

  /** Unknown lag is not caught up: a device silent meanwhile is not dark, and counts only from when it is known. */
  @Test
  void shouldDeclareNobodyDarkWhileTheConsumerShowsTheDetectorBehind() {
    heartbeat("device-1");
    heartbeat("device-2");
    behind = true;
    scanWhileAnotherDeviceHeartbeats(NOW, NOW + 3 * rules.darkAfter().toMillis());
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).noneMatch(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK);

    behind = false;
    long known = NOW + 3 * rules.darkAfter().toMillis() + 500;
    scanWhileAnotherDeviceHeartbeats(known, known + rules.darkAfter().toMillis() - 500);
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).as("silence counts from when the lag is known")
        .noneMatch(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK);
    scanWhileAnotherDeviceHeartbeats(known + rules.darkAfter().toMillis(), known + rules.darkAfter().toMillis() + 1_000);
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).filteredOn(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK)
        .extracting(r -> r.value().deviceId()).contains("device-1", "device-2");
  }

  /**
   * A stream thread that stops for longer than a heartbeat interval (a slow commit, a pause) may
   * punctuate before it reads the heartbeats that arrived meanwhile: its devices only look silent.
   * Seen in ScenariosIT on 2 cores, where a 4.8 s stall darkened a third of a fleet at once.
   */
  @Test
  void shouldNotDeclareDevicesDarkOnAScanThatComesAfterTheThreadStalled() {
    long darkAfter = rules.darkAfter().toMillis();
    long interval = rules.heartbeatInterval().toMillis();
    heartbeat("device-1", NOW);
    heartbeat("device-2", NOW);
    scan(NOW + 500);
    context.resetForwards();

    // Another task, on another thread, keeps reading its partition: the input as a whole is alive.
    long resumed = NOW + darkAfter + 1_000;
    for (long t = NOW; t <= resumed + 2 * darkAfter; t += interval / 2) {
      activity.heartbeat("0_9", t, -1);
    }
    scan(resumed); // this task: no scan and no record since NOW
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).as("changes after the stall").isEmpty();

    // Reading again: device-1's fresh heartbeats show the partition caught up; device-2 stays silent.
    for (long t = resumed + 500; t <= resumed + 2 * darkAfter; t += 500) {
      if ((t - resumed) % interval == 0) {
        context.setCurrentSystemTimeMs(t);
        heartbeat("device-1", t);
      }
      scan(t);
    }
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .extracting(r -> r.value().kind() + " " + r.value().deviceId())
        .containsOnly("WENT_DARK device-2");
  }

  /** Exposure first: a device never seen heartbeating was never seen on any version, so its crash is no evidence. */
  @Test
  void shouldNotCountACrashReportFromADeviceNeverSeenHeartbeating() {
    processor.process(new Record<>("stranger", crashReport("stranger", "report-1", NOW, "r41"), NOW));
    scan(NOW + 500);

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).isEmpty();
    assertThat(metrics.registry().get("crashwatch.untrusted.evidence").counter().count()).isEqualTo(1);
    assertThat(untrustedReports()).singleElement().satisfies(r -> assertThat(r.reports()).isEqualTo(1));
  }

  /**
   * When the detector lags, a busy heartbeat partition lags more than a quiet crash-report one: the
   * report of a crash on r41 comes before the heartbeat announcing r41. It waits for it.
   */
  @Test
  void shouldHoldACrashReportNamingAVersionNotYetSeenUntilAHeartbeatShowsTheDeviceOnIt() {
    heartbeat("device-1", NOW, "r40");
    scan(NOW + 500);
    context.resetForwards();

    processor.process(new Record<>("device-1", crashReport("device-1", "report-1", NOW + 2_000, "r41"), NOW + 2_000));
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).as("before the heartbeat showing r41").isEmpty();

    heartbeat("device-1", NOW + 1_000, "r41"); // sent before the crash, processed after its report
    scan(NOW + 1_500);

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .extracting(r -> r.value().kind() + " " + r.value().component() + " " + r.value().version() + " " + r.value().atMs())
        .containsExactly("APPLIED channel-291 r41 " + (NOW + 1_000), "FAILED channel-291 r41 " + (NOW + 2_000));
    assertThat(untrustedReports()).isEmpty();
  }

  /**
   * Ordering under lag, for reports that name no versions: while the heartbeat partition lags, the
   * UPDATE_APPLIED heartbeat can come after the report of a crash on r41. The report waits — for a
   * heartbeat of its device sent after the crash, for the partition to catch up, or one heartbeat
   * interval — and is blamed on r41, as a caught-up detector would. Before, it was blamed on r40.
   */
  @Test
  void shouldBlameAReportNamingNoVersionsOnWhatTheLaggingHeartbeatsSayItRan() {
    java.util.List<String> all = java.util.List.of("reboots", "loops", "late", "caught");
    all.forEach(device -> heartbeat(device, NOW, "r40"));
    scan(NOW + 500);
    behind = true;
    scan(NOW + 1_000);
    context.resetForwards();

    long crashAt = NOW + 2_000;
    all.forEach(device -> {
      CrashReport report = crashReport(device, "report-" + device, crashAt, "r41");
      report.setComponents(null);
      processor.process(new Record<>(device, report, NOW + 1_100));
    });
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).as("held while the partition lags").isEmpty();

    heartbeat("reboots", NOW + 1_500, "r41"); // the lagging switch heartbeats, sent before the crash
    heartbeat("loops", NOW + 1_500, "r41");
    heartbeat("caught", NOW + 1_500, "r41");
    heartbeat("reboots", crashAt + 1_000, "r41", HeartbeatReason.BOOT); // sent after it: all before it is read
    scan(NOW + 1_500);
    assertThat(failures()).containsExactly("reboots r41");

    long interval = rules.heartbeatInterval().toMillis();
    scan(NOW + 1_100 + interval); // still behind: one interval at most, then what device state knows
    assertThat(failures()).containsExactlyInAnyOrder("reboots r41", "loops r41", "late r40", "caught r41");
  }

  /** Held reports go as soon as the partition is caught up: a boot-looping partition's lag must not delay July-19. */
  @Test
  void shouldReleaseHeldReportsAsSoonAsThePartitionCatchesUp() {
    heartbeat("loops", NOW, "r40");
    scan(NOW + 500);
    behind = true;
    scan(NOW + 1_000);
    CrashReport report = crashReport("loops", "report-1", NOW + 2_000, "r41");
    report.setComponents(null);
    processor.process(new Record<>("loops", report, NOW + 1_100));
    heartbeat("loops", NOW + 1_500, "r41");
    scan(NOW + 1_500);
    assertThat(failures()).isEmpty();

    behind = false;
    scan(NOW + 2_000);

    assertThat(failures()).containsExactly("loops r41");
  }

  private java.util.List<String> failures() {
    return forwarded(context, DeviceStateProcessor.CHANGES).stream()
        .filter(r -> r.value().kind() == DeviceChange.Kind.FAILED && r.value().component().equals("channel-291"))
        .map(r -> r.value().deviceId() + " " + r.value().version()).toList();
  }

  /** Exposure first: a report naming a version the device never heartbeated on is no evidence against it. */
  @Test
  void shouldDropACrashReportNamingAVersionTheDeviceWasNeverSeenOn() {
    heartbeat("device-1", NOW, "r40");
    scan(NOW + 500);
    context.resetForwards();

    processor.process(new Record<>("device-1", crashReport("device-1", "report-1", NOW + 2_000, "r41"), NOW + 2_000));
    heartbeat("device-1", NOW + 3_000, "r40"); // sent after the crash, still on r40: the report is not about this device
    heartbeat("device-1", NOW + 4_000, "r41"); // a later switch does not make the old report true
    scan(NOW + 4_500);

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).extracting(r -> r.value().kind().name())
        .containsExactly("APPLIED");
    assertThat(metrics.registry().get("crashwatch.untrusted.evidence").counter().count()).isEqualTo(1);
    assertThat(forwarded(context, DeviceStateProcessor.HEALTH)).allSatisfy(r -> assertThat(r.key()).isEqualTo(HealthReport.KEY));
    assertThat(untrustedReports()).singleElement().satisfies(r -> {
      assertThat(r.reports()).isEqualTo(1);
      assertThat(r.exampleDevice()).isEqualTo("device-1");
      assertThat(r.exampleFleet()).isEqualTo("airline-ops");
    });
  }

  /** A clean shutdown or sleep notice: the silence after it is no failure, until the device is heard from again. */
  @Test
  void shouldNeverDeclareADeviceDarkAfterItsShutdownNoticeUntilItWakes() {
    heartbeat("sleeper", NOW);
    heartbeat("sleeper", NOW + 1_000, "r40", HeartbeatReason.SHUTDOWN);
    long end = NOW + 3 * rules.darkAfter().toMillis();
    scanWhileAnotherDeviceHeartbeats(NOW, end);
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).extracting(r -> r.value().kind() + " " + r.value().deviceId())
        .as("asleep: not dark").doesNotContain("WENT_DARK sleeper");

    context.setCurrentSystemTimeMs(end);
    heartbeat("sleeper", end); // wakes: same boot, same versions, and yet read in full
    scanWhileAnotherDeviceHeartbeats(end + 500, end + 2 * rules.darkAfter().toMillis());
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).extracting(r -> r.value().kind() + " " + r.value().deviceId())
        .as("silent after waking, without a notice: dark").contains("WENT_DARK sleeper");
  }

  /**
   * Silence soon after a switch is the version's own failure; silence of a device heard from long
   * after its last change could be anything (a site outage, a sleeping laptop) — without a control
   * it is no evidence against the version it runs.
   */
  @Test
  void shouldTellSilenceSoonAfterASwitchFromSilenceThatCouldBeAnything() {
    long interval = rules.heartbeatInterval().toMillis();
    long window = rules.darkWindow().toMillis();
    heartbeat("switched-long-ago", NOW, "r40");
    heartbeat("switched-long-ago", NOW + interval, "r41");
    heartbeat("switches-now", NOW, "r40");
    long t0 = NOW + interval + window + interval;
    for (long t = NOW + interval; t <= t0; t += interval) {
      context.setCurrentSystemTimeMs(t);
      heartbeat("switched-long-ago", t, "r41"); // heard from more than dark-window after its switch
      heartbeat("switches-now", t, "r40");
      scan(t);
    }
    heartbeat("switches-now", t0 + 1_000, "r41"); // then both fall silent
    scanWhileAnotherDeviceHeartbeats(t0 + 1_000, t0 + 2 * rules.darkAfter().toMillis());

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .filteredOn(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK && r.value().component().equals("channel-291"))
        .extracting(r -> r.value().deviceId() + " " + r.value().specific())
        .containsExactlyInAnyOrder("switches-now true", "switched-long-ago false");
  }

  /**
   * After a restart or a move to another instance the local last-seen store is empty: whether silence
   * is specific then comes from device state's switch times, so a boot loop right after a push still
   * counts where no control is left.
   */
  @Test
  void shouldStillTellSilenceSoonAfterASwitchWhenTheLastSeenStoreWasLost() {
    long interval = rules.heartbeatInterval().toMillis();
    heartbeat("old-switch", NOW, "r40");
    heartbeat("old-switch", NOW + interval, "r41");
    heartbeat("new-switch", NOW, "r40");
    long t = NOW + interval + rules.darkWindow().toMillis() + 2 * rules.darkAfter().toMillis();
    for (long at = NOW + interval; at <= t; at += interval) {
      context.setCurrentSystemTimeMs(at);
      heartbeat("old-switch", at, "r41");
      heartbeat("new-switch", at, "r40");
      scan(at);
    }
    heartbeat("new-switch", t + 1_000, "r41");
    KeyValueStore<String, LastSeen> lastSeen = context.getStateStore(DeviceStateProcessor.LAST_SEEN_STORE);
    lastSeen.delete("old-switch"); // the instance restarts: its local store is gone
    lastSeen.delete("new-switch");
    context.resetForwards();

    scanWhileAnotherDeviceHeartbeats(t + 1_000, t + 1_000 + 2 * rules.darkAfter().toMillis());

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .filteredOn(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK && r.value().component().equals("channel-291"))
        .extracting(r -> r.value().deviceId() + " " + r.value().specific())
        .containsExactlyInAnyOrder("new-switch true", "old-switch false");
  }

  /**
   * A device that went silent unannounced before (a laptop that sleeps without notice) says nothing
   * about a version by going silent soon after switching to it: without a control, only a device
   * that had never gone dark within baseline-window does. A 60 %-sleeping fleet halted its push.
   */
  @Test
  void shouldNotCountSilenceSoonAfterASwitchAsSpecificFromADeviceThatWentDarkBefore() {
    long interval = rules.heartbeatInterval().toMillis();
    long darkAfter = rules.darkAfter().toMillis();
    heartbeat("sleeper", NOW, "r40");
    heartbeat("always-on", NOW, "r40");
    scanWhileAnotherDeviceHeartbeats(NOW, NOW + 2 * darkAfter); // both silent: dark
    long back = NOW + 2 * darkAfter + interval;
    context.setCurrentSystemTimeMs(back);
    heartbeat("sleeper", back, "r40"); // the sleeper wakes; the other one's silence is forgotten with it:
    KeyValueStore<String, DeviceState> devices = context.getStateStore(DeviceStateProcessor.STATE_STORE);
    DeviceState alwaysOn = devices.get("always-on");
    alwaysOn.lastDarkMs = 0; // it stands for a device that was never dark
    devices.put("always-on", alwaysOn);
    heartbeat("always-on", back, "r40");
    heartbeat("sleeper", back + 1_000, "r41");
    heartbeat("always-on", back + 1_000, "r41");
    context.resetForwards();

    scanWhileAnotherDeviceHeartbeats(back + 1_000, back + 1_000 + 2 * darkAfter); // both fall silent again

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .filteredOn(r -> r.value().kind() == DeviceChange.Kind.WENT_DARK && r.value().component().equals("channel-291"))
        .extracting(r -> r.value().deviceId() + " " + r.value().specific())
        .containsExactlyInAnyOrder("sleeper false", "always-on true");
  }

  /**
   * Attribution: a crash is blamed on the versions the device switched to within attribution-window
   * (by its own clock) and, with module-components, only on the components its faulting module
   * belongs to. Before, it counted against every component the device ran.
   */
  @Test
  void shouldBlameACrashOnlyOnRecentSwitchesOfTheComponentsItsModuleBelongsTo() {
    long window = rules.attributionWindow().toMillis();
    heartbeat("device-1", NOW, "r40");
    heartbeat("device-1", NOW + 1_000, "r41"); // switched long before the crash
    heartbeat("device-2", NOW, "r40");
    heartbeat("device-2", NOW + window, "r41"); // switched just before it
    heartbeat("device-3", NOW, "r40");
    heartbeat("device-3", NOW + window, "r41");
    scan(NOW + 500);
    context.resetForwards();

    long crashAt = NOW + window + 60_000;
    processor.process(new Record<>("device-1", crashReport("device-1", "report-1", crashAt, "r41"), crashAt));
    CrashReport inAgent = crashReport("device-2", "report-2", crashAt, "r41");
    inAgent.setComponents(null); // every component the device runs, from device state
    processor.process(new Record<>("device-2", inAgent, crashAt));
    CrashReport elsewhere = crashReport("device-3", "report-3", crashAt, "r41");
    elsewhere.setComponents(null);
    elsewhere.setFaultingModule("ntfs.sys"); // not mapped: narrows nothing
    processor.process(new Record<>("device-3", elsewhere, crashAt));

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).filteredOn(r -> r.value().kind() == DeviceChange.Kind.FAILED)
        .extracting(r -> r.value().deviceId() + " " + r.value().component() + " " + (r.value().unblamed() ? "not blamed" : "blamed"))
        .containsExactlyInAnyOrder("device-1 channel-291 not blamed", "device-2 channel-291 blamed",
            "device-2 sensor not blamed", "device-3 channel-291 blamed", "device-3 sensor blamed");
  }

  /** Silent for device-ttl, dark or asleep, a device is forgotten: state stays bounded by the devices alive. */
  @Test
  void shouldForgetDevicesSilentForDeviceTtlAndTakeThemOutOfTheFleetsCounts() {
    heartbeat("gone-dark", NOW);
    heartbeat("asleep", NOW);
    heartbeat("asleep", NOW + 1_000, "r40", HeartbeatReason.SHUTDOWN);
    heartbeat("back", NOW);
    scanWhileAnotherDeviceHeartbeats(NOW, NOW + 2 * rules.darkAfter().toMillis()); // gone-dark and back go dark
    long later = NOW + 2 * rules.darkAfter().toMillis() + 60_000;
    context.setCurrentSystemTimeMs(later);
    heartbeat("back", later); // heard from again: never forgotten
    context.resetForwards();

    long ttl = rules.deviceTtl().toMillis();
    scanWhileAnotherDeviceHeartbeats(NOW + ttl + 2 * rules.darkAfter().toMillis(), NOW + ttl + 2 * rules.darkAfter().toMillis()
        + 2 * rules.heartbeatInterval().toMillis());

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).filteredOn(r -> r.value().kind() == DeviceChange.Kind.LEFT)
        .extracting(r -> r.value().deviceId() + " " + r.value().component() + " " + r.value().failure())
        .containsExactlyInAnyOrder("gone-dark channel-291 DARK", "gone-dark sensor DARK", "asleep channel-291 null",
            "asleep sensor null");
    KeyValueStore<String, DeviceState> devices = context.getStateStore(DeviceStateProcessor.STATE_STORE);
    assertThat(devices.get("gone-dark")).isNull();
    assertThat(devices.get("asleep")).isNull();
    assertThat(devices.get("back")).isNotNull();
    assertThat(metrics.registry().get("crashwatch.forgotten.devices").counter().count()).isEqualTo(2);
  }

  private static CrashReport crashReport(String deviceId, String reportId, long crashedAt, String channelVersion) {
    return CrashReport.newBuilder().setReportId(reportId).setDeviceId(deviceId).setFleetId("airline-ops")
        .setCrashedAt(Instant.ofEpochMilli(crashedAt)).setBugcheckCode(0x50).setFaultingModule("csagent.sys")
        .setOsBuild("19045.4651").setComponents(Map.of("channel-291", channelVersion)).build();
  }

  private void heartbeat(String deviceId) {
    heartbeat(deviceId, NOW);
  }

  private void heartbeat(String deviceId, long sentAt, String channelVersion) {
    heartbeat(deviceId, sentAt, channelVersion, HeartbeatReason.PERIODIC);
  }

  private void heartbeat(String deviceId, long sentAt, String channelVersion, HeartbeatReason reason) {
    SpecificRecord heartbeat = Heartbeat.newBuilder()
        .setDeviceId(deviceId).setFleetId("airline-ops").setSentAt(Instant.ofEpochMilli(sentAt)).setBootId("boot-1")
        .setUptimeMs(1000).setOsBuild("19045.4651").setComponents(Map.of("sensor", "7.11.18110", "channel-291", channelVersion))
        .setReason(reason).build();
    processor.process(new Record<>(deviceId, heartbeat, sentAt));
  }

  private void heartbeat(String deviceId, long sentAt) {
    heartbeat(deviceId, sentAt, "r40");
  }

  /** Scans every 500 ms from {@code fromMs} to {@code toMs} while another device keeps the partition caught up. */
  private void scanWhileAnotherDeviceHeartbeats(long fromMs, long toMs) {
    long interval = rules.heartbeatInterval().toMillis();
    for (long t = fromMs; t <= toMs; t += 500) {
      if ((t - fromMs) % interval == 0) {
        context.setCurrentSystemTimeMs(t);
        heartbeat("awake", t);
      }
      scan(t);
    }
  }

  /** The tallies of refused crash reports sent to the detector's health. */
  private java.util.List<io.crashwatch.detector.topology.model.UntrustedReports> untrustedReports() {
    return forwarded(context, DeviceStateProcessor.HEALTH).stream().map(r -> r.value().untrusted())
        .filter(java.util.Objects::nonNull).toList();
  }

  /** Fires the wall-clock scan by hand, as Kafka Streams would every 500 ms. */
  private void scan(long wallMs) {
    context.setCurrentSystemTimeMs(wallMs);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(wallMs);
  }
}
