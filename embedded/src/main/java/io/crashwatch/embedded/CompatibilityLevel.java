package io.crashwatch.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/** Confluent's compatibility levels, decided by Avro's own reader/writer rules. */
enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  static CompatibilityLevel parse(String level) {
    try {
      return valueOf(level.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw RegistryException.invalidCompatibilityLevel();
    }
  }

  /**
   * Problems found when {@code candidate} joins a subject whose versions are {@code previous}
   * (oldest first); empty when compatible. Non-transitive levels look at the newest version only.
   */
  List<String> problems(Schema candidate, List<Schema> previous) {
    List<Schema> against = transitive || previous.isEmpty()
        ? previous
        : List.of(previous.get(previous.size() - 1));
    List<String> problems = new ArrayList<>();
    for (Schema old : against) {
      if (backward) {
        problems.addAll(describe(candidate, old, "new schema cannot read an earlier one"));
      }
      if (forward) {
        problems.addAll(describe(old, candidate, "an earlier schema cannot read the new one"));
      }
    }
    return problems;
  }

  private static List<String> describe(Schema reader, Schema writer, String direction) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult()
        .getIncompatibilities().stream()
        .map(i -> describe(i, direction))
        .toList();
  }

  private static String describe(Incompatibility incompatibility, String direction) {
    return "{errorType:'" + incompatibility.getType() + "', location:'" + incompatibility.getLocation()
        + "', description:'" + incompatibility.getMessage() + "' (" + direction + ")}";
  }
}
