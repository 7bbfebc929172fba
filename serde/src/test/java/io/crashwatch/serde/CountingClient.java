package io.crashwatch.serde;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** Counts the calls that would be registry requests, to prove the serdes' caches. */
final class CountingClient implements SchemaRegistryClient {

  final AtomicInteger calls = new AtomicInteger();
  private final SchemaRegistryClient delegate;

  CountingClient(SchemaRegistryClient delegate) {
    this.delegate = delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    calls.incrementAndGet();
    return delegate.register(subject, schema);
  }

  @Override
  public int getId(String subject, Schema schema) {
    calls.incrementAndGet();
    return delegate.getId(subject, schema);
  }

  @Override
  public Schema getById(int id) {
    calls.incrementAndGet();
    return delegate.getById(id);
  }

  @Override
  public RegisteredSchema getLatest(String subject) {
    calls.incrementAndGet();
    return delegate.getLatest(subject);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    calls.incrementAndGet();
    return delegate.isCompatible(subject, schema);
  }

  @Override
  public List<String> subjects() {
    calls.incrementAndGet();
    return delegate.subjects();
  }
}
