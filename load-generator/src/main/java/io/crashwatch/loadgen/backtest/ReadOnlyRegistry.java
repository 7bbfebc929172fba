package io.crashwatch.loadgen.backtest;

import io.crashwatch.serde.RegisteredSchema;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The production registry, read and never written: the recorded input decodes with the schemas it
 * holds, and what the backtest's own topology writes is registered here, in memory. A schema the
 * registry already holds under the subject keeps its id; any other gets one far above the registry's,
 * so the two never collide. A read-only registry principal is enough.
 */
final class ReadOnlyRegistry implements SchemaRegistryClient {
  /** Confluent's ids count up from 1; a backtest never meets a registry with a billion schemas. */
  static final int FIRST_LOCAL_ID = 1 << 30;

  private final SchemaRegistryClient registry;
  private final Map<String, Integer> localIds = new HashMap<>();
  private final Map<Integer, Schema> localSchemas = new HashMap<>();

  ReadOnlyRegistry(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    Integer local = localIds.get(subject + "\n" + schema);
    if (local != null) {
      return local;
    }
    int id;
    try {
      id = registry.getId(subject, schema);
    } catch (SchemaRegistryException e) {
      if (e.kind() != SchemaRegistryException.Kind.NOT_FOUND) {
        throw e;
      }
      id = FIRST_LOCAL_ID + localSchemas.size();
      localSchemas.put(id, schema);
    }
    localIds.put(subject + "\n" + schema, id);
    return id;
  }

  @Override
  public int getId(String subject, Schema schema) {
    return register(subject, schema);
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema local = localSchemas.get(id);
    return local != null ? local : registry.getById(id);
  }

  @Override
  public RegisteredSchema getLatest(String subject) {
    return registry.getLatest(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    return registry.isCompatible(subject, schema);
  }

  @Override
  public List<String> subjects() {
    return new ArrayList<>(registry.subjects());
  }

  @Override
  public boolean isReachable() {
    return registry.isReachable();
  }
}
