package io.crashwatch.detector.config;

import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whose operator commands the detector obeys: those signed by one of {@code operator-public-keys}, each
 * key named for its file ({@code alice.pub}: alice), issued within {@code operator-command-max-age}, and
 * for a RESUME of a global target, approved by {@code global-resume-approvals} distinct keys within
 * {@code global-resume-window}. Without keys no operator command is obeyed: an unsigned control plane
 * lets anyone who can write the topic lift any halt.
 *
 * @param names keys by key id: the operator each one belongs to
 */
public record OperatorTrust(Map<String, String> names, KillSwitchVerifier verifier, Duration maxAge,
                            int globalResumeApprovals, Duration globalResumeWindow) {

  public static final String OPERATOR_PUBLIC_KEYS = "operator-public-keys";

  record NamedKeys(Map<String, String> names, List<PublicKey> keys) {
  }

  static final Setting<NamedKeys> KEYS = new Setting<>(OPERATOR_PUBLIC_KEYS, OperatorTrust::readKeys,
      "comma-separated PEM files of the operators' Ed25519 public keys, or directories of them (a mounted ConfigMap);"
          + " each operator is named for the file");
  static final Setting<Duration> MAX_AGE = Setting.duration("operator-command-max-age",
      "how old an operator command may be when the detector reads it; older ones are dead letters");
  static final Setting<Integer> APPROVALS = Setting.atLeast("global-resume-approvals", 1,
      "distinct operator keys a RESUME of a global target needs");
  static final Setting<Duration> WINDOW = Setting.duration("global-resume-window",
      "how close together the approvals of a global RESUME must come");

  static final List<Setting<?>> ALL = List.of(KEYS, MAX_AGE, APPROVALS, WINDOW);

  /** No operator key: no operator command is obeyed. */
  public static OperatorTrust defaults() {
    return from(Map.of());
  }

  public static OperatorTrust from(Map<String, String> values) {
    NamedKeys keys = KEYS.read(values, new NamedKeys(Map.of(), List.of()));
    return new OperatorTrust(keys.names(), keys.keys().isEmpty() ? null : new KillSwitchVerifier(keys.keys()),
        MAX_AGE.read(values, Duration.ofMinutes(10)), APPROVALS.read(values, 2), WINDOW.read(values, Duration.ofHours(1)));
  }

  /** The operator a key id belongs to, e.g. {@code alice (key 1a2b3c4d5e6f7a8b)}. */
  public String operator(String keyId) {
    return names.getOrDefault(keyId, "unknown") + " (key " + keyId + ")";
  }

  /** Verifies operator commands; null when no operator key is configured (then none is obeyed). */
  public KillSwitchVerifier verifier() {
    return verifier;
  }

  private static NamedKeys readKeys(String files) {
    Map<String, String> names = new LinkedHashMap<>();
    List<PublicKey> keys = new java.util.ArrayList<>();
    for (String file : Arrays.stream(files.split(",")).map(String::trim).filter(f -> !f.isEmpty())
        .flatMap(OperatorTrust::filesOf).toList()) {
      PublicKey key;
      try {
        key = Ed25519Keys.readPublic(Path.of(file));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
      String name = Path.of(file).getFileName().toString().replaceFirst("\\.[^.]*$", "");
      names.put(Ed25519Keys.keyId(key), name);
      keys.add(key);
    }
    return new NamedKeys(Map.copyOf(names), List.copyOf(keys));
  }

  /**
   * A file, or the files of a directory in name order. Names starting with a dot are not keys: a mounted
   * ConfigMap keeps its data under {@code ..data} and a timestamped {@code ..<time>} directory.
   */
  private static Stream<String> filesOf(String entry) {
    Path path = Path.of(entry);
    if (!Files.isDirectory(path)) {
      return Stream.of(entry);
    }
    try (Stream<Path> children = Files.list(path)) {
      return children.filter(p -> !p.getFileName().toString().startsWith(".")).filter(Files::isRegularFile)
          .map(Path::toString).sorted().toList().stream();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + entry + ": " + e.getMessage(), e);
    }
  }
}
