package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.serde.RegisteredSchema;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SchemaRegistryException;
import io.crashwatch.serde.SchemaRegistryException.Kind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** A registry that is down when the detector starts is waited for; one that refuses it stops it. */
class RegistryGateTest {

  private final List<Long> sleeps = new ArrayList<>();

  @Test
  void shouldPassAtOnceWhenTheRegistryAnswers() throws Exception {
    ScriptedClient client = new ScriptedClient();

    gate(client).awaitAnswer();

    assertThat(client.probes).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void shouldWaitWithGrowingBackoffWhileTheRegistryIsUnavailable() throws Exception {
    ScriptedClient client = new ScriptedClient(unavailable(), unavailable(), unavailable(), unavailable(), unavailable());

    gate(client).awaitAnswer();

    assertThat(client.probes).isEqualTo(6);
    assertThat(sleeps).containsExactly(100L, 200L, 400L, 500L, 500L);
  }

  @Test
  void shouldStopAtOnceWhenTheRegistryRefusesTheCredentials() {
    SchemaRegistryException refused = new SchemaRegistryException("refused; set basic.auth.user.info", 401, 401);
    ScriptedClient client = new ScriptedClient(unavailable(), refused);

    assertThatThrownBy(() -> gate(client).awaitAnswer()).isSameAs(refused);
    assertThat(client.probes).isEqualTo(2);
  }

  @Test
  void shouldStopAtOnceWhenTheUrlIsNotARegistry() {
    ScriptedClient client = new ScriptedClient(new SchemaRegistryException("GET http://h/subjects returned HTTP 404", 404, -1));

    assertThatThrownBy(() -> gate(client).awaitAnswer())
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED))
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("HTTP 404");
    assertThat(sleeps).isEmpty();
  }

  private RegistryGate gate(SchemaRegistryClient client) {
    return new RegistryGate(client, 100, 500, sleeps::add);
  }

  private static SchemaRegistryException unavailable() {
    return new SchemaRegistryException("Schema registry unavailable: connection refused", -1, -1);
  }

  /** Answers {@code subjects()} with the scripted failures, then with a list. */
  private static final class ScriptedClient implements SchemaRegistryClient {
    final Deque<SchemaRegistryException> failures;
    int probes;

    ScriptedClient(SchemaRegistryException... failures) {
      this.failures = new ArrayDeque<>(List.of(failures));
    }

    @Override
    public List<String> subjects() {
      probes++;
      if (!failures.isEmpty()) {
        throw failures.poll();
      }
      return List.of();
    }

    @Override
    public int register(String subject, Schema schema) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int getId(String subject, Schema schema) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Schema getById(int id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
      throw new UnsupportedOperationException();
    }
  }
}
