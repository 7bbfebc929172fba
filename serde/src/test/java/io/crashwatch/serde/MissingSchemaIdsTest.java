package io.crashwatch.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MissingSchemaIdsTest {

  private final AtomicLong nanos = new AtomicLong(1_000);

  @Test
  void shouldRememberAMissUntilItsTtlHasPassed() {
    MissingSchemaIds misses = new MissingSchemaIds(10, Duration.ofMinutes(5), nanos::get);
    SchemaRegistryException miss = notFound(7);

    misses.remember(7, miss);
    nanos.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
    assertThat(misses.lookup(7)).containsSame(miss);
    assertThat(misses.lookup(8)).isEmpty();

    nanos.addAndGet(1);
    assertThat(misses.lookup(7)).isEmpty();
  }

  @Test
  void shouldForgetTheOldestMissBeyondItsSize() {
    MissingSchemaIds misses = new MissingSchemaIds(2, Duration.ofMinutes(5), nanos::get);

    misses.remember(1, notFound(1));
    misses.remember(2, notFound(2));
    misses.remember(3, notFound(3));

    assertThat(misses.lookup(1)).isEmpty();
    assertThat(misses.lookup(2)).isPresent();
    assertThat(misses.lookup(3)).isPresent();
    assertThat(misses.size()).isEqualTo(2);
  }

  @Test
  void shouldRememberNothingWithAZeroTtl() {
    MissingSchemaIds misses = new MissingSchemaIds(10, Duration.ZERO, nanos::get);

    misses.remember(7, notFound(7));

    assertThat(misses.lookup(7)).isEmpty();
    assertThat(misses.size()).isZero();
  }

  private static SchemaRegistryException notFound(int id) {
    return new SchemaRegistryException("Schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
  }
}
