package io.crashwatch.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashwatch.embedded.AclPlan;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Strimzi KafkaUsers and the ACL plan, in Kafka's own terms: a KafkaUser's ACLs as the bindings the User
 * Operator makes of them, and the plan rendered as KafkaUsers ({@code kafka-users.yaml}).
 */
final class KafkaUsers {
  private KafkaUsers() {
  }

  /** The bindings Strimzi's User Operator makes of the user's ACLs, as the plan's {@code bindings} would be. */
  static Set<String> bindings(KafkaUser user) {
    String principal = "User:" + user.getMetadata().getName();
    if (!(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
      return Set.of();
    }
    Set<String> bindings = new TreeSet<>();
    for (AclRule rule : simple.getAcls()) {
      ResourcePattern resource = pattern(rule.getResource());
      AclPermissionType permission = rule.getType() == AclRuleType.DENY ? AclPermissionType.DENY : AclPermissionType.ALLOW;
      for (var operation : rule.getOperations()) {
        bindings.add(new AclBinding(resource, new AccessControlEntry(principal, rule.getHost(),
            kafkaOperation(operation.name()), permission)).toString());
      }
    }
    return bindings;
  }

  static Set<String> asStrings(List<AclBinding> bindings) {
    return bindings.stream().map(AclBinding::toString).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The plan's roles as KafkaUsers with SCRAM credentials, for {@code cluster}. */
  static List<ObjectNode> render(AclPlan plan, Map<String, String> values, String cluster) {
    return plan.principals().entrySet().stream().map(role -> {
      ObjectNode user = Kustomize.YAML.createObjectNode();
      user.put("apiVersion", "kafka.strimzi.io/v1beta2").put("kind", "KafkaUser");
      user.with("metadata").put("name", role.getValue().user()).with("labels").put("strimzi.io/cluster", cluster);
      ObjectNode spec = user.with("spec");
      spec.with("authentication").put("type", "scram-sha-512");
      ObjectNode authorization = spec.with("authorization").put("type", "simple");
      ArrayNode acls = authorization.withArray("acls");
      Map<ResourcePattern, List<AclOperation>> byResource = new LinkedHashMap<>();
      for (AclBinding b : plan.bindings(role.getKey(), role.getValue().user(), values)) {
        byResource.computeIfAbsent(b.pattern(), r -> new java.util.ArrayList<>()).add(b.entry().operation());
      }
      byResource.forEach((resource, operations) -> {
        ObjectNode acl = acls.addObject();
        ObjectNode r = acl.with("resource").put("type", strimziType(resource.resourceType()));
        r.put("name", resource.name()).put("patternType", resource.patternType() == PatternType.PREFIXED ? "prefix" : "literal");
        ArrayNode ops = acl.withArray("operations");
        operations.forEach(op -> ops.add(strimziOperation(op)));
      });
      return user;
    }).toList();
  }

  private static ResourcePattern pattern(AclRuleResource resource) {
    PatternType patternType;
    String name;
    ResourceType type;
    if (resource instanceof AclRuleTopicResource topic) {
      type = ResourceType.TOPIC;
      name = topic.getName();
      patternType = patternType(topic.getPatternType());
    } else if (resource instanceof AclRuleGroupResource group) {
      type = ResourceType.GROUP;
      name = group.getName();
      patternType = patternType(group.getPatternType());
    } else if (resource instanceof AclRuleTransactionalIdResource id) {
      type = ResourceType.TRANSACTIONAL_ID;
      name = id.getName();
      patternType = patternType(id.getPatternType());
    } else if (resource instanceof AclRuleClusterResource) {
      type = ResourceType.CLUSTER;
      name = "kafka-cluster";
      patternType = PatternType.LITERAL;
    } else {
      throw new IllegalArgumentException("unknown ACL resource " + resource);
    }
    return new ResourcePattern(type, name, patternType);
  }

  private static PatternType patternType(AclResourcePatternType type) {
    return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
  }

  /** Strimzi writes {@code DescribeConfigs}, Kafka {@code DESCRIBE_CONFIGS}. */
  private static AclOperation kafkaOperation(String strimzi) {
    for (AclOperation op : AclOperation.values()) {
      if (op.name().replace("_", "").equalsIgnoreCase(strimzi)) {
        return op;
      }
    }
    throw new IllegalArgumentException("no Kafka operation " + strimzi);
  }

  private static String strimziOperation(AclOperation op) {
    StringBuilder out = new StringBuilder();
    for (String word : op.name().split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }

  private static String strimziType(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case TRANSACTIONAL_ID -> "transactionalId";
      case CLUSTER -> "cluster";
      default -> throw new IllegalArgumentException("Strimzi has no ACL resource type for " + type);
    };
  }
}
