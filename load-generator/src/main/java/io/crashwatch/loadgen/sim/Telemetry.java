package io.crashwatch.loadgen.sim;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.detector.topology.OperatorSignatures;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.serde.AvroSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the simulated agents, rollout services and operator send, as Avro with the project's serde. */
final class Telemetry implements Outbox, AutoCloseable {
  /** Who the scenario's operator steps say they are. */
  static final String SCENARIO_ACTOR = "scenario";
  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
  private final TopicNames topics;
  private final KillSwitchSigner operator;
  private final AtomicLong events = new AtomicLong();
  private volatile Exception failure;

  /**
   * @param clientConfig bootstrap servers, registry URL and any security settings
   * @param operator     what the operator's commands are signed with; null when the scenario sends none
   */
  Telemetry(Map<String, Object> clientConfig, TopicNames topics, KillSwitchSigner operator) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    values.configure(config, false);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    this.topics = topics;
    this.operator = operator;
  }

  @Override
  public void heartbeat(Device d, String fleetId, HeartbeatReason reason, boolean unclean, Instant sentAt,
                        long uptimeMs) {
    send(topics.heartbeats(), d.id, Heartbeat.newBuilder()
        .setDeviceId(d.id).setFleetId(fleetId).setSentAt(sentAt).setBootId(d.bootId())
        .setUptimeMs(uptimeMs).setOsBuild("10.0.19045").setComponents(Map.copyOf(d.components))
        .setReason(reason).setPreviousShutdownUnclean(unclean).build());
  }

  @Override
  public void crashReport(Device d, String fleetId, Instant crashedAt, Instant uploadedAt, int bugcheck,
                          String faultingModule) {
    send(topics.crashReports(), d.id, CrashReport.newBuilder()
        .setReportId(UUID.randomUUID().toString()).setDeviceId(d.id).setFleetId(fleetId).setCrashedAt(crashedAt)
        .setBugcheckCode(bugcheck).setFaultingModule(faultingModule).setOsBuild("10.0.19045")
        .setUploadedAt(uploadedAt).build());
  }

  @Override
  public void deployment(String fleetId, String component, String version, String previous) {
    send(topics.deployments(), fleetId, Deployment.newBuilder()
        .setRolloutId(UUID.randomUUID().toString()).setFleetId(fleetId).setComponent(component)
        .setVersion(version).setPreviousVersion(previous).setStartedAt(Instant.now()).build());
  }

  /** Signed with the operator key, as {@code ./crashwatch halt|resume --key} signs it. */
  @Override
  public void operatorCommand(String target, OperatorAction action, String reason, String lifts) {
    OperatorCommand command = OperatorCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString()).setAction(action).setTarget(target).setActor(SCENARIO_ACTOR)
        .setReason(reason).setIssuedAt(Instant.now()).setLifts(lifts).build();
    String topic = topics.operatorCommands();
    byte[] value = values.serialize(topic, command);
    RecordHeaders headers = new RecordHeaders();
    OperatorSignatures.sign(operator, topic, command, value, headers);
    send(new ProducerRecord<>(topic, null, target, value, headers));
  }

  long events() {
    return events.get();
  }

  private void send(String topic, String key, SpecificRecord value) {
    send(new ProducerRecord<>(topic, key, values.serialize(topic, value)));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    if (failure != null) {
      throw new IllegalStateException("Cannot produce to Kafka: " + failure.getMessage(), failure);
    }
    producer.send(record, (metadata, error) -> {
      if (error != null && failure == null) {
        failure = error; // the producer's I/O thread cannot throw to us: the next send does
      }
    });
    events.incrementAndGet();
  }

  @Override
  public void close() {
    producer.close();
  }
}
