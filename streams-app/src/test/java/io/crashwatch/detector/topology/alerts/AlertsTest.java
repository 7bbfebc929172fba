package io.crashwatch.detector.topology.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.SreAlert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command an alert suggests is pasted into a shell: a target made of telemetry must stay one word there. */
class AlertsTest {

  @ParameterizedTest
  @ValueSource(strings = {"airline-ops", "x$(touch pwned)", "x`touch pwned`", "a'; touch pwned; echo '", "a b\"c\\d"})
  void shouldSuggestAResumeThatPassesTheTargetAsOneWordAndRunsNothingElse(String fleet, @TempDir Path dir) throws Exception {
    Target target = new Target(fleet, "channel-291", "r41");
    String halt = "5f1c0c1e-8a53-3d5c-9a8e-4c1b2a3d4e5f";
    SreAlert alert = Alerts.halted("rollout-halted/x/0", target, halt, null, "CRASH_SPIKE", false, 0);
    String suggested = alert.getSummary().substring(alert.getSummary().indexOf("./crashwatch resume "));

    // The suggestion as a shell runs it, with printf standing in for ./crashwatch: one argument per line.
    Process sh = new ProcessBuilder("sh", "-c", suggested.replace("./crashwatch resume ", "printf '%s\\n' "))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor()).isZero();

    assertThat(out.lines().toList()).containsExactly(target.toString(), "--halt", halt, "--key", "YOUR_KEY", "--reason", "...");
    assertThat(Files.exists(dir.resolve("pwned"))).as("nothing the device sent ran").isFalse();
  }
}
