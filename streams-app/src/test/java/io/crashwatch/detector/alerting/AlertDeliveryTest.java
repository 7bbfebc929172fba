package io.crashwatch.detector.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.Alerting;
import io.crashwatch.detector.topology.alerts.ActiveAlert;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What reaches Alertmanager, and when: at once, again each resend interval, again after any failure. */
class AlertDeliveryTest {
  private static final URI AM_0 = URI.create("http://alertmanager-0:9093");
  private static final URI AM_1 = URI.create("http://alertmanager-1:9093");
  private static final Alerting SETTINGS = new Alerting(List.of(AM_0, AM_1), Duration.ofMinutes(1), null, null);

  private final Map<String, ActiveAlert> standing = new HashMap<>();
  private Optional<Map<String, ActiveAlert>> known = Optional.of(standing);
  private long now = 1_000_000;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FakeAlertmanagers alertmanagers = new FakeAlertmanagers();
  private final AlertDelivery delivery = new AlertDelivery(SETTINGS, "http://detector-0:8080", () -> known, alertmanagers,
      meters, () -> now, false);

  @Test
  void shouldSendANewAlertAtOnceAndEveryAlertAgainEachResendInterval() {
    stand("rollout-halted/a/0", 0);
    delivery.deliverDue();
    assertThat(alertmanagers.sentIds()).containsExactly(List.of("rollout-halted/a/0"));

    stand("rollout-halted/b/0", 0);
    at(+1_000);
    assertThat(alertmanagers.sentIds()).as("only what is new").containsExactly(List.of("rollout-halted/b/0"));
    at(+1_000);
    assertThat(alertmanagers.sentIds()).as("nothing new, no resend due").isEmpty();

    at(+Duration.ofMinutes(1).toMillis());
    assertThat(alertmanagers.sentIds()).singleElement().satisfies(ids ->
        assertThat(ids).containsExactlyInAnyOrder("rollout-halted/a/0", "rollout-halted/b/0"));
    assertThat(delivered()).as("each alert counted once, however often it is sent").isEqualTo(2);
  }

  @Test
  void shouldSendAChangedAlertAtOnce() {
    stand("rollout-halted/a/0", 0);
    delivery.deliverDue();
    alertmanagers.batches.clear();

    stand("rollout-halted/a/0", 7); // resolved: the record that changed it
    at(+200);

    assertThat(alertmanagers.sentIds()).containsExactly(List.of("rollout-halted/a/0"));
  }

  @Test
  void shouldRetryWithBackoffWhileNoMemberAnswersAndSayHowOldTheOldestUndeliveredIs() {
    alertmanagers.down(AM_0, AM_1);
    stand("rollout-halted/a/0", 0);

    delivery.deliverDue();
    at(+500);
    assertThat(alertmanagers.batches).as("tried once; the next try waits a second").hasSize(1);
    at(+500);
    assertThat(alertmanagers.batches).hasSize(2);
    at(+1_000);
    assertThat(alertmanagers.batches).as("then two seconds").hasSize(2);
    at(+1_000);
    assertThat(alertmanagers.batches).hasSize(3);
    assertThat(delivery.oldestUndeliveredMs()).isEqualTo(3_000);
    assertThat(delivered()).isZero();

    alertmanagers.down();
    at(+Duration.ofMinutes(1).toMillis());

    assertThat(delivered()).isEqualTo(1);
    assertThat(delivery.oldestUndeliveredMs()).isZero();
    assertThat(count("failed")).isEqualTo(6); // three tries at two members
  }

  /** Prometheus' way with a cluster: every member gets every alert; one member down delays nothing. */
  @Test
  void shouldCountAnAlertDeliveredWhenAnyMemberAcceptsItAndSendItToTheOthersAtTheNextResend() {
    alertmanagers.down(AM_1);
    stand("rollout-halted/a/0", 0);

    delivery.deliverDue();

    assertThat(delivered()).isEqualTo(1);
    assertThat(count("accepted")).isEqualTo(1);
    assertThat(count("failed")).isEqualTo(1);
    alertmanagers.down();
    at(+Duration.ofMinutes(1).toMillis());
    assertThat(count("accepted")).isEqualTo(3);
  }

  @Test
  void shouldSendNothingWhileItCannotTellWhatStandsAndEverythingOnceItCan() {
    stand("rollout-halted/a/0", 0);
    known = Optional.empty();
    delivery.deliverDue();
    assertThat(alertmanagers.batches).isEmpty();

    known = Optional.of(standing);
    at(+200);
    assertThat(alertmanagers.sentIds()).containsExactly(List.of("rollout-halted/a/0"));
  }

  /** An alert whose task moves away is the other instance's; if it comes back, it is sent at once again. */
  @Test
  void shouldForgetAnAlertThatMovedAwayAndSendItAgainWhenItComesBack() {
    stand("rollout-halted/a/0", 0);
    delivery.deliverDue();
    ActiveAlert moved = standing.remove("rollout-halted/a/0");
    at(+200);
    alertmanagers.batches.clear();

    standing.put(moved.alertId, moved);
    at(+200);

    assertThat(alertmanagers.sentIds()).containsExactly(List.of("rollout-halted/a/0"));
  }

  private void stand(String id, long revision) {
    ActiveAlert a = new ActiveAlert();
    a.alertId = id;
    a.kind = "ROLLOUT_HALTED";
    a.severity = "CRITICAL";
    a.status = "FIRING";
    a.summary = "Halted";
    a.startsAtMs = now;
    a.revision = revision;
    standing.put(id, a);
  }

  private void at(long plusMs) {
    now += plusMs;
    delivery.deliverDue();
  }

  private double delivered() {
    return meters.get("crashwatch.alerts.delivered").counter().count();
  }

  private double count(String result) {
    return meters.find("crashwatch.alert.deliveries").tag("result", result).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  /** Two Alertmanager members that accept what they get unless they are down; what each batch held. */
  private static final class FakeAlertmanagers extends AlertmanagerClient {
    final List<List<AlertmanagerAlert>> batches = new ArrayList<>();
    private List<URI> down = List.of();

    FakeAlertmanagers() {
      super(List.of(AM_0, AM_1));
    }

    void down(URI... members) {
      down = List.of(members);
    }

    @Override
    List<Answer> post(List<AlertmanagerAlert> alerts) {
      batches.add(alerts);
      return List.of(AM_0, AM_1).stream().map(m -> new Answer(m, down.contains(m) ? Result.FAILED : Result.ACCEPTED, "")).toList();
    }

    /** The alert ids of each batch since the last call. */
    List<List<String>> sentIds() {
      List<List<String>> ids = batches.stream().map(b -> b.stream().map(a -> a.labels().get("alert_id")).toList()).toList();
      batches.clear();
      return ids;
    }
  }
}
