package io.crashwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine here, so {@code deploy/Dockerfile} is checked against the build instead: what it
 * copies from the repository exists, the jars its build stage gathers are the ones this build made (an
 * integration test, so it runs after streams-app is packaged), and the image runs the detector alone, as
 * non-root, with no embedded broker on its classpath.
 */
class DockerfileIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOCKERFILE = ROOT.resolve("deploy/Dockerfile");
  private static final Pattern CLASSPATH_FILE = Pattern.compile("< (\\S+/classpath\\.txt)");
  private static final Pattern JAR = Pattern.compile("cp (\\S+\\.jar)");

  private record Instruction(int stage, String keyword, String arguments) {
  }

  @Test
  void shouldCopyOnlyWhatTheRepositoryHolds() throws IOException {
    List<Instruction> build = stage(0);
    List<String> sources = build.stream().filter(i -> i.keyword().equals("COPY"))
        .map(i -> i.arguments().split("\\s+")[0]).toList();

    assertThat(sources).isNotEmpty().allSatisfy(source -> assertThat(ROOT.resolve(source)).exists());
    // Maven reads every module the parent names before it builds any: each one's POM must be in the image.
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (modules.find()) {
      String module = modules.group(1);
      assertThat(sources).as("module " + module).anyMatch(s -> s.equals(module) || s.equals(module + "/pom.xml"));
    }
    assertThat(Files.readAllLines(ROOT.resolve(".dockerignore"))).contains("**/target", ".git");
  }

  @Test
  void shouldGatherTheDetectorsRuntimeClasspathWithNoEmbeddedBroker() throws IOException {
    String gather = stage(0).stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::arguments)
        .filter(run -> run.contains("/app/lib")).findFirst().orElseThrow();
    Matcher classpathFile = CLASSPATH_FILE.matcher(gather);
    Matcher jar = JAR.matcher(gather);
    assertThat(classpathFile.find()).as("the RUN reads a classpath file").isTrue();
    assertThat(jar.find()).as("the RUN copies the module's jar").isTrue();

    List<Path> jars = new ArrayList<>(matching(jar.group(1)));
    assertThat(jars).as(jar.group(1)).hasSize(1);
    Path classpath = ROOT.resolve(classpathFile.group(1));
    assertThat(classpath).as("written when streams-app is packaged").exists();
    Arrays.stream(Files.readString(classpath).trim().split(":")).map(Path::of).forEach(jars::add);

    assertThat(jars).allSatisfy(j -> assertThat(j).exists());
    assertThat(jars).extracting(j -> j.getFileName().toString())
        .noneMatch(name -> name.startsWith("crashwatch-embedded"))
        .noneMatch(name -> name.startsWith("crashwatch-load-generator") || name.startsWith("crashwatch-cli"))
        .noneMatch(name -> name.startsWith("kafka_2.13") || name.startsWith("kafka-server"))
        .anyMatch(name -> name.startsWith("kafka-streams-"));
    String main = entrypointMainClass();
    try (JarFile streamsApp = new JarFile(jars.get(0).toFile())) {
      assertThat(streamsApp.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
    }
  }

  @Test
  void shouldRunTheDetectorOnAJreAsNonRoot() throws IOException {
    List<Instruction> run = stage(1);

    assertThat(run.get(0).arguments()).contains("-jre");
    assertThat(run).filteredOn(i -> i.keyword().equals("USER")).singleElement()
        .satisfies(user -> assertThat(user.arguments().split(":")[0]).isNotIn("0", "root"));
    assertThat(run).filteredOn(i -> i.keyword().equals("COPY"))
        .allSatisfy(copy -> assertThat(copy.arguments()).startsWith("--from=build /app/lib"));
    assertThat(entrypointMainClass()).isEqualTo("io.crashwatch.detector.DetectorMain");
  }

  private static String entrypointMainClass() throws IOException {
    String entrypoint = stage(1).stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow().arguments();
    String[] words = entrypoint.replaceAll("[\\[\\]\"]", "").split(",\\s*");
    return words[words.length - 1];
  }

  private static List<Path> matching(String glob) throws IOException {
    Path dir = ROOT.resolve(glob).getParent();
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + ROOT.resolve(glob));
    try (var files = Files.list(dir)) {
      return files.filter(matcher::matches).toList();
    }
  }

  /** The instructions of the n-th FROM stage, continuation lines joined; FROM itself comes first. */
  private static List<Instruction> stage(int n) throws IOException {
    String text = Files.readString(DOCKERFILE).replaceAll("\\\\\\n", " ");
    List<Instruction> all = new ArrayList<>();
    int stage = -1;
    for (String line : text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
      String[] parts = line.split("\\s+", 2);
      if (parts[0].equals("FROM")) {
        stage++;
      }
      all.add(new Instruction(stage, parts[0], parts.length > 1 ? parts[1] : ""));
    }
    return all.stream().filter(i -> i.stage() == n).toList();
  }
}
