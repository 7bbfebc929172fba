package io.crashwatch.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.SettingsSource;
import io.crashwatch.embedded.AclPlan;
import io.crashwatch.killswitch.Ed25519Keys;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything that must agree across the manifests, as a list of problems (empty: none). Each document is
 * read through its real model first; then the detector's settings, read by the detector's own parser, are
 * held against the topics, users, pod and monitoring around them.
 */
final class ManifestChecks {
  static final String DETECTOR = "crashwatch-detector";
  static final String CONFIG_FILE = "detector.properties";
  private static final Pattern METRIC = Pattern.compile("\\bcrashwatch_[a-z_]+\\b");
  /** Of the pod's memory limit, what the heap and RocksDB's budget may take together: the rest is the JVM's own. */
  private static final double HEAP_AND_STATE_SHARE = 0.75;

  private final List<String> problems = new ArrayList<>();
  private final Map<ObjectNode, Object> models = new LinkedHashMap<>();

  private ManifestChecks() {
  }

  /**
   * @param plan the ACL plan the KafkaUsers must grant, exactly
   * @param metrics every metric the detector serves, by its Prometheus name
   */
  static List<String> problems(List<ObjectNode> docs, AclPlan plan, Set<String> metrics) {
    ManifestChecks checks = new ManifestChecks();
    checks.readModels(docs);
    if (checks.problems.isEmpty()) {
      checks.crossCheck(plan, metrics);
    }
    return checks.problems;
  }

  /** Only that every document is a valid object of a known kind with no unknown field. */
  static List<String> modelProblems(List<ObjectNode> docs) {
    ManifestChecks checks = new ManifestChecks();
    checks.readModels(docs);
    return checks.problems;
  }

  private void readModels(List<ObjectNode> docs) {
    for (ObjectNode doc : docs) {
      try {
        Object model = ManifestModels.read(doc);
        models.put(doc, model);
        ManifestModels.unknownFields(model)
            .forEach(field -> problems.add(ManifestModels.name(doc) + ": unknown field " + field));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
  }

  private <T> List<T> all(Class<T> type) {
    return models.values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T> T one(Class<T> type, String name) {
    return all(type).stream().filter(m -> name.equals(metadataName(m))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static String metadataName(Object model) {
    return model instanceof io.fabric8.kubernetes.api.model.HasMetadata k ? k.getMetadata().getName() : null;
  }

  private void crossCheck(AclPlan plan, Set<String> metrics) {
    StatefulSet detector = one(StatefulSet.class, DETECTOR);
    Container container = detector.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> values = settings(one(ConfigMap.class, DETECTOR), container);
    DetectorSettings settings = parse(values, detector, container);
    if (settings == null) {
      return;
    }
    topics(settings, detector);
    users(plan, settings);
    pod(settings, values, detector, container);
    services(detector);
    monitoring(metrics);
  }

  /** The detector's settings as it reads them: the ConfigMap's file, then the container's environment over it. */
  private Map<String, String> settings(ConfigMap config, Container container) {
    Properties file = new Properties();
    try {
      file.load(new StringReader(config.getData().getOrDefault(CONFIG_FILE, "")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> values = new HashMap<>();
    file.stringPropertyNames().forEach(k -> values.put(k, file.getProperty(k).trim()));
    Map<String, String> environment = new HashMap<>();
    for (EnvVar env : container.getEnv()) {
      // A value from a Secret or the pod is there at run time; here it stands as where it comes from.
      environment.put(env.getName(), env.getValue() != null ? env.getValue() : "<" + env.getValueFrom() + ">");
    }
    values.putAll(SettingsSource.load(null, environment));
    return values;
  }

  /**
   * Through the detector's own parser. Files named by the settings exist only in the pod: each must lie in
   * the mount of the volume that carries it, and is replaced here by a key of the same kind.
   */
  private DetectorSettings parse(Map<String, String> values, StatefulSet detector, Container container) {
    Map<String, String> local = new HashMap<>(values);
    try {
      Path keys = Files.createTempDirectory("crashwatch-deploy-keys");
      Ed25519Keys.generateInto(keys.resolve("kill-switch.pem"), keys.resolve("operators-sre.pub"));
      Path operators = Files.createDirectories(keys.resolve("operators"));
      Files.move(keys.resolve("operators-sre.pub"), operators.resolve("sre.pub"));
      mountedFrom(values.get("kill-switch-signing-key"), "kill-switch-signing-key", detector, container, "secret");
      mountedFrom(values.get("operator-public-keys"), "operator-public-keys", detector, container, "configMap");
      local.put("kill-switch-signing-key", keys.resolve("kill-switch.pem").toString());
      local.put("operator-public-keys", operators.toString());
      DetectorSettings settings = DetectorSettings.from(local);
      settings.killSwitchSigner();
      return settings;
    } catch (ConfigException e) {
      problems.add(CONFIG_FILE + ": " + e.getMessage());
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void mountedFrom(String file, String key, StatefulSet detector, Container container, String source) {
    if (file == null) {
      problems.add(CONFIG_FILE + ": " + key + " is not set");
      return;
    }
    VolumeMount mount = mountOf(file, container);
    if (mount == null) {
      problems.add(CONFIG_FILE + ": " + key + "=" + file + " is in no volume the detector mounts");
      return;
    }
    Volume volume = volume(detector, mount.getName());
    boolean right = volume != null && ("secret".equals(source) ? volume.getSecret() != null : volume.getConfigMap() != null);
    if (!right) {
      problems.add(CONFIG_FILE + ": " + key + " must come from a " + source + " volume, not " + mount.getName());
    }
  }

  private static VolumeMount mountOf(String file, Container container) {
    return container.getVolumeMounts().stream()
        .filter(m -> Path.of(file).startsWith(Path.of(m.getMountPath()))).findFirst().orElse(null);
  }

  private static Volume volume(StatefulSet detector, String name) {
    return detector.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name)).findFirst().orElse(null);
  }

  private void topics(DetectorSettings settings, StatefulSet detector) {
    Map<String, KafkaTopic> topics = all(KafkaTopic.class).stream()
        .collect(Collectors.toMap(ManifestChecks::topicName, t -> t, (a, b) -> a, LinkedHashMap::new));
    Map<String, String> bySetting = settings.topics().bySetting();
    bySetting.forEach((setting, name) -> {
      if (!topics.containsKey(name)) {
        problems.add("no KafkaTopic for " + setting + "=" + name);
      }
    });
    topics.keySet().stream().filter(name -> !bySetting.containsValue(name))
        .forEach(name -> problems.add("KafkaTopic " + name + " is named by no *-topic setting"));
    KafkaTopic heartbeats = topics.get(settings.topics().heartbeats());
    KafkaTopic reports = topics.get(settings.topics().crashReports());
    if (heartbeats == null || reports == null) {
      return;
    }
    int partitions = heartbeats.getSpec().getPartitions();
    if (partitions != reports.getSpec().getPartitions()) {
      problems.add("heartbeats (" + partitions + " partitions) and crash reports ("
          + reports.getSpec().getPartitions() + ") must have the same partition count: device state joins them");
    }
    for (String name : List.of(settings.topics().heartbeats(), settings.topics().crashReports())) {
      config(topics.get(name), "message.timestamp.type", "LogAppendTime");
    }
    for (String name : List.of(settings.topics().killSwitch(), settings.topics().killSwitchLease(), settings.topics().fleets())) {
      config(topics.get(name), "cleanup.policy", "compact");
    }
    if (detector.getSpec().getReplicas() > partitions) {
      problems.add(detector.getSpec().getReplicas() + " detectors but " + partitions
          + " heartbeat partitions: the instances beyond them would idle");
    }
    String cluster = settings.kafka().get("bootstrap.servers").replaceFirst("-kafka-bootstrap.*", "");
    for (Object strimzi : models.values()) {
      if (strimzi instanceof KafkaTopic || strimzi instanceof KafkaUser) {
        var meta = ((io.fabric8.kubernetes.api.model.HasMetadata) strimzi).getMetadata();
        if (!cluster.equals(meta.getLabels().get("strimzi.io/cluster"))) {
          problems.add(strimzi.getClass().getSimpleName() + " " + meta.getName() + ": strimzi.io/cluster is not "
              + cluster + ", the cluster of bootstrap.servers");
        }
      }
    }
  }

  private static String topicName(KafkaTopic topic) {
    return topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
  }

  private void config(KafkaTopic topic, String key, String expected) {
    if (topic == null) {
      return; // missing, said above
    }
    Object value = topic.getSpec().getConfig() == null ? null : topic.getSpec().getConfig().get(key);
    if (!expected.equals(String.valueOf(value))) {
      problems.add("KafkaTopic " + topicName(topic) + ": " + key + " must be " + expected + ", is " + value);
    }
  }

  private void users(AclPlan plan, DetectorSettings settings) {
    Map<String, String> values = new HashMap<>(settings.topics().bySetting());
    values.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.streamsConfig().getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    Map<String, KafkaUser> users = all(KafkaUser.class).stream()
        .collect(Collectors.toMap(u -> u.getMetadata().getName(), u -> u));
    Set<String> planned = new TreeSet<>();
    plan.principals().forEach((role, principal) -> {
      planned.add(principal.user());
      KafkaUser user = users.get(principal.user());
      if (user == null) {
        problems.add("no KafkaUser " + principal.user() + " for the ACL plan's role " + role);
        return;
      }
      Set<String> want = KafkaUsers.asStrings(plan.bindings(role, principal.user(), values));
      Set<String> have = KafkaUsers.bindings(user);
      if (!want.equals(have)) {
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(have);
        Set<String> extra = new TreeSet<>(have);
        extra.removeAll(want);
        problems.add("KafkaUser " + principal.user() + " differs from the ACL plan's role " + role + ": missing "
            + missing + ", not in the plan " + extra);
      }
    });
    users.keySet().stream().filter(u -> !planned.contains(u))
        .forEach(u -> problems.add("KafkaUser " + u + " is in no role of the ACL plan"));
  }

  private void pod(DetectorSettings settings, Map<String, String> values, StatefulSet detector, Container container) {
    if (settings.createTopics()) {
      problems.add(CONFIG_FILE + ": create-topics must be false: Strimzi owns the topics");
    }
    var streams = settings.streamsConfig();
    if (Integer.parseInt(streams.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0")) < 1) {
      problems.add(CONFIG_FILE + ": num.standby.replicas must be at least 1: a failed instance's tasks wait for a restore");
    }
    EnvVar instanceId = container.getEnv().stream().filter(e -> e.getName().equals("KAFKA_GROUP_INSTANCE_ID"))
        .findFirst().orElse(null);
    if (instanceId == null || !Objects.equals(instanceId.getValue(), "$(POD_NAME)") || container.getEnv().stream()
        .noneMatch(e -> e.getName().equals("POD_NAME") && e.getValueFrom() != null
            && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath()))) {
      problems.add("detector: group.instance.id (static membership) must be the pod's name");
    }
    if (!Boolean.FALSE.equals(detector.getSpec().getTemplate().getSpec().getEnableServiceLinks())) {
      problems.add("detector: enableServiceLinks must be false: a Service's CRASHWATCH_*/KAFKA_* variables would be read as settings");
    }
    String stateDir = streams.getProperty(StreamsConfig.STATE_DIR_CONFIG);
    VolumeMount stateMount = stateDir == null ? null : mountOf(stateDir, container);
    boolean claimed = stateMount != null && detector.getSpec().getVolumeClaimTemplates().stream()
        .anyMatch(c -> c.getMetadata().getName().equals(stateMount.getName()));
    if (!claimed) {
      problems.add(CONFIG_FILE + ": state.dir=" + stateDir + " must be on a volume of the StatefulSet's volumeClaimTemplates");
    }
    probe(container, container.getReadinessProbe() == null ? null : container.getReadinessProbe().getHttpGet(),
        "/health", "readiness", settings.http().port());
    probe(container, container.getLivenessProbe() == null ? null : container.getLivenessProbe().getHttpGet(),
        "/live", "liveness", settings.http().port());
    memory(values, container, settings);
  }

  private void probe(Container container, HTTPGetAction get, String path, String which, int httpPort) {
    if (get == null || !path.equals(get.getPath()) || portOf(container, get.getPort().getStrVal(), get.getPort().getIntVal()) != httpPort) {
      problems.add("detector: the " + which + " probe must GET " + path + " on http-port " + httpPort);
    }
  }

  private static int portOf(Container container, String name, Integer number) {
    if (number != null) {
      return number;
    }
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .map(p -> p.getContainerPort()).orElse(-1);
  }

  /** Heap (MaxRAMPercentage of the limit) and RocksDB's budget must leave the JVM room within the limit. */
  private void memory(Map<String, String> values, Container container, DetectorSettings settings) {
    Quantity limit = container.getResources().getLimits() == null ? null : container.getResources().getLimits().get("memory");
    if (limit == null) {
      problems.add("detector: no memory limit");
      return;
    }
    double limitMb = Quantity.getAmountInBytes(limit).doubleValue() / (1024 * 1024);
    String javaOptions = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
        .map(EnvVar::getValue).findFirst().orElse("");
    Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(javaOptions);
    double heapMb = limitMb * (percentage.find() ? Double.parseDouble(percentage.group(1)) : 25) / 100;
    if (heapMb + settings.stateMemoryMb() > HEAP_AND_STATE_SHARE * limitMb) {
      problems.add(String.format("detector: heap %.0f MiB + state-memory-mb %d is more than %.0f%% of the %.0f MiB limit",
          heapMb, settings.stateMemoryMb(), HEAP_AND_STATE_SHARE * 100, limitMb));
    }
  }

  private void services(StatefulSet detector) {
    Map<String, String> podLabels = detector.getSpec().getTemplate().getMetadata().getLabels();
    Service service = one(Service.class, detector.getSpec().getServiceName());
    if (!podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet())) {
      problems.add("Service " + service.getMetadata().getName() + " selects no detector pod");
    }
    for (PodDisruptionBudget pdb : all(PodDisruptionBudget.class)) {
      if (!podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet())) {
        problems.add("PodDisruptionBudget " + pdb.getMetadata().getName() + " selects no detector pod");
      }
    }
    Set<String> portNames = service.getSpec().getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
    for (ServiceMonitor monitor : all(ServiceMonitor.class)) {
      if (!service.getMetadata().getLabels().entrySet().containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet())) {
        problems.add("ServiceMonitor " + monitor.getMetadata().getName() + " selects no detector Service");
      }
      monitor.getSpec().getEndpoints().stream().filter(e -> !portNames.contains(e.getPort()))
          .forEach(e -> problems.add("ServiceMonitor " + monitor.getMetadata().getName() + ": no Service port " + e.getPort()));
    }
  }

  /** A rule on a metric the detector does not serve would never fire. */
  private void monitoring(Set<String> metrics) {
    for (PrometheusRule rule : all(PrometheusRule.class)) {
      rule.getSpec().getGroups().forEach(group -> group.getRules().forEach(r -> {
        Matcher m = METRIC.matcher(String.valueOf(r.getExpr().getValue()));
        while (m.find()) {
          if (!metrics.contains(m.group())) {
            problems.add("PrometheusRule " + r.getAlert() + ": the detector serves no metric " + m.group());
          }
        }
      }));
    }
  }
}
