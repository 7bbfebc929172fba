package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.Durations;
import io.crashwatch.detector.topology.OperatorSignatures;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.killswitch.BreakGlass;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.SignedBytes;
import io.crashwatch.killswitch.Target;
import io.crashwatch.detector.topology.output.FleetAllowlist;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.FleetProtection;
import io.crashwatch.schemas.KillSwitchOverride;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.serde.SchemaRegistryException;
import io.crashwatch.serde.SpecificAvroSerde;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code ./crashwatch halt TARGET --reason TEXT} and {@code ./crashwatch resume TARGET --reason TEXT}:
 * a person's FORCE_HALT or RESUME, written to the operator-commands topic for the detector to act on.
 * {@code ./crashwatch break-glass TARGET --for DURATION --key FILE --reason TEXT}: an override, signed
 * with an operator's key, that lets one rollout proceed while the detector is down.
 */
@Command(name = "crashwatch", mixinStandardHelpOptions = true,
    subcommands = {OperatorMain.Halt.class, OperatorMain.Resume.class, OperatorMain.BreakGlassCommand.class,
        OperatorMain.Shadow.class, OperatorMain.Enforce.class},
    description = "Operator commands for the crashwatch kill switch.")
public final class OperatorMain {

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  /** Options shared by every command, and how it is sent: serialized here, so a registry fault is one line. */
  abstract static class OperatorCommandBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET",
        description = "halt, resume, break-glass: fleetId/component/version, or */component/version for every fleet, "
            + "e.g. airline-ops/channel-291/r41; shadow, enforce: a fleet id.")
    String target;

    /** TARGET as a target; null for the commands that take a fleet id. */
    Target parsed;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: kept in the command and the alert.")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who (default: the USER environment variable).")
    String actor = System.getenv().getOrDefault("USER", "unknown");

    @Option(names = "--config", paramLabel = "FILE",
        description = "The detector's settings file (bootstrap.servers, schema.registry.url, topic names); "
            + "KAFKA_* and CRASHWATCH_* environment variables apply as for the detector.")
    Path config;

    /** The record to send, its value serialized; its {@code toString} says what was sent. */
    abstract ProducerRecord<String, byte[]> record(DetectorSettings settings) throws Exception;

    /** Reads TARGET as this command needs it. @throws IllegalArgumentException saying what is wrong with it */
    void parseTarget() {
      parsed = Target.parse(target);
    }

    /** What the printout calls it, e.g. {@code FORCE_HALT airline-ops/channel-291/r41}. */
    abstract String describe();

    @Override
    public Integer call() throws Exception {
      try {
        parseTarget();
      } catch (IllegalArgumentException e) {
        System.err.println("crashwatch: " + e.getMessage());
        return DetectorMain.EXIT_BAD_CONFIG;
      }
      Optional<DetectorSettings> loaded = DetectorMain.loadSettings(config);
      if (loaded.isEmpty()) {
        return DetectorMain.EXIT_BAD_CONFIG;
      }
      DetectorSettings settings = loaded.get();
      ProducerRecord<String, byte[]> record;
      try {
        record = record(settings);
      } catch (SerializationException e) {
        Optional<SchemaRegistryException> fault = SchemaRegistryException.in(e);
        if (fault.isEmpty()) {
          throw e;
        }
        // One line a person can act on (it names the setting to fix), not a stack trace.
        System.err.println("crashwatch: " + describe() + " was not sent: " + fault.get().getMessage());
        return fault.get().isRetryable() ? StopCause.EXIT_FAILED : DetectorMain.EXIT_BAD_CONFIG;
      } catch (IOException e) {
        System.err.println("crashwatch: " + describe() + " was not sent: " + e.getMessage());
        return DetectorMain.EXIT_BAD_CONFIG;
      }
      Properties p = new Properties();
      p.putAll(settings.kafka());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        RecordMetadata sent = producer.send(record).get();
        System.out.printf("%s sent (%s partition %d offset %d)%n", describe(), sent.topic(), sent.partition(), sent.offset());
      }
      return 0;
    }
  }

  /** A FORCE_HALT or RESUME for the detector to act on, signed with the operator's key. */
  abstract static class CommandForDetector extends OperatorCommandBase {
    @Option(names = "--key", required = true, paramLabel = "FILE",
        description = "Your Ed25519 private key (PEM): the detector obeys commands signed by its operator-public-keys only.")
    Path key;

    abstract OperatorAction action();

    /** Whether a RESUME calls the HALT false. */
    boolean falseHalt() {
      return false;
    }

    /** The HALT a RESUME lifts; null for a FORCE_HALT. */
    abstract String lifts(DetectorSettings settings, Topics topics) throws IOException;

    @Override
    ProducerRecord<String, byte[]> record(DetectorSettings settings) throws IOException {
      KillSwitchSigner signer = new KillSwitchSigner(Ed25519Keys.readPrivate(key));
      Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
      OperatorCommand command = OperatorCommand.newBuilder()
          .setCommandId(UUID.randomUUID().toString()).setAction(action()).setTarget(target)
          .setActor(actor).setReason(reason).setIssuedAt(Instant.now()).setLifts(lifts(settings, topics))
          .setFalseHalt(falseHalt()).build();
      String topic = topics.operatorCommands.name();
      byte[] value = topics.operatorCommands.valueSerde().serializer().serialize(topic, command);
      RecordHeaders headers = new RecordHeaders();
      OperatorSignatures.sign(signer, topic, command, value, headers);
      return new ProducerRecord<>(topic, null, target, value, headers);
    }

    @Override
    String describe() {
      return action() + " " + target;
    }
  }

  @Command(name = "halt", mixinStandardHelpOptions = true,
      description = "Halts a rollout now (FORCE_HALT), whatever the detector has seen.")
  public static final class Halt extends CommandForDetector {
    @Override
    OperatorAction action() {
      return OperatorAction.FORCE_HALT;
    }

    @Override
    String lifts(DetectorSettings settings, Topics topics) {
      return null;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Lifts the HALT of this target that stands (read from the kill switch, or named by --halt: its "
          + "commandId, in the ROLLOUT_HALTED alert), if it still stands when the detector reads the RESUME. The "
          + "version's test starts over and counts only failures after the RESUME. A fleet RESUME does not lift a "
          + "global (*/component/version) halt; a global one needs global-resume-approvals operators' keys.")
  public static final class Resume extends CommandForDetector {
    @Option(names = "--halt", paramLabel = "COMMAND_ID",
        description = "The commandId of the HALT it lifts (default: the one the kill switch shows for the target now).")
    String halt;

    @Option(names = "--false-halt",
        description = "The HALT was false: the version is fine. Counted in the fleet's false-halt figures (on /metrics "
            + "and in status), which an alert compares with what alpha predicts.")
    boolean falseHaltFound;

    @Override
    OperatorAction action() {
      return OperatorAction.RESUME;
    }

    @Override
    boolean falseHalt() {
      return falseHaltFound;
    }

    @Override
    String lifts(DetectorSettings settings, Topics topics) throws IOException {
      if (halt != null) {
        return halt;
      }
      return StandingHalt.of(settings, topics, target).orElseThrow(() -> new IOException(
          target + " is not halted: the kill switch holds no HALT of it, so there is nothing to resume"));
    }
  }

  @Command(name = "break-glass", mixinStandardHelpOptions = true,
      description = "While the detector is down (its lease stale), lets this one rollout proceed for a while, "
          + "at most 12h, in rollout services that trust your key for break glass. It never lifts a HALT.")
  public static final class BreakGlassCommand extends OperatorCommandBase {
    @Option(names = "--for", required = true, paramLabel = "DURATION", description = "How long, e.g. 30m or 2h; at most 12h.")
    String lasts;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Your Ed25519 private key (PEM) that signs it.")
    Path key;

    @Override
    ProducerRecord<String, byte[]> record(DetectorSettings settings) throws IOException {
      Duration duration = lasting(lasts, BreakGlass.MAX_DURATION, "the most a rollout service accepts");
      KillSwitchSigner signer = new KillSwitchSigner(Ed25519Keys.readPrivate(key));
      Instant now = Instant.now();
      KillSwitchOverride override = KillSwitchOverride.newBuilder().setOverrideId(UUID.randomUUID().toString())
          .setFleetId(parsed.fleetId()).setComponent(parsed.component()).setVersion(parsed.version())
          .setActor(actor).setReason(reason).setIssuedAt(now).setValidUntil(now.plus(duration)).build();
      SpecificAvroSerde<KillSwitchOverride> avro = new SpecificAvroSerde<>();
      avro.configure(settings.serdeConfig(), false);
      String topic = settings.topics().killSwitchLease();
      String recordKey = BreakGlass.keyOf(parsed);
      byte[] value = avro.serializer().serialize(topic, override);
      RecordHeaders headers = new RecordHeaders();
      SignatureHeaders.putSequence(headers, now.toEpochMilli());
      signer.sign(SignedBytes.Domain.BREAK_GLASS, topic, recordKey, value, headers);
      return new ProducerRecord<>(topic, null, recordKey, value, headers);
    }

    @Override
    String describe() {
      return "BREAK_GLASS " + target + " for " + lasts;
    }
  }

  /** {@code --for}: longer than 0 and at most {@code max}. @throws IOException naming the option */
  static Duration lasting(String lasts, Duration max, String why) throws IOException {
    Duration duration;
    try {
      duration = Durations.parse(lasts);
    } catch (IllegalArgumentException e) {
      throw new IOException("--for: " + e.getMessage());
    }
    if (duration.isZero() || duration.isNegative() || duration.compareTo(max) > 0) {
      throw new IOException("--for " + lasts + " must be longer than 0 and at most " + Durations.format(max) + ", " + why);
    }
    return duration;
  }

  /** An operator's SHADOW or ENFORCE mark of a fleet, on the fleets topic, signed with the operator's key. */
  abstract static class FleetMark extends OperatorCommandBase {
    @Option(names = "--key", required = true, paramLabel = "FILE",
        description = "Your Ed25519 private key (PEM): the detector obeys marks signed by its operator-public-keys only.")
    Path key;

    abstract FleetProtection mode();

    /** When a SHADOW mark ends by itself; null for ENFORCE. */
    abstract Instant validUntil(Instant now) throws IOException;

    @Override
    void parseTarget() {
      if (target.isEmpty() || target.contains("/") || target.equals(Target.ALL_FLEETS)) {
        throw new IllegalArgumentException("'" + target + "' is not a fleet id: it may not be empty, contain '/' or be '*'");
      }
    }

    @Override
    ProducerRecord<String, byte[]> record(DetectorSettings settings) throws IOException {
      KillSwitchSigner signer = new KillSwitchSigner(Ed25519Keys.readPrivate(key));
      Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
      Instant now = Instant.now();
      FleetMode mark = FleetMode.newBuilder().setMarkId(UUID.randomUUID().toString()).setFleetId(target).setMode(mode())
          .setActor(actor).setReason(reason).setIssuedAt(now).setValidUntil(validUntil(now)).build();
      String topic = topics.fleets.name();
      byte[] value = topics.fleets.valueSerde().serializer().serialize(topic, mark);
      RecordHeaders headers = new RecordHeaders();
      FleetAllowlist.sign(signer, topic, mark, value, headers);
      return new ProducerRecord<>(topic, null, FleetAllowlist.markKey(target), value, headers);
    }

    @Override
    String describe() {
      return mode() + " " + target;
    }
  }

  @Command(name = "shadow", mixinStandardHelpOptions = true,
      description = "Observes a fleet without protecting it, for a while: its HALTs become shadow ones that rollout "
          + "services ignore and its trips count towards no global halt; a GLOBAL HALT still stops it. Leaves the "
          + "fleet's listing alone. The detector raises FLEET_SHADOW while it lasts.")
  public static final class Shadow extends FleetMark {
    /** The longest a mark may last: a fleet is observed for weeks before it is protected, not for ever. */
    static final Duration MAX = Duration.ofDays(90);

    @Option(names = "--for", required = true, paramLabel = "DURATION", description = "How long, e.g. 14d; at most 90d.")
    String lasts;

    @Override
    FleetProtection mode() {
      return FleetProtection.SHADOW;
    }

    @Override
    Instant validUntil(Instant now) throws IOException {
      return now.plus(lasting(lasts, MAX, "so a forgotten mark ends by itself"));
    }
  }

  @Command(name = "enforce", mixinStandardHelpOptions = true,
      description = "Protects a fleet again, ending a shadow mark before it expires.")
  public static final class Enforce extends FleetMark {
    @Override
    FleetProtection mode() {
      return FleetProtection.ENFORCE;
    }

    @Override
    Instant validUntil(Instant now) {
      return null;
    }
  }
}
