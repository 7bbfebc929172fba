package io.crashwatch.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.avro.Schema;

/**
 * The registry's state: global schema ids, subjects as lists of versions, compatibility settings.
 * All methods are synchronized: the HTTP server calls in from several threads and the data is tiny.
 */
final class SchemaStore {

  /** One registered version of a subject, shaped as Confluent's JSON answer. */
  record Version(String subject, int version, int id, String schema) {}

  /** One place a schema id is used, shaped as Confluent's JSON answer. */
  record Usage(String subject, int version) {}

  /** Schema at index i has global id i + 1; ids are never reused. */
  private final List<Schema> schemasById = new ArrayList<>();
  private final Map<String, Integer> idsByCanonical = new HashMap<>();
  /** Subject -> ids of its versions; version n is at index n - 1. Sorted for listing. */
  private final Map<String, List<Integer>> subjects = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

  /** Registers {@code schema} under {@code subject}, or returns its id if the subject already has it. */
  synchronized int register(String subject, Schema schema) {
    List<Integer> versions = subjects.getOrDefault(subject, List.of());
    Integer known = idsByCanonical.get(schema.toString());
    if (known != null && versions.contains(known)) {
      return known;
    }
    List<String> problems = levelOf(subject).problems(schema, schemasOf(versions));
    if (!problems.isEmpty()) {
      throw RegistryException.incompatible(subject, problems);
    }
    int id = known != null ? known : newId(schema);
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  synchronized Version lookup(String subject, Schema schema) {
    List<Integer> versions = versionsOf(subject);
    int index = versions.indexOf(idsByCanonical.get(schema.toString()));
    if (index < 0) {
      throw RegistryException.schemaNotFound("Schema not found");
    }
    return version(subject, index + 1);
  }

  synchronized Schema schema(int id) {
    if (id < 1 || id > schemasById.size()) {
      throw RegistryException.schemaNotFound("Schema " + id + " not found");
    }
    return schemasById.get(id - 1);
  }

  synchronized List<Usage> usages(int id) {
    schema(id);
    List<Usage> usages = new ArrayList<>();
    subjects.forEach((subject, ids) -> IntStream.range(0, ids.size())
        .filter(i -> ids.get(i) == id)
        .forEach(i -> usages.add(new Usage(subject, i + 1))));
    return usages;
  }

  synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  synchronized List<Integer> versions(String subject) {
    return IntStream.rangeClosed(1, versionsOf(subject).size()).boxed().toList();
  }

  /** {@code version} is a number, or {@code latest} / {@code -1} as Confluent allows. */
  synchronized Version version(String subject, String version) {
    List<Integer> versions = versionsOf(subject);
    int number = parseVersion(version, versions.size());
    if (number > versions.size()) {
      throw RegistryException.versionNotFound(version);
    }
    return version(subject, number);
  }

  /** Forgets the subject and its own compatibility level; schema ids stay resolvable, as in Confluent. */
  synchronized List<Integer> deleteSubject(String subject) {
    List<Integer> deleted = versions(subject);
    subjects.remove(subject);
    subjectLevels.remove(subject);
    return deleted;
  }

  /**
   * Problems if {@code candidate} became the next version: checked against {@code version}, or for
   * {@code latest} against the subject's history as its level requires.
   */
  synchronized List<String> problems(String subject, String version, Schema candidate) {
    List<Integer> versions = versionsOf(subject);
    int number = parseVersion(version, versions.size());
    if (number > versions.size()) {
      throw RegistryException.versionNotFound(version);
    }
    List<Integer> against = isLatest(version) ? versions : List.of(versions.get(number - 1));
    return levelOf(subject).problems(candidate, schemasOf(against));
  }

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  synchronized void globalLevel(CompatibilityLevel level) {
    globalLevel = level;
  }

  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  synchronized void subjectLevel(String subject, CompatibilityLevel level) {
    subjectLevels.put(subject, level);
  }

  private CompatibilityLevel levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private int newId(Schema schema) {
    schemasById.add(schema);
    int id = schemasById.size();
    idsByCanonical.put(schema.toString(), id);
    return id;
  }

  private List<Integer> versionsOf(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private Version version(String subject, int number) {
    int id = subjects.get(subject).get(number - 1);
    return new Version(subject, number, id, schemasById.get(id - 1).toString());
  }

  private List<Schema> schemasOf(List<Integer> ids) {
    return ids.stream().map(id -> schemasById.get(id - 1)).toList();
  }

  private static boolean isLatest(String version) {
    return "latest".equals(version) || "-1".equals(version);
  }

  private static int parseVersion(String version, int latest) {
    if (isLatest(version)) {
      return latest;
    }
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // falls through to the Confluent error below
    }
    throw RegistryException.invalidVersion(version);
  }
}
