package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics that are missing and refuses to run on a layout that would give wrong answers:
 * heartbeats and crash reports must be co-partitioned by deviceId.
 */
final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  /** How long a topic may take to appear in the metadata after it exists, before we give up. */
  static final Duration METADATA_WAIT = Duration.ofSeconds(30);
  private static final long MAX_BACKOFF_MS = 2_000;

  private final Admin admin;
  private final DetectorSettings settings;
  private final Duration metadataWait;

  TopicProvisioner(Admin admin, DetectorSettings settings) {
    this(admin, settings, METADATA_WAIT);
  }

  TopicProvisioner(Admin admin, DetectorSettings settings, Duration metadataWait) {
    this.admin = admin;
    this.settings = settings;
    this.metadataWait = metadataWait;
  }

  /** @return the heartbeat topic's partitions, which the detector leases one by one */
  int provision() throws InterruptedException {
    TopicNames names = settings.topics();
    if (settings.createTopics()) {
      createMissing(names);
    }
    return checkCoPartitioned(names.heartbeats(), names.crashReports());
  }

  private void createMissing(TopicNames names) throws InterruptedException {
    Set<String> existing = get(admin.listTopics().names());
    List<NewTopic> missing = new ArrayList<>();
    List<String> all = new ArrayList<>(names.inputs());
    all.addAll(names.outputs());
    for (String name : all) {
      if (!existing.contains(name)) {
        NewTopic topic = new NewTopic(name, Optional.of(settings.topicPartitions()), replication());
        topic.configs(configFor(name, names));
        missing.add(topic);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    try {
      admin.createTopics(missing).all().get();
    } catch (ExecutionException e) {
      // Another instance starting at the same moment may have won the race.
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topics " + missing + ": " + e.getCause().getMessage(), e.getCause());
      }
    }
    LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
  }

  private Optional<Short> replication() {
    short rf = settings.topicReplicationFactor();
    return rf > 0 ? Optional.of(rf) : Optional.empty();
  }

  private static Map<String, String> configFor(String name, TopicNames names) {
    Map<String, String> config = new HashMap<>();
    if (name.equals(names.killSwitch()) || name.equals(names.killSwitchLease()) || name.equals(names.fleets())) {
      // Readers want the latest record per key (target, partition, fleet); compaction keeps exactly that.
      config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    if (name.equals(names.deadLetters())) {
      // Rejected input is kept for a month so someone can look at it after an incident.
      config.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(30L * 24 * 3600 * 1000));
    }
    return config;
  }

  private int checkCoPartitioned(String heartbeats, String crashReports) throws InterruptedException {
    Map<String, TopicDescription> d = describeOnceVisible(List.of(heartbeats, crashReports));
    int h = d.get(heartbeats).partitions().size();
    int c = d.get(crashReports).partitions().size();
    if (h != c) {
      throw new IllegalStateException(String.format(
          "Topics '%s' (%d partitions) and '%s' (%d partitions) must have the same number of partitions: "
              + "device state joins them by deviceId. Repartition one of them before starting crashwatch.",
          heartbeats, h, crashReports, c));
    }
    return h;
  }

  /**
   * A topic created a moment ago (by us, or by another instance starting at the same time) may not be
   * in the metadata of the broker we ask yet: ask again with backoff, within {@code metadataWait}.
   */
  private Map<String, TopicDescription> describeOnceVisible(List<String> topics) throws InterruptedException {
    long deadline = System.nanoTime() + metadataWait.toNanos();
    long backoffMs = 50;
    while (true) {
      try {
        return admin.describeTopics(topics).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka admin request failed: cannot describe topics " + topics
              + (e.getCause() instanceof UnknownTopicOrPartitionException ? " within " + metadataWait : "") + ": "
              + e.getCause().getMessage(), e.getCause());
        }
        LOG.info("Topics {} are not in the metadata yet; asking again in {} ms", topics, backoffMs);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(2 * backoffMs, MAX_BACKOFF_MS);
      }
    }
  }

  private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
