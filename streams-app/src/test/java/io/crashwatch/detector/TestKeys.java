package io.crashwatch.detector;

import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A signing key for the detectors of this test JVM and an operator's key, generated once into temporary files. */
public final class TestKeys {
  private static final Path SIGNING_KEY = generate("kill-switch");
  private static final Path OPERATOR_KEY = generate("sre");

  private TestKeys() {
  }

  /** The {@code kill-switch-signing-key} setting's value. */
  public static String signingKeyFile() {
    return SIGNING_KEY.toString();
  }

  /** The {@code operator-public-keys} setting's value: one operator, named sre. */
  public static String operatorPublicKeyFile() {
    return OPERATOR_KEY.resolveSibling("sre.pub").toString();
  }

  /** What the test operator signs commands with. */
  public static KillSwitchSigner operator() {
    try {
      return new KillSwitchSigner(Ed25519Keys.readPrivate(OPERATOR_KEY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code --key} of {@code ./crashwatch halt|resume}: the test operator's private key. */
  public static String operatorKeyFile() {
    return OPERATOR_KEY.toString();
  }

  /** What a rollout service verifies the detectors' records with. */
  public static KillSwitchVerifier verifier() {
    try {
      return new KillSwitchVerifier(List.of(Ed25519Keys.publicOf(Ed25519Keys.readPrivate(SIGNING_KEY))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path generate(String name) {
    try {
      Path dir = Files.createTempDirectory("crashwatch-keys");
      Path key = dir.resolve(name + ".key");
      Ed25519Keys.generateInto(key, dir.resolve(name + ".pub"));
      dir.toFile().deleteOnExit();
      key.toFile().deleteOnExit();
      dir.resolve(name + ".pub").toFile().deleteOnExit();
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
