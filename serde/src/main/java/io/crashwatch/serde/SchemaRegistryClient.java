package io.crashwatch.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API the serdes need. Implementations are thread-safe and
 * cache schema-to-id and id-to-schema answers, so only the first record of a schema costs a request.
 * Failures are {@link SchemaRegistryException}s.
 */
public interface SchemaRegistryClient {

  /** Registers the schema under the subject (or finds it already there) and returns its global id. */
  int register(String subject, Schema schema);

  /** The id of a schema already registered under the subject; never registers. */
  int getId(String subject, Schema schema);

  /** The schema with this global id. */
  Schema getById(int id);

  /** The latest version of the subject. Not cached: callers decide how long to keep it. */
  RegisteredSchema getLatest(String subject);

  /** Whether the schema may be registered next, under the subject's compatibility rule. */
  boolean isCompatible(String subject, Schema schema);

  List<String> subjects();

  /**
   * False while the registry cannot be reached: the last request found it unavailable and none has been
   * answered since. Costs no request, so a health check may call it as often as it likes.
   */
  default boolean isReachable() {
    return true;
  }
}
