package io.crashwatch.serde;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.AvroGenerated;
import org.apache.avro.specific.SpecificData;

/**
 * SpecificData that maps record, enum and fixed schemas to {@link AvroGenerated} classes only.
 *
 * <p>Avro 1.12.2 checks every class it resolves by name against a JVM-wide allow-list that trusts no
 * application package by default, so decoding generated classes would need
 * {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES} on every JVM. Loading the class ourselves, without
 * initialising it, and accepting it only if Avro generated it keeps the point of that check: a schema
 * from the registry cannot make us instantiate an arbitrary class.
 */
final class GeneratedClassData extends SpecificData {

  private final ConcurrentMap<String, Optional<Class<?>>> classes = new ConcurrentHashMap<>();

  /** Carries the logical type conversions of {@code model}, the generated class's own SpecificData. */
  GeneratedClassData(SpecificData model) {
    super(classLoader());
    model.getConversions().forEach(this::addLogicalTypeConversion);
  }

  @Override
  public Class<?> getClass(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> classes.computeIfAbsent(schema.getFullName(), n -> generatedClass(schema))
          .orElse(null);
      default -> super.getClass(schema);
    };
  }

  private Optional<Class<?>> generatedClass(Schema schema) {
    try {
      Class<?> type = Class.forName(getClassName(schema), false, getClassLoader());
      return type.isAnnotationPresent(AvroGenerated.class) ? Optional.of(type) : Optional.empty();
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }

  /** The context loader, as Kafka uses to instantiate configured classes, else ours. */
  private static ClassLoader classLoader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : GeneratedClassData.class.getClassLoader();
  }
}
