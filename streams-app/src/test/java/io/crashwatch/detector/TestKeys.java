package io.crashwatch.detector;

import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A signing key for the detectors of this test JVM, generated once into a temporary file. */
public final class TestKeys {
  private static final Path SIGNING_KEY = generate();

  private TestKeys() {
  }

  /** The {@code kill-switch-signing-key} setting's value. */
  public static String signingKeyFile() {
    return SIGNING_KEY.toString();
  }

  /** What a rollout service verifies the detectors' records with. */
  public static KillSwitchVerifier verifier() {
    try {
      return new KillSwitchVerifier(List.of(Ed25519Keys.publicOf(Ed25519Keys.readPrivate(SIGNING_KEY))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path generate() {
    try {
      Path dir = Files.createTempDirectory("crashwatch-keys");
      Path key = dir.resolve("kill-switch.key");
      Ed25519Keys.generateInto(key, dir.resolve("kill-switch.pub"));
      dir.toFile().deleteOnExit();
      key.toFile().deleteOnExit();
      dir.resolve("kill-switch.pub").toFile().deleteOnExit();
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
