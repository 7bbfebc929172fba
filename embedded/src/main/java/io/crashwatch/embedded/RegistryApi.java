package io.crashwatch.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/** Confluent's REST resources over a {@link SchemaStore}: routes and JSON shapes, no HTTP plumbing. */
final class RegistryApi {

  /** A decoded request: path segments are already URL-decoded, an absent body is a missing node. */
  record Request(String method, List<String> path, Map<String, String> query, JsonNode body) {

    /** Whether method and path match; {@code *} matches any one segment. */
    boolean is(String method, String... pattern) {
      if (!this.method.equals(method) || path.size() != pattern.length) {
        return false;
      }
      for (int i = 0; i < pattern.length; i++) {
        if (!pattern[i].equals("*") && !pattern[i].equals(path.get(i))) {
          return false;
        }
      }
      return true;
    }

    String segment(int index) {
      return path.get(index);
    }

    boolean flag(String name) {
      return Boolean.parseBoolean(query.get(name));
    }
  }

  private final SchemaStore store = new SchemaStore();

  /** Answers the request with a value Jackson can write, or throws {@link RegistryException}. */
  Object handle(Request r) {
    if (r.is("GET")) {
      return Map.of();
    }
    if (r.is("GET", "subjects")) {
      return store.subjects();
    }
    if (r.is("POST", "subjects", "*", "versions")) {
      return Map.of("id", store.register(r.segment(1), schema(r.body())));
    }
    if (r.is("POST", "subjects", "*")) {
      return store.lookup(r.segment(1), schema(r.body()));
    }
    if (r.is("DELETE", "subjects", "*")) {
      return store.deleteSubject(r.segment(1));
    }
    if (r.is("GET", "subjects", "*", "versions")) {
      return store.versions(r.segment(1));
    }
    if (r.is("GET", "subjects", "*", "versions", "*")) {
      return store.version(r.segment(1), r.segment(3));
    }
    if (r.is("GET", "schemas", "ids", "*")) {
      return Map.of("schema", store.schema(id(r.segment(2))).toString());
    }
    if (r.is("GET", "schemas", "ids", "*", "versions")) {
      return store.usages(id(r.segment(2)));
    }
    if (r.is("POST", "compatibility", "subjects", "*", "versions", "*")) {
      List<String> problems = store.problems(r.segment(2), r.segment(4), schema(r.body()));
      return r.flag("verbose")
          ? Map.of("is_compatible", problems.isEmpty(), "messages", problems)
          : Map.of("is_compatible", problems.isEmpty());
    }
    if (r.is("GET", "config")) {
      return Map.of("compatibilityLevel", store.globalLevel());
    }
    if (r.is("PUT", "config")) {
      CompatibilityLevel level = level(r.body());
      store.globalLevel(level);
      return Map.of("compatibility", level);
    }
    if (r.is("GET", "config", "*")) {
      Optional<CompatibilityLevel> own = store.subjectLevel(r.segment(1));
      if (own.isEmpty() && !r.flag("defaultToGlobal")) {
        throw RegistryException.subjectConfigNotFound(r.segment(1));
      }
      return Map.of("compatibilityLevel", own.orElseGet(store::globalLevel));
    }
    if (r.is("PUT", "config", "*")) {
      CompatibilityLevel level = level(r.body());
      store.subjectLevel(r.segment(1), level);
      return Map.of("compatibility", level);
    }
    throw RegistryException.http(404, "Not Found");
  }

  private static Schema schema(JsonNode body) {
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw RegistryException.invalidSchema("schema type " + type + " is not supported, only AVRO is");
    }
    if (!body.path("references").isEmpty()) {
      throw RegistryException.invalidSchema("schema references are not supported");
    }
    JsonNode schema = body.path("schema");
    if (!schema.isTextual()) {
      throw RegistryException.invalidSchema("the request has no 'schema' string");
    }
    try {
      return new Schema.Parser().parse(schema.asText());
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema(e.getMessage());
    }
  }

  private static CompatibilityLevel level(JsonNode body) {
    return CompatibilityLevel.parse(body.path("compatibility").asText(null));
  }

  private static int id(String segment) {
    try {
      return Integer.parseInt(segment);
    } catch (NumberFormatException e) {
      throw RegistryException.schemaNotFound("Schema " + segment + " not found");
    }
  }
}
