package io.crashwatch.loadgen.bench;

import io.crashwatch.detector.config.TopicNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * How long a killed detector's partitions go unprocessed: two detectors (one stream thread each) share the
 * benchmark's topics; once both have caught up, one is killed (SIGKILL) under a steady background load, and
 * the time is taken until the group has committed, on every heartbeat partition it had, past the records
 * written by the time it was dead: those only a living instance can have processed. That
 * is the time rollouts wait, once it is longer than a lease, and the time a bad rollout goes unwatched.
 */
final class Failover {
  /** What is measured, each against the same fill: Kafka's defaults first, as the baseline. */
  enum Variant {
    KAFKA_DEFAULTS("Kafka's defaults: 45 s session, no standby", 45_000, 0, false, false),
    SHORT_SESSION("10 s session, no standby", 10_000, 0, false, false),
    STANDBY("10 s session, a standby of every task (crashwatch's defaults)", 10_000, 1, false, false),
    RESTARTED("the same, the killed instance restarted at once", 10_000, 1, false, true),
    RESTARTED_STATIC("the same, restarted at once with static membership (group.instance.id)", 10_000, 1, true, true);

    final String description;
    final int sessionTimeoutMs;
    final int standbys;
    final boolean staticMembership;
    final boolean restart;

    Variant(String description, int sessionTimeoutMs, int standbys, boolean staticMembership, boolean restart) {
      this.description = description;
      this.sessionTimeoutMs = sessionTimeoutMs;
      this.standbys = standbys;
      this.staticMembership = staticMembership;
      this.restart = restart;
    }
  }

  /** Per partition of the killed instance, ms from the kill until it was processed again; -1: not within the wait. */
  record Result(Variant variant, List<Long> resumedAfterMs) {
    long maxMs() {
      return resumedAfterMs.contains(-1L) ? -1 : resumedAfterMs.stream().mapToLong(Long::longValue).max().orElse(-1);
    }
  }

  private static final Duration READY = Duration.ofMinutes(2);
  private static final long WAIT_MS = 180_000;

  private Failover() {
  }

  /**
   * @param settings the benchmark detector's settings but its application id and outputs: each variant gets
   *                 its own, so it starts from offset 0 and its commands are its own
   * @param firstEvent where the background goes on in the fleet's stream
   */
  static Result measure(Variant variant, Path work, List<String> settings, String heap, Admin admin, BenchFleet fleet,
                        int backgroundPerSecond, long firstEvent, List<String> inputs) throws Exception {
    String app = "crashwatch-failover-" + variant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    List<String> lines = new ArrayList<>(settings);
    lines.add("application.id=" + app);
    lines.add("num.stream.threads=1");
    lines.add("session.timeout.ms=" + variant.sessionTimeoutMs);
    lines.add("num.standby.replicas=" + variant.standbys);
    TopicNames.settingsUnder(app).forEach((k, v) -> {
      if (!k.equals("heartbeats-topic") && !k.equals("crash-reports-topic")) {
        lines.add(k + "=" + v);
      }
    });
    List<ChildDetector> detectors = new ArrayList<>();
    try (Background background = new Background(fleet, backgroundPerSecond, firstEvent)) {
      for (int i = 0; i < 2; i++) {
        detectors.add(start(work, app, i, lines, variant, heap));
      }
      for (ChildDetector d : detectors) {
        d.awaitReady(READY);
      }
      awaitStableGroup(admin, app, 2);
      // Caught up with the fill, and then some: the standbys have had as long to follow as the actives.
      Measurements.catchUp(admin, app, inputs, Duration.ofMinutes(30));
      Thread.sleep(5_000);
      List<TopicPartition> partitions = heartbeatPartitionsOf(admin, app, app + "-1", fleet.heartbeatsTopic());
      try (GroupProgress progress = new GroupProgress(admin, app, partitions, Duration.ofMillis(100))) {
        long killedAt = System.currentTimeMillis();
        detectors.get(1).kill();
        progress.watchPastEndsNow();
        if (variant.restart) {
          detectors.set(1, start(work, app, 1, lines, variant, heap));
        }
        long deadline = killedAt + WAIT_MS;
        List<Long> resumed = new ArrayList<>();
        for (TopicPartition p : partitions) {
          while (progress.committedPastAtMs(p) < 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
          }
          long at = progress.committedPastAtMs(p);
          resumed.add(at < 0 ? -1 : at - killedAt);
        }
        return new Result(variant, resumed);
      }
    } finally {
      for (ChildDetector d : detectors) {
        d.close();
      }
    }
  }

  private static ChildDetector start(Path work, String app, int n, List<String> settings, Variant variant, String heap)
      throws Exception {
    Path home = Files.createDirectories(work.resolve(app).resolve("detector-" + n));
    List<String> lines = new ArrayList<>(settings);
    lines.add("client.id=" + app + "-" + n);
    if (variant.staticMembership) {
      lines.add("group.instance.id=" + app + "-" + n);
    }
    return ChildDetector.start(home, lines, heap);
  }

  private static void awaitStableGroup(Admin admin, String group, int members) throws Exception {
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      if (d.groupState() == GroupState.STABLE && d.members().size() == members) {
        return;
      }
      Thread.sleep(200);
    }
    throw new TimeoutException("The group " + group + " did not settle with " + members + " members within " + READY);
  }

  /** The heartbeat partitions the instance of that client id holds now. */
  private static List<TopicPartition> heartbeatPartitionsOf(Admin admin, String group, String clientId, String heartbeats)
      throws Exception {
    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
    return d.members().stream().filter(m -> m.clientId().startsWith(clientId + "-"))
        .map(MemberDescription::assignment).flatMap(a -> a.topicPartitions().stream())
        .filter(p -> p.topic().equals(heartbeats)).sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
  }

  static Map<String, Object> toJson(List<Result> results) {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    for (Result r : results) {
      json.put(r.variant().name(), Map.of("description", r.variant().description, "maxMs", r.maxMs(),
          "partitionsResumedAfterMs", r.resumedAfterMs()));
    }
    return json;
  }

  static List<Variant> parse(String variants) {
    if (variants.equals("none")) {
      return List.of();
    }
    if (variants.equals("all")) {
      return List.of(Variant.values());
    }
    return Arrays.stream(variants.split(",")).map(String::trim).map(s -> Variant.valueOf(s.toUpperCase(Locale.ROOT)
        .replace('-', '_'))).toList();
  }
}
