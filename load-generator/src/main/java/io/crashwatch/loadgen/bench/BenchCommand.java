package io.crashwatch.loadgen.bench;

import io.crashwatch.detector.config.Durations;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.analytics.CrashRateHistoryProcessor;
import io.crashwatch.detector.topology.analytics.HaltHistoryProcessor;
import io.crashwatch.detector.topology.analytics.SignatureHistoryProcessor;
import io.crashwatch.embedded.AlertmanagerProcess;
import io.crashwatch.embedded.EmbeddedKafkaBroker;
import io.crashwatch.embedded.EmbeddedSchemaRegistry;
import io.crashwatch.embedded.WebhookReceiver;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.schemas.KillSwitchAction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./crashwatch bench}: throughput, detection latency, memory and failover of the detector, next to
 * the raw Kafka ceiling and Kafka's default failover measured in the same run on the same records. The
 * broker and registry run in this process, each detector in its own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks the detector on the embedded stack and writes results.json, results.md and results.svg.",
        "1. ceiling: a plain consumer reading and decoding N Avro events (95%% heartbeats, 5%% crash reports);",
        "2. throughput: the detector (its own JVM, exactly_once_v2) catching up on the same events from offset 0;",
        "3. memory: heap after GC, RSS and state bytes per device;",
        "4. latency: under a steady background load, from producing a 5th failure to a read_committed HALT, and from",
        "   that HALT to its alert in Alertmanager's API (when Debian's prometheus-alertmanager is installed);",
        "5. failover: two detectors share the events; one is killed; the time until its partitions are processed again."})
public final class BenchCommand implements Callable<Integer> {
  /** The stores that serve the analysts' API, sized apart: they are bounded by retention, not by devices. */
  static final Set<String> ANALYTICS_STORES = Set.of(HaltHistoryProcessor.STORE,
      CrashRateHistoryProcessor.STORE, SignatureHistoryProcessor.STORE);


  @Option(names = "--devices", defaultValue = "1000000", description = "Devices in the stream (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--events", defaultValue = "2000000", description = "Events to fill the topics with (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--latency-runs", defaultValue = "50", description = "HALTs to time (default: ${DEFAULT-VALUE}).")
  int latencyRuns;

  @Option(names = "--background-rate", defaultValue = "30000",
      description = "Background events/s during the latency runs (default: ${DEFAULT-VALUE}; the detector must keep up with it, "
          + "see bench/results.md).")
  int backgroundRate;

  @Option(names = "--state-memory-mb", defaultValue = "512",
      description = "The detector's state-memory-mb (default: ${DEFAULT-VALUE}): every heartbeat reads its device's "
          + "last-seen entry, and at 1,000,000 devices those no longer fit the product's default of 128.")
  int stateMemoryMb;

  @Option(names = "--warm-up", defaultValue = "30s",
      description = "Background load before the first HALT is timed (default: ${DEFAULT-VALUE}).")
  String warmUp;

  @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the input topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--detector-heap", defaultValue = "1g", description = "The detector's -Xmx (default: ${DEFAULT-VALUE}).")
  String detectorHeap;

  @Option(names = "--failover", defaultValue = "all", paramLabel = "VARIANTS",
      description = "Failover variants to measure after the rest: all, none, or a list of kafka-defaults, short-session, "
          + "standby, restarted, restarted-static (default: ${DEFAULT-VALUE}).")
  String failover;

  @Option(names = "--failover-rate", defaultValue = "5000",
      description = "Background events/s while an instance is killed (default: ${DEFAULT-VALUE}).")
  int failoverRate;

  @Option(names = "--out", defaultValue = "bench", description = "Directory for the results (default: ${DEFAULT-VALUE}).")
  Path out;

  private final PrintStream log = System.out;

  @Override
  public Integer call() throws Exception {
    BenchResults results = run();
    results.write(out);
    log.println("Results in " + out.resolve("results.md") + ", results.json and results.svg");
    return 0;
  }

  BenchResults run() throws Exception {
    Duration warmUpTime = Durations.parse(warmUp); // a typo fails now, not after the fill and the catch-up
    List<Failover.Variant> variants = Failover.parse(failover);
    // Devices the stream actually holds: fewer than --devices when there are fewer events.
    long devicesSeen = Math.min(devices, events);
    TopicNames topics = TopicNames.defaults();
    List<String> inputs = List.of(topics.heartbeats(), topics.crashReports());
    BenchResults results = new BenchResults();
    results.put("date", LocalDate.now().toString());
    results.put("commit", commit());
    results.put("machine", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    results.put("cores", Runtime.getRuntime().availableProcessors());
    results.put("java", System.getProperty("java.version"));
    results.put("kafka", kafkaVersion());
    results.put("devices", devices);
    results.put("events", events);
    results.put("stateMemoryMb", stateMemoryMb);
    Path work = Files.createTempDirectory("crashwatch-bench");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
         EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
         Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(inputs.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
      try (BenchFleet fleet = new BenchFleet(broker.bootstrapServers(), registry.url(), topics.heartbeats(),
          topics.crashReports(), devices)) {
        log.printf("Filling %s with %,d events over %,d devices...%n", inputs, events, devices);
        long start = System.nanoTime();
        for (long n = 0; n < events; n++) {
          fleet.send(n);
        }
        fleet.flush();
        results.put("produceEventsPerSec", Math.round(events / ((System.nanoTime() - start) / 1e9)));

        double ceiling = Measurements.ceiling(broker.bootstrapServers(), registry.url(), inputs, events);
        log.printf("Ceiling: %,.0f events/s%n", ceiling);
        results.put("ceilingEventsPerSec", Math.round(ceiling));

        Map<String, Long> halts = new ConcurrentHashMap<>();
        AtomicLong haltCount = new AtomicLong();
        Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers(), "schema.registry.url", registry.url());
        Path signingKey = work.resolve("kill-switch.key");
        KillSwitchVerifier verifier = new KillSwitchVerifier(
            List.of(Ed25519Keys.generateInto(signingKey, work.resolve("kill-switch.pub")).getPublic()));
        // A real Alertmanager on this machine, when it has one (Debian's prometheus-alertmanager): the latency runs
        // time each HALT's alert there too.
        WebhookReceiver receiver = AlertmanagerProcess.binary().isPresent() ? new WebhookReceiver() : null;
        AlertmanagerProcess alertmanager = receiver == null ? null
            : AlertmanagerProcess.start(work.resolve("alertmanager"), receiver.url());
        try {
          List<String> detectorSettings = concat(List.of(
              "bootstrap.servers=" + broker.bootstrapServers(),
              "schema.registry.url=" + registry.url(),
              // The stream revisits each of its devices far less often than once a minute: with the
              // default interval they would all go dark mid-run. Dark detection is not measured here.
              "heartbeat-interval=10m",
              "topic-partitions=" + partitions,
              "state-memory-mb=" + stateMemoryMb,
              "kill-switch-signing-key=" + signingKey),
              alertmanager == null ? null : "alertmanager-urls=" + alertmanager.url());
          try (KillSwitchListener killSwitch = new KillSwitchListener(client, topics.killSwitch(), topics.killSwitchLease(), verifier, (target, command) -> {
                 if (command != null && command.getAction() == KillSwitchAction.HALT) {
                   halts.putIfAbsent(target, System.nanoTime());
                   haltCount.incrementAndGet();
                 }
               });
               ChildDetector detector = ChildDetector.start(work, concat(detectorSettings, "application.id=crashwatch-bench"),
                   detectorHeap)) {
            detector.awaitReady(Duration.ofMinutes(2));
            log.println("Detector catching up from offset 0...");
            Measurements.CatchUp catchUp = Measurements.catchUp(admin, "crashwatch-bench", inputs, Duration.ofMinutes(30));
            double detectorRate = catchUp.eventsPerSec();
            log.printf("Detector: %,.0f events/s (%.2f x the ceiling); %,.0f events/s after the first quarter%n",
                detectorRate, detectorRate / ceiling, catchUp.warmEventsPerSec());
            results.put("detectorEventsPerSec", Math.round(detectorRate));
            // Three significant digits, not three decimals: a smoke-sized run's 0.0004 must not read as 0.
            results.put("ratio", Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", detectorRate / ceiling)));
            results.put("detectorWarmEventsPerSec", Math.round(catchUp.warmEventsPerSec()));
            results.put("haltsDuringCatchUp", haltCount.get());

            results.put("heapBytesAfterGc", detector.heapAfterGc());
            results.put("rssBytes", detector.rss());
            log.printf("Memory: heap after GC %,d bytes, RSS %,d bytes%n", results.json.get("heapBytesAfterGc"),
                results.json.get("rssBytes"));

            log.printf("Timing %d HALTs under %,d background events/s...%n", latencyRuns, backgroundRate);
            int[] timeouts = new int[1];
            Histogram latency;
            Histogram alertLatency = new Histogram(TimeUnit.MINUTES.toMillis(5), 3);
            double backgroundEventsPerSec;
            try (Background background = new Background(fleet, backgroundRate, events)) {
              latency = Measurements.latency(fleet, halts, latencyRuns, warmUpTime, timeouts, alertmanager, alertLatency);
              backgroundEventsPerSec = background.eventsPerSecond();
            }
            results.latency(latency);
            results.alertLatency(alertmanager == null ? null : alertLatency,
                "no Alertmanager on this machine: install Debian's " + AlertmanagerProcess.PACKAGE);
            results.put("latencyTimeouts", timeouts[0]);
            results.put("backgroundTargetEventsPerSec", backgroundRate);
            results.put("latencyWarmUp", warmUp);
            // Records the detector had not committed when the background stopped: it kept up if few.
            results.put("backgroundLagAtEnd", Measurements.lag(admin, "crashwatch-bench", inputs));

            // Until then much of the state sits in RocksDB's memtables: a clean stop flushes them to disk.
            detector.close();
            Map<String, Long> stateBytes = detector.stateBytes();
            results.put("stateBytesPerDevice", Math.round((double) stateBytes.values().stream().mapToLong(Long::longValue).sum() / devicesSeen));
            Map<String, Long> perStore = new TreeMap<>();
            stateBytes.forEach((store, bytes) -> perStore.put(store, Math.round((double) bytes / devicesSeen)));
            results.put("stateBytesPerDeviceByStore", perStore);
            // The analysts' stores grow with fleets, versions and time, not with devices: their bytes in full.
            Map<String, Long> analytics = new TreeMap<>();
            stateBytes.forEach((store, bytes) -> {
              if (ANALYTICS_STORES.contains(store)) {
                analytics.put(store, bytes);
              }
            });
            results.put("analyticsStateBytes", analytics);
            log.printf("Analysts' stores on disk: %s bytes%n", analytics);
            log.printf("State on disk after a clean stop: %,d bytes per device%n", results.json.get("stateBytesPerDevice"));
            results.put("backgroundEventsPerSec", Math.round(backgroundEventsPerSec));
            log.printf("Latency p50 %d ms, p99 %d ms, max %d ms%n", latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), latency.getMaxValue());
          }
          List<Failover.Result> failovers = new java.util.ArrayList<>();
          for (Failover.Variant variant : variants) {
            log.printf("Failover, %s: two detectors catch up, then one is killed...%n", variant.description);
            // Each variant reads everything from offset 0 with a fresh state: report ids seen before count once.
            Failover.Result result = Failover.measure(variant, work, detectorSettings, detectorHeap, admin, fleet, failoverRate,
                events, inputs);
            log.printf("  partitions processed again after %s ms%n", result.resumedAfterMs());
            failovers.add(result);
          }
          results.put("failoverRate", failoverRate);
          results.put("failover", Failover.toJson(failovers));
        } finally {
          if (alertmanager != null) {
            alertmanager.close();
            receiver.close();
          }
        }
      }
    } finally {
      try {
        Utils.delete(work.toFile());
      } catch (IOException e) {
        // a leftover temp directory is not worth failing the benchmark for
      }
    }
    return results;
  }

  /** {@code settings} and one more, when there is one. */
  private static List<String> concat(List<String> settings, String more) {
    List<String> all = new java.util.ArrayList<>(settings);
    if (more != null) {
      all.add(more);
    }
    return all;
  }

  /** The Kafka clients' version, as the clients report it themselves. */
  private static String kafkaVersion() {
    java.util.Properties p = new java.util.Properties();
    try (var in = Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to unknown
    }
    return p.getProperty("version", "unknown");
  }

  private static String commit() {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String rev = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 ? rev : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}
