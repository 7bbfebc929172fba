package io.crashwatch.detector.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A state directory of its own per driver (TopologyTestDriver empties it on close): two test JVMs on
 * one machine never lock each other out of the shared default, /tmp/kafka-streams.
 */
final class TestDirectories {
  private TestDirectories() {
  }

  static Path stateDir() {
    try {
      Path dir = Files.createTempDirectory("crashwatch-topology-test");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
