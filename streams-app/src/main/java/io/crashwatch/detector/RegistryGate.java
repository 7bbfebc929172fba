package io.crashwatch.detector;

import io.crashwatch.serde.AvroSerdeConfig;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SchemaRegistryException;
import io.crashwatch.serde.SchemaRegistryException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the detector's start until the schema registry answers. Without it, a registry that is down
 * when the detector starts fails the first record read, the process exits, the supervisor restarts it
 * and it fails again: a crash loop. Here the detector waits, with backoff and a log line per attempt,
 * and {@code /health} says why it is not ready. A registry that refuses the credentials, or a URL that
 * is not a registry, cannot get better by waiting: that stops the detector at once.
 */
final class RegistryGate {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryGate.class);

  /** How the gate waits; tests record the waits instead. */
  interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  private final SchemaRegistryClient client;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private final Sleeper sleeper;

  RegistryGate(SchemaRegistryClient client, long initialBackoffMs, long maxBackoffMs, Sleeper sleeper) {
    this.client = client;
    this.initialBackoffMs = Math.max(1, initialBackoffMs);
    this.maxBackoffMs = Math.max(this.initialBackoffMs, maxBackoffMs);
    this.sleeper = sleeper;
  }

  /**
   * Returns once the registry answers; throws the {@link SchemaRegistryException} when it refuses the
   * credentials or does not answer like a registry.
   */
  void awaitAnswer() throws InterruptedException {
    long backoffMs = initialBackoffMs;
    for (int attempt = 1; ; attempt++) {
      try {
        // The cheapest request every registry serves to any authenticated client; with credentials it
        // also checks them before the first record does.
        client.subjects();
        if (attempt > 1) {
          LOG.info("Schema registry answers again; starting");
        }
        return;
      } catch (SchemaRegistryException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("stopped while waiting for the schema registry");
        }
        if (e.kind() == Kind.NOT_FOUND || e.kind() == Kind.REJECTED || answeredUnlikeARegistry(e)) {
          throw notARegistry(e);
        }
        if (!e.isRetryable()) {
          throw e;
        }
        LOG.warn("Schema registry cannot be reached (attempt {}); waiting {} ms before asking again, /health not"
            + " ready meanwhile: {}", attempt, backoffMs, e.getMessage());
      }
      sleeper.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }

  /**
   * Something answered, but not as a registry does: a 404 without the registry's error code, a
   * redirect, a web page. Mid-run that is an outage (the record is not at fault); at start, with
   * nothing yet to lose, it is most likely a wrong {@code schema.registry.url}: say so at once.
   */
  private static boolean answeredUnlikeARegistry(SchemaRegistryException e) {
    int status = e.httpStatus();
    return e.kind() == Kind.UNAVAILABLE && status != SchemaRegistryException.NONE && status < 500
        && status != 429 && status != 408;
  }

  private static SchemaRegistryException notARegistry(SchemaRegistryException e) {
    return new SchemaRegistryException(AvroSerdeConfig.SCHEMA_REGISTRY_URL + " does not answer like a"
        + " Confluent-compatible schema registry (Apicurio serves the API under /apis/ccompat/v7): " + e.getMessage(),
        e.httpStatus(), e.errorCode(), Kind.REJECTED, e);
  }
}
