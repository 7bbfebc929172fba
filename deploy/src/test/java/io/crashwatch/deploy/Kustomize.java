package io.crashwatch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kubectl kustomize DIR} builds, for the few fields our kustomizations use: {@code resources}
 * (files and directories of their own), {@code labels} (added to metadata, never to selectors),
 * {@code namespace}, {@code images} and {@code replicas}. Any other field is refused, so a manifest the test
 * reads is the manifest a cluster gets. kustomize itself is not a Maven artifact; this is its documented
 * behaviour for those fields.
 */
final class Kustomize {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "labels", "namespace", "images",
      "replicas");
  /** Where a pod template keeps its containers, by kind. */
  private static final Set<String> WITH_POD_TEMPLATE = Set.of("StatefulSet", "Deployment");

  private Kustomize() {
  }

  static List<ObjectNode> build(Path dir) throws IOException {
    JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
    for (Iterator<String> names = k.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(dir + "/kustomization.yaml: field '" + field + "' is not one this test applies");
      }
    }
    List<ObjectNode> docs = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      docs.addAll(Files.isDirectory(path) ? build(path) : read(path));
    }
    for (JsonNode label : k.path("labels")) {
      if (label.path("includeSelectors").asBoolean(false)) {
        throw new IllegalArgumentException(dir + ": labels with includeSelectors are not applied by this test");
      }
      docs.forEach(doc -> label.path("pairs").fields().forEachRemaining(
          pair -> metadata(doc).with("labels").put(pair.getKey(), pair.getValue().asText())));
    }
    if (k.hasNonNull("namespace")) {
      docs.forEach(doc -> metadata(doc).put("namespace", k.get("namespace").asText()));
    }
    for (JsonNode image : k.path("images")) {
      docs.forEach(doc -> retag(doc, image));
    }
    for (JsonNode replicas : k.path("replicas")) {
      docs.stream().filter(doc -> replicas.path("name").asText().equals(metadata(doc).path("name").asText()))
          .filter(doc -> doc.path("spec").has("replicas"))
          .forEach(doc -> ((ObjectNode) doc.get("spec")).put("replicas", replicas.path("count").asInt()));
    }
    return docs;
  }

  /** Every document of a YAML file, in order. */
  static List<ObjectNode> read(Path file) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (var values = YAML.readerFor(ObjectNode.class).<ObjectNode>readValues(file.toFile())) {
      values.forEachRemaining(docs::add);
    }
    return docs;
  }

  private static ObjectNode metadata(ObjectNode doc) {
    return doc.with("metadata");
  }

  private static void retag(ObjectNode doc, JsonNode image) {
    if (!WITH_POD_TEMPLATE.contains(doc.path("kind").asText())) {
      return;
    }
    for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
      String current = container.path("image").asText();
      String name = current.replaceFirst(":[^:/]*$", "");
      if (name.equals(image.path("name").asText())) {
        String newName = image.path("newName").asText(name);
        String tag = image.hasNonNull("newTag") ? ":" + image.get("newTag").asText()
            : current.substring(name.length());
        ((ObjectNode) container).put("image", newName + tag);
      }
    }
  }

  /** The documents of one kind, e.g. every KafkaTopic. */
  static List<ObjectNode> ofKind(List<ObjectNode> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  /** The one document of that kind and name. */
  static ObjectNode named(List<ObjectNode> docs, String kind, String name) {
    List<ObjectNode> found = ofKind(docs, kind).stream()
        .filter(d -> name.equals(d.path("metadata").path("name").asText())).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " named " + name + ", found " + found.size());
    }
    return found.get(0);
  }

}
