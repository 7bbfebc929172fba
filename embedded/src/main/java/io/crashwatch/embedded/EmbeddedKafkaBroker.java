package io.crashwatch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, broker and controller in one) running inside this JVM on 127.0.0.1,
 * for the demo and tests. Its data lives in a temporary directory deleted on {@link #close()}.
 *
 * <p>This is the only class that touches Kafka's internal server API ({@code kafka.server},
 * {@code kafka.tools}), so a Kafka upgrade that moves it breaks one file.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** The SCRAM mechanism of a secured broker. */
  public static final String SCRAM = "SCRAM-SHA-512";

  private final KafkaRaftServer server;
  private final Path directory;
  private final String bootstrapServers;
  /** What an admin client needs besides the bootstrap servers: empty, or the super user's SASL settings. */
  private final Map<String, Object> adminSecurity;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path directory, String bootstrapServers, Map<String, Object> adminSecurity) {
    this.server = server;
    this.directory = directory;
    this.bootstrapServers = bootstrapServers;
    this.adminSecurity = adminSecurity;
  }

  /** Starts a broker on a free port with the defaults below. */
  public static EmbeddedKafkaBroker start() {
    return start(0, Map.of());
  }

  /** Starts a broker on a free port; {@code overrides} are broker properties that win over the defaults. */
  public static EmbeddedKafkaBroker start(Map<String, String> overrides) {
    return start(0, overrides);
  }

  /**
   * Starts a broker whose client listener is {@code 127.0.0.1:port} (a free port when 0) and returns once
   * it answers clients. {@code overrides} win over the defaults, but must leave the listeners alone.
   */
  public static EmbeddedKafkaBroker start(int port, Map<String, String> overrides) {
    return start(port, overrides, Map.of());
  }

  /**
   * A broker whose client listener takes SASL/SCRAM ({@value #SCRAM}) only and authorizes with
   * {@code StandardAuthorizer} and ACLs, nothing allowed without one; the controller listener stays
   * PLAINTEXT on loopback. {@code users} (name to password) get SCRAM credentials when the storage is
   * formatted; {@code superUser} must be one of them: the harness's own admin, allowed everything.
   */
  public static EmbeddedKafkaBroker startSecured(String superUser, Map<String, String> users) {
    if (!users.containsKey(superUser)) {
      throw new IllegalArgumentException("the super user " + superUser + " needs a password among the users");
    }
    return start(0, Map.of(), Map.copyOf(new java.util.TreeMap<>(users)), superUser);
  }

  private static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, Map<String, String> scramUsers) {
    return start(port, overrides, scramUsers, null);
  }

  private static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, Map<String, String> scramUsers,
                                           String superUser) {
    long started = System.nanoTime();
    Path directory = createTempDirectory();
    KafkaRaftServer server = null;
    try {
      int[] free = freePorts(2);
      int brokerPort = port == 0 ? free[0] : port;
      Properties properties = properties(directory, brokerPort, free[1] == brokerPort ? free[0] : free[1]);
      Map<String, Object> adminSecurity = Map.of();
      if (superUser != null) {
        secure(properties, brokerPort, superUser, scramUsers.get(superUser));
        adminSecurity = clientSecurity(superUser, scramUsers.get(superUser));
      }
      properties.putAll(overrides);
      format(directory, properties, scramUsers);
      server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, directory, HOST + ":" + brokerPort, adminSecurity);
      broker.awaitReady();
      log.info("Kafka broker listening at {} (started in {} ms)", broker.bootstrapServers,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return broker;
    } catch (Throwable e) { // Scala code may throw checked exceptions undeclared: clean up after anything
      if (server != null) {
        server.shutdown();
        server.awaitShutdown();
      }
      deleteQuietly(directory);
      throw e;
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Client settings for a user of a secured broker: SASL_PLAINTEXT, {@value #SCRAM}, its credentials. */
  public static Map<String, Object> clientSecurity(String user, String password) {
    return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", SCRAM,
        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user + "\" password=\"" + password + "\";");
  }

  /** Creates a topic with replication factor 1 and waits until the controller has accepted it. */
  public void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
  }

  /** Stops the broker and deletes its data; later calls do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.shutdown();
      server.awaitShutdown();
      deleteQuietly(directory);
      log.info("Kafka broker at {} stopped", bootstrapServers);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers + "]";
  }

  /**
   * Settings for one node on a small shared machine: internal topics with one replica and one partition
   * (the defaults of 3 replicas hang consumer groups and transactions; 50 partitions slow the first
   * join), no initial rebalance delay, fewer threads, a small log cleaner buffer, and no auto-created
   * topics so that applications create their own with the partition counts they need.
   */
  private static Properties properties(Path directory, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    String listeners = "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort;
    p.setProperty("listeners", listeners);
    p.setProperty("advertised.listeners", listeners);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", directory.resolve("data").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "1");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "4");
    p.setProperty("background.threads", "4");
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    return p;
  }

  /**
   * The client listener becomes SASL_PLAINTEXT with SCRAM, brokers talk to each other on it as the super
   * user, and every request is authorized by ACLs; the controller listener stays PLAINTEXT (its anonymous
   * principal is a super user, as only this process can reach it on loopback).
   */
  private static void secure(Properties p, int brokerPort, String superUser, String password) {
    String controller = p.getProperty("controller.quorum.bootstrap.servers");
    String listeners = "SASL_PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + controller;
    p.setProperty("listeners", listeners);
    p.setProperty("advertised.listeners", "SASL_PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", "SASL_PLAINTEXT");
    p.setProperty("sasl.enabled.mechanisms", SCRAM);
    p.setProperty("sasl.mechanism.inter.broker.protocol", SCRAM);
    p.setProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + superUser
            + "\" password=\"" + password + "\";");
    p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("super.users", "User:" + superUser + ";User:ANONYMOUS");
    p.setProperty("allow.everyone.if.no.acl.found", "false");
  }

  /** Writes the properties file and formats the log directory as a one-voter quorum, as {@code --standalone} does. */
  private static void format(Path directory, Properties properties, Map<String, String> scramUsers) {
    Path file = directory.resolve("server.properties");
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "crashwatch embedded broker");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    List<String> args = new java.util.ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
        file.toString(), "--standalone", "--ignore-formatted"));
    scramUsers.forEach((user, password) -> args.addAll(List.of("--add-scram",
        SCRAM + "=[name=" + user + ",password=" + password + "]")));
    // execute, not main: main calls System.exit.
    int code = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("Formatting " + directory + " failed: "
          + output.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() {
    try (Admin admin = admin()) {
      int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) READY_TIMEOUT.toMillis()))
          .nodes().get().size();
      log.debug("Kafka cluster at {} answers with {} node(s)", bootstrapServers, nodes);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka broker at " + bootstrapServers + " does not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
    }
  }

  /** An admin client, as the super user on a secured broker. */
  public Admin admin() {
    Map<String, Object> config = new java.util.HashMap<>(adminSecurity);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(config);
  }

  /** Asks the OS for a free port; another process could take it before Kafka binds, rare enough here. */
  /**
   * Distinct free ports: all held open at once while picked, since a port closed and asked for again
   * may come back (broker and controller once got the same one, and the broker would not start).
   */
  private static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException e) {
            // Closing a probe socket: nothing to do.
          }
        }
      }
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("crashwatch-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path directory) {
    try {
      Utils.delete(directory.toFile());
    } catch (IOException e) {
      log.warn("Cannot delete {}", directory, e);
    }
  }
}
