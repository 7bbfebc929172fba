package io.crashwatch.embedded;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * {@code security/acl-plan.yaml}: one principal per role and its ACLs, {@code ${setting}}s filled in. Applied
 * to the in-process broker by the security test; {@code deploy/}'s manifest test holds the Strimzi KafkaUsers to it.
 */
public record AclPlan(Map<String, Role> principals) {
  private static final Pattern SETTING = Pattern.compile("\\$\\{([a-z.-]+)}");

  public record Role(String user, List<Acl> acls) {
  }

  public record Acl(String type, String name, String pattern, List<String> operations) {
  }

  public static AclPlan read(Path file) throws IOException {
    return new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .readValue(file.toFile(), AclPlan.class);
  }

  /** The role's ACLs as Kafka bindings for {@code User:<user>}; {@code values} fill the plan's settings. */
  public List<AclBinding> bindings(String role, String user, Map<String, String> values) {
    List<AclBinding> bindings = new ArrayList<>();
    for (Acl acl : principals.get(role).acls()) {
      ResourcePattern resource = new ResourcePattern(ResourceType.valueOf(acl.type()), fill(acl.name(), values),
          acl.pattern() == null ? PatternType.LITERAL : PatternType.valueOf(acl.pattern()));
      for (String operation : acl.operations()) {
        bindings.add(new AclBinding(resource,
            new AccessControlEntry("User:" + user, "*", AclOperation.valueOf(operation), AclPermissionType.ALLOW)));
      }
    }
    return bindings;
  }

  private static String fill(String template, Map<String, String> values) {
    Matcher m = SETTING.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException("the ACL plan names ${" + m.group(1) + "}, which is no setting given");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
