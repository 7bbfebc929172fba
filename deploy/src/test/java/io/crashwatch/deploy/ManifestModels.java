package io.crashwatch.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a manifest into the real model of its kind — fabric8's Kubernetes model, Strimzi's API, the
 * Prometheus Operator's — and says which fields none of them knows. Those models keep unknown fields in
 * {@code additionalProperties} instead of failing, so every object in the tree is walked for them.
 *
 * <p>The Kubernetes and Strimzi models are read by fabric8 8's serialization (Jackson 3). The Prometheus
 * Operator's model is fabric8 7.5.2's, the newest served here, whose annotations are Jackson 2's: it is read
 * with Jackson 2.
 */
final class ManifestModels {
  private record Kind(String apiVersion, String kind) {
  }

  private static final Map<Kind, Class<?>> KINDS = Map.of(
      new Kind("v1", "ConfigMap"), ConfigMap.class,
      new Kind("v1", "Service"), Service.class,
      new Kind("apps/v1", "StatefulSet"), StatefulSet.class,
      new Kind("apps/v1", "Deployment"), Deployment.class,
      new Kind("policy/v1", "PodDisruptionBudget"), PodDisruptionBudget.class,
      new Kind("kafka.strimzi.io/v1beta2", "KafkaTopic"), KafkaTopic.class,
      new Kind("kafka.strimzi.io/v1beta2", "KafkaUser"), KafkaUser.class,
      new Kind("kafka.strimzi.io/v1beta2", "Kafka"), Kafka.class,
      new Kind("kafka.strimzi.io/v1beta2", "KafkaNodePool"), KafkaNodePool.class);
  private static final Map<Kind, Class<?>> JACKSON2_KINDS = Map.of(
      new Kind("monitoring.coreos.com/v1", "ServiceMonitor"), ServiceMonitor.class,
      new Kind("monitoring.coreos.com/v1", "PrometheusRule"), PrometheusRule.class);

  private ManifestModels() {
  }

  /** The document as its model; fails naming the document when no model has that apiVersion and kind. */
  static Object read(ObjectNode doc) {
    Kind kind = new Kind(doc.path("apiVersion").asText(), doc.path("kind").asText());
    try {
      if (JACKSON2_KINDS.containsKey(kind)) {
        return Kustomize.YAML.treeToValue(doc, JACKSON2_KINDS.get(kind));
      }
      if (KINDS.containsKey(kind)) {
        return Serialization.unmarshal(doc.toString(), KINDS.get(kind));
      }
    } catch (Exception e) {
      throw new IllegalArgumentException(name(doc) + ": not a valid " + kind.kind() + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(name(doc) + ": no model for apiVersion " + kind.apiVersion() + ", kind "
        + kind.kind());
  }

  static String name(ObjectNode doc) {
    return doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
  }

  /** Paths of fields the model does not know, e.g. {@code spec.template.spec.containers[0].imagePullPolice}. */
  static List<String> unknownFields(Object model) {
    List<String> unknown = new ArrayList<>();
    walk(model, "", unknown, Collections.newSetFromMap(new IdentityHashMap<>()));
    return unknown;
  }

  /** @param seen objects already walked: a model may show one object under two getters */
  private static void walk(Object value, String path, List<String> unknown, Set<Object> seen) {
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
      return;
    }
    if (value == null || !isModel(value.getClass()) || !seen.add(value)) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object child = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra) {
          extra.keySet().forEach(k -> unknown.add(path.isEmpty() ? k.toString() : path.substring(1) + "." + k));
        }
      } else {
        walk(child, path + "." + field(getter), unknown, seen);
      }
    }
  }

  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return !type.isEnum() && (name.startsWith("io.fabric8.kubernetes.api.model")
        || name.startsWith("io.fabric8.openshift.api.model") || name.startsWith("io.strimzi.api"));
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      return null; // a derived getter that cannot answer holds no field of the manifest
    }
  }

  private static String field(Method getter) {
    String name = getter.getName().substring(3);
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
