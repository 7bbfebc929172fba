package io.crashwatch.serde;

/** Chooses the client for a configuration: in-memory for {@code mock://scope}, HTTP otherwise. */
public final class SchemaRegistryClients {

  private SchemaRegistryClients() {}

  public static SchemaRegistryClient create(AvroSerdeConfig config) {
    return config.mockScope()
        .<SchemaRegistryClient>map(MockSchemaRegistryClient::forScope)
        .orElseGet(() -> new HttpSchemaRegistryClient(config));
  }
}
