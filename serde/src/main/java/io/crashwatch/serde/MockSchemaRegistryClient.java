package io.crashwatch.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * In-memory registry for tests and demos, answering like Confluent's: ids are global and increase from
 * 1, an identical schema gets the same id in every subject, and registering it again adds no version.
 * Compatibility is BACKWARD against the latest version (Confluent's default) but, as in Confluent's
 * mock, only {@link #isCompatible} checks it.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

  private static final ConcurrentMap<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  /** Ids of each subject's versions; version n is at index n - 1. */
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

  /** A private registry, shared with nobody. */
  public MockSchemaRegistryClient() {
    this("mock://private");
  }

  private MockSchemaRegistryClient(String name) {
    this.name = name;
  }

  /** The registry of {@code mock://scope}: one instance per scope, JVM-wide. */
  public static MockSchemaRegistryClient forScope(String scope) {
    return SCOPES.computeIfAbsent(scope, s -> new MockSchemaRegistryClient("mock://" + s));
  }

  /** Forgets the scope; the next {@link #forScope} starts empty. */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    int id = idsBySchema.computeIfAbsent(schema.toString(), s -> {
      int next = idsBySchema.size() + 1;
      schemasById.put(next, schema);
      return next;
    });
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized int getId(String subject, Schema schema) {
    List<Integer> versions = versions(subject);
    Integer id = idsBySchema.get(schema.toString());
    if (id == null || !versions.contains(id)) {
      throw notFound("/subjects/" + subject, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
    }
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw notFound("/schemas/ids/" + id, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema getLatest(String subject) {
    List<Integer> versions = versions(subject);
    int id = versions.get(versions.size() - 1);
    return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id));
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      return true;
    }
    Schema latest = schemasById.get(versions.get(versions.size() - 1));
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
        == SchemaCompatibilityType.COMPATIBLE;
  }

  @Override
  public synchronized List<String> subjects() {
    return versionsBySubject.keySet().stream().sorted().toList();
  }

  private List<Integer> versions(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null) {
      throw notFound("/subjects/" + subject, SchemaRegistryException.SUBJECT_NOT_FOUND,
          "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private SchemaRegistryException notFound(String path, int errorCode, String message) {
    return new SchemaRegistryException(
        name + path + " returned HTTP 404 (error code " + errorCode + "): " + message, 404, errorCode);
  }
}
