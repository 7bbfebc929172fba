package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.serde.SchemaRegistryException;
import java.nio.file.Path;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code ./crashwatch halt TARGET --reason TEXT} and {@code ./crashwatch resume TARGET --reason TEXT}:
 * a person's FORCE_HALT or RESUME, written to the operator-commands topic for the detector to act on.
 */
@Command(name = "crashwatch", mixinStandardHelpOptions = true,
    subcommands = {OperatorMain.Halt.class, OperatorMain.Resume.class},
    description = "Operator commands for the crashwatch kill switch.")
public final class OperatorMain {

  public static void main(String[] args) {
    System.exit(new CommandLine(new OperatorMain()).execute(args));
  }

  /** Options shared by both commands. */
  abstract static class OperatorCommandBase implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET",
        description = "fleetId/component/version, or */component/version for every fleet, e.g. airline-ops/channel-291/r41.")
    String target;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: kept in the command and the alert.")
    String reason;

    @Option(names = "--actor", paramLabel = "NAME", description = "Who (default: the USER environment variable).")
    String actor = System.getenv().getOrDefault("USER", "unknown");

    @Option(names = "--config", paramLabel = "FILE",
        description = "The detector's settings file (bootstrap.servers, schema.registry.url, topic names); "
            + "KAFKA_* and CRASHWATCH_* environment variables apply as for the detector.")
    Path config;

    abstract OperatorAction action();

    @Override
    public Integer call() throws Exception {
      try {
        Target.parse(target);
      } catch (IllegalArgumentException e) {
        System.err.println("crashwatch: " + e.getMessage());
        return DetectorMain.EXIT_BAD_CONFIG;
      }
      Optional<DetectorSettings> loaded = DetectorMain.loadSettings(config);
      if (loaded.isEmpty()) {
        return DetectorMain.EXIT_BAD_CONFIG;
      }
      DetectorSettings settings = loaded.get();
      Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
      Properties p = new Properties();
      p.putAll(settings.kafka());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      OperatorCommand command = OperatorCommand.newBuilder()
          .setCommandId(UUID.randomUUID().toString()).setAction(action()).setTarget(target)
          .setActor(actor).setReason(reason).setIssuedAt(Instant.now()).build();
      try (KafkaProducer<String, OperatorCommand> producer = new KafkaProducer<>(p,
          topics.operatorCommands.keySerde().serializer(), topics.operatorCommands.valueSerde().serializer())) {
        RecordMetadata sent;
        try {
          sent = producer.send(new ProducerRecord<>(topics.operatorCommands.name(), target, command)).get();
        } catch (SerializationException e) {
          Optional<SchemaRegistryException> fault = SchemaRegistryException.in(e);
          if (fault.isEmpty()) {
            throw e;
          }
          // One line a person can act on (it names the setting to fix), not a stack trace.
          System.err.println("crashwatch: " + action() + " " + target + " was not sent: " + fault.get().getMessage());
          return fault.get().isRetryable() ? StopCause.EXIT_FAILED : DetectorMain.EXIT_BAD_CONFIG;
        }
        System.out.printf("%s %s sent (command %s, %s partition %d offset %d)%n", action(), target,
            command.getCommandId(), sent.topic(), sent.partition(), sent.offset());
      }
      return 0;
    }
  }

  @Command(name = "halt", mixinStandardHelpOptions = true,
      description = "Halts a rollout now (FORCE_HALT), whatever the detector has seen.")
  static final class Halt extends OperatorCommandBase {
    @Override
    OperatorAction action() {
      return OperatorAction.FORCE_HALT;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Lifts a halt of this target. The version's test starts over and counts only failures after "
          + "the RESUME. A fleet RESUME does not lift a global (*/component/version) halt.")
  static final class Resume extends OperatorCommandBase {
    @Override
    OperatorAction action() {
      return OperatorAction.RESUME;
    }
  }
}
