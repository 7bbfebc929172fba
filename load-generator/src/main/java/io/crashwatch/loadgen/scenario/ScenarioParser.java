package io.crashwatch.loadgen.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.Durations;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.OperatorAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads and validates a scenario file (the contract's "Scenario files"). Everything is checked before
 * anything runs, and every error names the file, the line and the key path:
 * {@code july-19.yaml:12: rollouts[0].waves[2]: 1.5 is above 1 (a cumulative fraction of the fleet)}.
 *
 * <p>Two steps: Jackson's YAML parser turns the text into a small tree of {@link Node}s that remember
 * their line and key path, then the tree is read into a {@link Scenario}, key by key. Scalars are
 * YAML 1.1 ({@code bugcheck: 0x50} is 80).
 */
public final class ScenarioParser {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(60);
  private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9][0-9_]*");
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F_]+");

  private static final Set<String> SCENARIO_KEYS =
      keys("name", "seed", "duration", "heartbeat-interval", "detector", "fleets", "rollouts", "incidents", "operator");
  /** How many times as often flaky devices crash when the file says {@code flaky-fraction} alone. */
  static final double DEFAULT_FLAKY_MULTIPLIER = 10;
  private static final Set<String> FLEET_KEYS = keys("id", "devices", "crash-rate-per-device-hour", "components",
      "flaky-fraction", "flaky-multiplier", "offline-fraction", "sleep", "clock-skew");
  private static final Set<String> SLEEP_KEYS = keys("fraction", "every", "for", "shutdown-first");
  private static final Set<String> CLOCK_SKEW_KEYS = keys("fraction", "amount");
  private static final Set<String> OPERATOR_KEYS = keys("at", "action", "target", "reason");
  /** The reason of an operator step that gives none. */
  static final String DEFAULT_OPERATOR_REASON = "operator step of the scenario";
  private static final Set<String> ROLLOUT_KEYS =
      keys("fleet", "component", "version", "start", "waves", "wave-interval", "wave-order", "expect", "expect-alerts",
          "effect");
  private static final Set<String> EFFECT_KEYS = keys("crash-probability", "crash-delay", "crash-rate-multiplier",
      "boot-loop", "report-probability", "report-delay", "bugcheck", "faulting-module");
  private static final Set<String> INCIDENT_KEYS = keys("fleet", "at", "for", "dark-fraction", "crash-fraction");

  private final String source;
  private final Map<String, Node> anchors = new LinkedHashMap<>();

  private ScenarioParser(String source) {
    this.source = source;
  }

  /** @throws ScenarioException when the file cannot be read or is not a valid scenario */
  public static Scenario parse(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ScenarioException(file + ": no such file", e);
    } catch (IOException e) {
      throw new ScenarioException(file + ": cannot read it: " + e.getMessage(), e);
    }
    return parse(yaml, file.toString());
  }

  /** @param sourceName what error messages call the text, usually its file name */
  public static Scenario parse(String yaml, String sourceName) {
    ScenarioParser parser = new ScenarioParser(sourceName);
    return parser.scenario(parser.tree(yaml));
  }

  // ---- the scenario, key by key ----

  private Scenario scenario(Node root) {
    Fields top = new Fields(root, SCENARIO_KEYS);
    String name = text(top.required("name"));
    long seed = top.has("seed") ? wholeNumber(top.get("seed")) : 0;
    Duration duration = positive(top.required("duration"));
    Duration heartbeatInterval =
        top.has("heartbeat-interval") ? positive(top.get("heartbeat-interval")) : DEFAULT_HEARTBEAT_INTERVAL;

    Node fleetList = top.required("fleets");
    Map<String, FleetSpec> fleets = new LinkedHashMap<>();
    for (Node item : items(fleetList)) {
      FleetSpec fleet = fleet(item, fleets);
      fleets.put(fleet.id(), fleet);
    }
    if (fleets.isEmpty()) {
      throw error(fleetList, "at least one fleet is required");
    }

    List<RolloutSpec> rollouts = new ArrayList<>();
    List<Node> rolloutNodes = top.has("rollouts") ? items(top.get("rollouts")) : List.of();
    for (Node item : rolloutNodes) {
      rollouts.add(rollout(item, fleets, duration));
    }
    checkSequence(rollouts, rolloutNodes, fleets);
    List<IncidentSpec> incidents = new ArrayList<>();
    for (Node item : top.has("incidents") ? items(top.get("incidents")) : List.<Node>of()) {
      incidents.add(incident(item, fleets, duration));
    }
    List<OperatorStep> operator = new ArrayList<>();
    for (Node item : top.has("operator") ? items(top.get("operator")) : List.<Node>of()) {
      operator.add(operatorStep(item, fleets, duration));
    }
    Map<String, String> detector = top.has("detector") ? detector(top.get("detector"), heartbeatInterval) : Map.of();
    return new Scenario(name, seed, duration, heartbeatInterval, List.copyOf(fleets.values()), rollouts, incidents,
        operator, detector);
  }

  private FleetSpec fleet(Node node, Map<String, FleetSpec> earlier) {
    Fields f = new Fields(node, FLEET_KEYS);
    Node idNode = f.required("id");
    String id = identifier(idNode, "fleet id");
    if (earlier.containsKey(id)) {
      throw error(idNode, "duplicate fleet id '" + id + "'");
    }
    Node devicesNode = f.required("devices");
    long devices = wholeNumber(devicesNode);
    if (devices < 1) {
      throw error(devicesNode, devicesNode.text() + " is below 1 (a fleet has at least one device)");
    }
    if (devices > Integer.MAX_VALUE) {
      throw error(devicesNode, devicesNode.text() + " is too large");
    }
    double rate = f.has("crash-rate-per-device-hour") ? nonNegative(f.get("crash-rate-per-device-hour")) : 0;
    Map<String, String> components = new LinkedHashMap<>();
    if (f.has("components")) {
      for (Map.Entry<String, Node> e : mapping(f.get("components")).entrySet()) {
        Node version = e.getValue();
        identifier(version, e.getKey(), "component");
        if (isNull(version)) {
          throw error(version, "the installed version of " + e.getKey() + " is required");
        }
        components.put(e.getKey(), identifier(version, "version"));
      }
    }
    double flaky = f.has("flaky-fraction") ? fraction(f.get("flaky-fraction")) : 0;
    double multiplier = 1;
    if (f.has("flaky-multiplier")) {
      Node m = f.get("flaky-multiplier");
      multiplier = number(m);
      if (multiplier < 1) {
        throw error(m, m.text() + " is below 1 (how many times as often flaky devices crash)");
      }
    } else if (flaky > 0) {
      multiplier = DEFAULT_FLAKY_MULTIPLIER;
    }
    double offline = f.has("offline-fraction") ? fraction(f.get("offline-fraction")) : 0;
    SleepSpec sleep = f.has("sleep") ? sleep(f.get("sleep")) : null;
    ClockSkewSpec clockSkew = f.has("clock-skew") ? clockSkew(f.get("clock-skew")) : null;
    return new FleetSpec(id, (int) devices, rate, components, flaky, multiplier, offline, sleep, clockSkew);
  }

  private SleepSpec sleep(Node node) {
    Fields f = new Fields(node, SLEEP_KEYS);
    double fraction = fraction(f.required("fraction"));
    Duration every = positive(f.required("every"));
    Node forNode = f.required("for");
    Duration duration = positive(forNode);
    if (duration.compareTo(every) >= 0) {
      throw error(forNode, forNode.text() + " is not shorter than every: " + Durations.format(every)
          + " (a device sleeps once per period and wakes before the next)");
    }
    return new SleepSpec(fraction, every, duration, f.has("shutdown-first") && bool(f.get("shutdown-first")));
  }

  private ClockSkewSpec clockSkew(Node node) {
    Fields f = new Fields(node, CLOCK_SKEW_KEYS);
    return new ClockSkewSpec(fraction(f.required("fraction")), positive(f.required("amount")));
  }

  /**
   * A person's command: {@code action} RESUME or FORCE_HALT of a {@code target} whose fleet is one of
   * the scenario's (or {@code *}) and has the component.
   */
  private OperatorStep operatorStep(Node node, Map<String, FleetSpec> fleets, Duration scenarioDuration) {
    Fields f = new Fields(node, OPERATOR_KEYS);
    Duration at = beforeEnd(f.required("at"), scenarioDuration);
    Node actionNode = f.required("action");
    OperatorAction action = switch (text(actionNode)) {
      case "RESUME" -> OperatorAction.RESUME;
      case "FORCE_HALT" -> OperatorAction.FORCE_HALT;
      default -> throw error(actionNode, "expected RESUME or FORCE_HALT, got '" + actionNode.text() + "'");
    };
    Node targetNode = f.required("target");
    Target target;
    try {
      target = Target.parse(text(targetNode));
    } catch (IllegalArgumentException e) {
      throw error(targetNode, e.getMessage());
    }
    List<FleetSpec> targets = target.isGlobal() ? List.copyOf(fleets.values()) : new ArrayList<>();
    if (!target.isGlobal()) {
      FleetSpec fleet = fleets.get(target.fleetId());
      if (fleet == null) {
        throw error(targetNode, "unknown fleet '" + target.fleetId() + "' (fleets: " + String.join(", ", fleets.keySet())
            + ", or * for every fleet)");
      }
      targets.add(fleet);
    }
    if (targets.stream().noneMatch(fleet -> fleet.components().containsKey(target.component()))) {
      throw error(targetNode, "no fleet of the target has component " + target.component());
    }
    String reason = f.has("reason") ? text(f.get("reason")) : DEFAULT_OPERATOR_REASON;
    return new OperatorStep(at, action, target.toString(), reason);
  }

  private RolloutSpec rollout(Node node, Map<String, FleetSpec> fleets, Duration scenarioDuration) {
    Fields f = new Fields(node, ROLLOUT_KEYS);
    Node fleetNode = f.required("fleet");
    String fleet = text(fleetNode);
    List<FleetSpec> targets;
    if (RolloutSpec.EVERY_FLEET.equals(fleet)) {
      targets = List.copyOf(fleets.values());
    } else {
      targets = List.of(knownFleet(fleetNode, fleets));
    }
    Node componentNode = f.required("component");
    String component = identifier(componentNode, "component");
    Node versionNode = f.required("version");
    String version = identifier(versionNode, "version");
    for (FleetSpec target : targets) {
      String installed = target.components().get(component);
      if (installed == null) {
        throw error(componentNode, "fleet " + target.id() + " has no component " + component
            + " (it has: " + listOrNone(target.components().keySet()) + ")");
      }
    }
    Duration start = beforeEnd(f.required("start"), scenarioDuration);
    List<Double> waves = waves(f.required("waves"));
    Duration waveInterval = positive(f.required("wave-interval"));
    EffectSpec effect = f.has("effect") ? effect(f.get("effect")) : null;
    Expect expect = f.has("expect") ? expect(f.get("expect")) : effect != null ? Expect.HALT : Expect.NO_HALT;
    List<AlertKind> expectAlerts = new ArrayList<>();
    for (Node item : f.has("expect-alerts") ? items(f.get("expect-alerts")) : List.<Node>of()) {
      expectAlerts.add(alertKind(item));
    }
    RolloutSpec.WaveOrder waveOrder = f.has("wave-order") ? waveOrder(f.get("wave-order")) : RolloutSpec.WaveOrder.RANDOM;
    return new RolloutSpec(fleet, component, version, start, waves, waveInterval, expect, effect, expectAlerts, waveOrder);
  }

  /**
   * Rollouts of one component to one fleet follow each other in order of their start: each moves the
   * fleet away from the version the one before it rolled out (at first: the installed version). A
   * version may come back later, as a rollback or a re-roll, but never twice in a row, and two rollouts
   * of one component to one fleet never start together.
   */
  private void checkSequence(List<RolloutSpec> rollouts, List<Node> nodes, Map<String, FleetSpec> fleets) {
    List<Integer> byStart = new ArrayList<>();
    for (int i = 0; i < rollouts.size(); i++) {
      byStart.add(i);
    }
    byStart.sort(java.util.Comparator.comparing(i -> rollouts.get(i).start())); // stable: file order at equal starts
    Map<String, Integer> latest = new LinkedHashMap<>(); // fleet/component -> index of the latest rollout so far
    for (int i : byStart) {
      RolloutSpec r = rollouts.get(i);
      Node versionNode = ((Mapping) nodes.get(i)).entries().get("version");
      for (FleetSpec fleet : fleets.values()) {
        if (!r.fleet().equals(RolloutSpec.EVERY_FLEET) && !r.fleet().equals(fleet.id())) {
          continue;
        }
        String key = fleet.id() + "/" + r.component();
        Integer before = latest.put(key, i);
        if (before == null) {
          if (fleet.components().get(r.component()).equals(r.version())) {
            throw error(versionNode, "fleet " + fleet.id() + " already runs " + r.component() + " " + r.version());
          }
          continue;
        }
        RolloutSpec previous = rollouts.get(before);
        if (previous.start().equals(r.start())) {
          throw error(versionNode, key + " is also rolled out at " + Durations.format(r.start()) + " by "
              + nodes.get(before).path() + " (rollouts of one component to one fleet follow each other)");
        }
        if (previous.version().equals(r.version())) {
          throw error(versionNode, key + "/" + r.version() + " is already rolled out by " + nodes.get(before).path()
              + " (a version may come back only after another one)");
        }
      }
    }
  }

  /**
   * Detection settings scaled to the scenario, e.g. {@code bake-time: 10m}: only the detection rules
   * ({@code heartbeat-interval} is the scenario's own key), each checked as the detector checks it.
   */
  private Map<String, String> detector(Node node, Duration heartbeatInterval) {
    java.util.Set<String> allowed = new java.util.TreeSet<>(DetectionRules.defaults().asSettings().keySet());
    allowed.remove(DetectionRules.HEARTBEAT_INTERVAL);
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : mapping(node).entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw error(e.getValue(), "unknown detector setting '" + e.getKey() + "' (one of: " + String.join(", ", allowed)
            + (e.getKey().equals(DetectionRules.HEARTBEAT_INTERVAL) ? "; heartbeat-interval is the scenario's own key" : "")
            + ")");
      }
      String value = text(e.getValue());
      Map<String, String> check = new java.util.HashMap<>(settings);
      check.put(e.getKey(), value);
      check.put(DetectionRules.HEARTBEAT_INTERVAL, Durations.format(heartbeatInterval));
      try {
        DetectionRules.from(check);
      } catch (RuntimeException invalid) {
        throw error(e.getValue(), "invalid detector setting: " + invalid.getMessage());
      }
      settings.put(e.getKey(), value);
    }
    return settings;
  }

  private RolloutSpec.WaveOrder waveOrder(Node node) {
    return switch (text(node)) {
      case "random" -> RolloutSpec.WaveOrder.RANDOM;
      case "flaky-first" -> RolloutSpec.WaveOrder.FLAKY_FIRST;
      default -> throw error(node, "expected random or flaky-first, got '" + node.text() + "'");
    };
  }

  private AlertKind alertKind(Node node) {
    List<String> kinds = java.util.Arrays.stream(AlertKind.values()).filter(k -> k != AlertKind.UNKNOWN)
        .map(Enum::name).toList();
    String kind = text(node);
    if (!kinds.contains(kind)) {
      throw error(node, "unknown alert kind '" + node.text() + "' (one of: " + String.join(", ", kinds) + ")");
    }
    return AlertKind.valueOf(kind);
  }

  private List<Double> waves(Node node) {
    List<Node> items = items(node);
    if (items.isEmpty()) {
      throw error(node, "at least one wave is required");
    }
    List<Double> waves = new ArrayList<>();
    double before = 0;
    Node previous = null;
    for (Node item : items) {
      double wave = number(item);
      if (wave <= 0) {
        throw error(item, item.text() + " is not above 0 (a cumulative fraction of the fleet)");
      }
      if (wave > 1) {
        throw error(item, item.text() + " is above 1 (a cumulative fraction of the fleet)");
      }
      if (wave <= before) {
        throw error(item, item.text() + " is not above the wave before it, " + previous.text()
            + " (waves are cumulative fractions of the fleet: strictly increasing)");
      }
      waves.add(wave);
      before = wave;
      previous = item;
    }
    return waves;
  }

  private Expect expect(Node node) {
    return switch (text(node)) {
      case "halt" -> Expect.HALT;
      case "no-halt" -> Expect.NO_HALT;
      default -> throw error(node, "expected halt or no-halt, got '" + node.text() + "'");
    };
  }

  private EffectSpec effect(Node node) {
    Fields f = new Fields(node, EFFECT_KEYS);
    return new EffectSpec(
        f.has("crash-probability") ? fraction(f.get("crash-probability")) : 0,
        f.has("crash-delay") ? duration(f.get("crash-delay")) : Duration.ofSeconds(3), // mean delays: 0s is at once
        f.has("crash-rate-multiplier") ? nonNegative(f.get("crash-rate-multiplier")) : 1.0,
        f.has("boot-loop") && bool(f.get("boot-loop")),
        f.has("report-probability") ? fraction(f.get("report-probability")) : 1.0,
        f.has("report-delay") ? duration(f.get("report-delay")) : Duration.ZERO,
        f.has("bugcheck") ? bugcheck(f.get("bugcheck")) : 0x50,
        f.has("faulting-module") ? text(f.get("faulting-module")) : null);
  }

  /** Windows stop codes are 32-bit unsigned; the record carries them as an int, bit for bit. */
  private int bugcheck(Node node) {
    long code = wholeNumber(node);
    if (code < 0 || code > 0xFFFF_FFFFL) {
      throw error(node, node.text() + " is not a bugcheck code (0 to 0xFFFFFFFF)");
    }
    return (int) code;
  }

  private IncidentSpec incident(Node node, Map<String, FleetSpec> fleets, Duration scenarioDuration) {
    Fields f = new Fields(node, INCIDENT_KEYS);
    FleetSpec fleet = knownFleet(f.required("fleet"), fleets);
    return new IncidentSpec(fleet.id(),
        beforeEnd(f.required("at"), scenarioDuration),
        positive(f.required("for")),
        f.has("dark-fraction") ? fraction(f.get("dark-fraction")) : 0,
        f.has("crash-fraction") ? fraction(f.get("crash-fraction")) : 0);
  }

  private FleetSpec knownFleet(Node node, Map<String, FleetSpec> fleets) {
    FleetSpec fleet = fleets.get(text(node));
    if (fleet == null) {
      throw error(node, "unknown fleet '" + node.text() + "' (fleets: " + String.join(", ", fleets.keySet()) + ")");
    }
    return fleet;
  }

  // ---- values ----

  private String text(Node node) {
    if (!(node instanceof Scalar s) || isNull(node)) {
      throw error(node, "expected a value, got " + describe(node));
    }
    if (s.text().isBlank()) {
      throw error(node, "is empty");
    }
    return s.text();
  }

  /** Fleet ids, components and versions make targets ({@code fleet/component/version}, {@code *} for every fleet). */
  private String identifier(Node node, String what) {
    return identifier(node, text(node), what);
  }

  private String identifier(Node node, String value, String what) {
    if (value.contains("/")) {
      throw error(node, what + " '" + value + "' contains '/' (targets are fleet/component/version)");
    }
    if (value.equals("*")) {
      throw error(node, what + " may not be '*' (a target's '*' means every fleet)");
    }
    return value;
  }

  private double number(Node node) {
    double value;
    if (node instanceof Scalar s && s.number() != null) {
      value = s.number().doubleValue();
    } else {
      String t = text(node);
      if (t.matches("[-+]?\\.(inf|Inf|INF)")) {
        value = t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      } else if (t.matches("\\.(nan|NaN|NAN)")) {
        value = Double.NaN;
      } else if (DECIMAL.matcher(t).matches()) {
        value = Double.parseDouble(t.replace("_", ""));
      } else {
        throw error(node, "expected a number, got '" + t + "'");
      }
    }
    if (Double.isNaN(value)) {
      throw error(node, node.text() + " is not a number");
    }
    if (Double.isInfinite(value)) {
      throw error(node, node.text() + " is not a finite number");
    }
    return value;
  }

  /** Rates and multipliers. */
  private double nonNegative(Node node) {
    double value = number(node);
    if (value < 0) {
      throw error(node, node.text() + " is negative");
    }
    return value;
  }

  /** Probabilities and fractions of a fleet. */
  private double fraction(Node node) {
    double value = number(node);
    if (value < 0 || value > 1) {
      throw error(node, node.text() + " is outside [0, 1] (a probability or a fraction of the fleet)");
    }
    return value;
  }

  /** YAML 1.1 integers: {@code 80}, {@code 0x50}, {@code 1_000}, quoted or not. */
  private long wholeNumber(Node node) {
    if (node instanceof Scalar s && s.number() != null) {
      if (s.number() instanceof BigInteger) {
        throw error(node, s.text() + " is too large");
      }
      return s.number().longValue();
    }
    String t = text(node).replace("_", "");
    try {
      if (HEX.matcher(t).matches()) {
        return Long.parseLong(t.substring(2), 16);
      }
      if (WHOLE.matcher(t).matches()) {
        return Long.parseLong(t);
      }
    } catch (NumberFormatException e) {
      throw error(node, node.text() + " is too large");
    }
    throw error(node, "expected a whole number, got '" + node.text() + "'");
  }

  private boolean bool(Node node) {
    if (node instanceof Scalar s && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
      return s.token() == JsonToken.VALUE_TRUE;
    }
    throw error(node, "expected true or false, got " + describe(node));
  }

  private Duration duration(Node node) {
    try {
      return Durations.parse(text(node));
    } catch (IllegalArgumentException e) {
      throw error(node, e.getMessage());
    }
  }

  private Duration positive(Node node) {
    Duration d = duration(node);
    if (d.isZero()) {
      throw error(node, node.text() + " is not longer than 0");
    }
    return d;
  }

  /** Offsets into the run ({@code start}, {@code at}): 0s is the very start, and they must come before the end. */
  private Duration beforeEnd(Node node, Duration scenarioDuration) {
    Duration d = duration(node);
    if (d.compareTo(scenarioDuration) >= 0) {
      throw error(node, node.text() + " is not before the scenario ends (duration: "
          + Durations.format(scenarioDuration) + ")");
    }
    return d;
  }

  private List<Node> items(Node node) {
    if (node instanceof Sequence s) {
      return s.items();
    }
    if (isNull(node)) {
      return List.of();
    }
    throw error(node, "expected a list, got " + describe(node));
  }

  private Map<String, Node> mapping(Node node) {
    if (node instanceof Mapping m) {
      return m.entries();
    }
    if (isNull(node)) {
      return Map.of();
    }
    throw error(node, "expected a mapping, got " + describe(node));
  }

  private static boolean isNull(Node node) {
    return node instanceof Scalar s && s.token() == JsonToken.VALUE_NULL;
  }

  private static String describe(Node node) {
    if (node instanceof Mapping) {
      return "a mapping";
    }
    if (node instanceof Sequence) {
      return "a list";
    }
    return isNull(node) ? "nothing" : "'" + node.text() + "'";
  }

  private ScenarioException error(Node node, String problem) {
    return error(node.line(), node.path(), problem);
  }

  private ScenarioException error(int line, String path, String problem) {
    return new ScenarioException(source + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }

  private static Set<String> keys(String... keys) {
    return new LinkedHashSet<>(List.of(keys));
  }

  private static String listOrNone(Set<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** A mapping's entries, once its keys are known to be among those allowed. */
  private final class Fields {
    private final Node node;
    private final Map<String, Node> entries;

    Fields(Node node, Set<String> allowed) {
      if (!(node instanceof Mapping m)) {
        throw error(node, "expected a mapping with " + String.join(", ", allowed) + "; got " + describe(node));
      }
      this.node = node;
      this.entries = m.entries();
      for (Map.Entry<String, Node> e : entries.entrySet()) {
        if (!allowed.contains(e.getKey())) {
          throw error(e.getValue(), "unknown key (expected one of: " + String.join(", ", allowed) + ")");
        }
      }
    }

    /** Present and not null ({@code key:} with nothing after it counts as absent). */
    boolean has(String key) {
      Node value = entries.get(key);
      return value != null && !isNull(value);
    }

    Node get(String key) {
      return entries.get(key);
    }

    Node required(String key) {
      if (!has(key)) {
        Node value = entries.get(key);
        throw value != null ? error(value, "is required") : error(node.line(), path(node, key), "is required");
      }
      return entries.get(key);
    }
  }

  // ---- the YAML tree ----

  /** A YAML value, the line it is on (a mapping value: the line of its key) and its key path. */
  private sealed interface Node permits Mapping, Sequence, Scalar {
    String path();

    int line();

    default String text() {
      return "";
    }
  }

  private record Mapping(String path, int line, Map<String, Node> entries) implements Node {
  }

  private record Sequence(String path, int line, List<Node> items) implements Node {
  }

  /** {@code number} is set for YAML integers, which Jackson reads as YAML 1.1 ({@code 0x50}, {@code 1_000}). */
  private record Scalar(String path, int line, JsonToken token, String text, Number number) implements Node {
  }

  private Node tree(String yaml) {
    try (YAMLParser p = YAML.createParser(yaml)) {
      if (p.nextToken() == null) {
        throw error(1, "", "the file is empty");
      }
      Node root = node(p, "", 1); // what the whole file lacks, it lacks from line 1
      if (p.nextToken() != null) {
        throw error(line(p), "", "a second YAML document: a scenario file holds one");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw notYaml(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String
    }
  }

  /** Where the YAML broke and why, e.g. {@code expected ',' or ']' (while parsing a flow sequence from line 18)}. */
  private ScenarioException notYaml(JsonProcessingException e) {
    int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
    String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      line = m.getProblemMark().getLine() + 1;
      reason = m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext()
          + (m.getContextMark() == null ? "" : " from line " + (m.getContextMark().getLine() + 1)) + ")");
    }
    return new ScenarioException(source + ":" + line + ": not valid YAML: " + reason, e);
  }

  /**
   * Reads the value at the parser's current token. An alias ({@code *name}) stands for the value
   * anchored as {@code &name}: errors in it point where that value is written.
   */
  private Node node(YAMLParser p, String path, int line) throws IOException {
    if (p.isCurrentAlias()) {
      Node anchored = anchors.get(p.getText());
      if (anchored == null) {
        throw error(line, path, "unknown alias *" + p.getText());
      }
      return anchored;
    }
    String anchor = p.getObjectId();
    Node node = value(p, path, line);
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private Node value(YAMLParser p, String path, int line) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Node> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p);
          if (entries.containsKey(key)) {
            throw error(keyLine, path(path, key), "duplicate key");
          }
          p.nextToken();
          entries.put(key, node(p, path(path, key), keyLine));
        }
        return new Mapping(path, line, entries);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p, path + "[" + items.size() + "]", line(p)));
        }
        return new Sequence(path, line, items);
      }
      default -> {
        JsonToken token = p.currentToken();
        Number number = token == JsonToken.VALUE_NUMBER_INT ? p.getNumberValue() : null;
        return new Scalar(path, line, token, p.getText(), number);
      }
    }
  }

  private static String path(Node parent, String key) {
    return path(parent.path(), key);
  }

  private static String path(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  private static int line(YAMLParser p) {
    return p.currentTokenLocation().getLineNr();
  }
}
