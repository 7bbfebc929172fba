package io.crashwatch.detector.alerting;

import io.crashwatch.detector.config.Alerting;
import io.crashwatch.detector.topology.alerts.ActiveAlert;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the alerts that stand on this instance to Alertmanager, on a thread of its own: Alertmanager slow or
 * away for an hour never delays a HALT. A new or changed alert goes out at once, every one again each
 * {@code alert-resend-interval} (Alertmanager resolves what is not sent again); when no member accepts, the
 * next try waits, doubling up to that interval. What stands comes from the store of alerts that stand, which
 * outlives restarts and moves: after either, everything is sent again, which Alertmanager takes as the same
 * alerts and pages nobody for. Each of the store's partitions is active on one instance, so one instance
 * delivers each alert.
 */
public final class AlertDelivery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);
  static final Duration TICK = Duration.ofMillis(200);
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  /** Alerts per request: Alertmanager takes any number, a proxy in front of it may not. */
  static final int BATCH = 500;

  /** This instance's alerts that stand, by alert id; empty when it cannot tell now (e.g. while tasks move). */
  public interface Standing extends Supplier<Optional<Map<String, ActiveAlert>>> {
  }

  private record Pending(long revision, long sinceMs) {
  }

  private final Alerting settings;
  private final String statusUrl;
  private final Standing standing;
  private final AlertmanagerClient client;
  private final LongSupplier clock;
  private final Map<String, Long> accepted = new HashMap<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final DeliveryMetrics metrics;
  private final ScheduledExecutorService thread;
  private long lastFullSendMs = Long.MIN_VALUE / 2;
  private long retryAtMs;
  private long backoffMs;
  private boolean failing;

  /**
   * @param statusUrl where the status API is reached, for each alert's link back
   * @param clock     wall-clock milliseconds
   */
  AlertDelivery(Alerting settings, String statusUrl, Standing standing, AlertmanagerClient client, MeterRegistry meters,
                LongSupplier clock, boolean start) {
    this.settings = settings;
    this.statusUrl = statusUrl;
    this.standing = standing;
    this.client = client;
    this.clock = clock;
    this.metrics = new DeliveryMetrics(meters, this::oldestUndeliveredMs);
    settings.alertmanagers().forEach(member -> metrics.touch(member.toString()));
    if (start) {
      thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "crashwatch-alert-delivery");
        t.setDaemon(true);
        return t;
      });
      thread.scheduleWithFixedDelay(this::deliverSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    } else {
      thread = null;
    }
  }

  /** Starts delivering the alerts that stand here to {@code settings}' Alertmanagers. */
  public static AlertDelivery start(Alerting settings, String statusUrl, Standing standing, MeterRegistry meters) {
    return new AlertDelivery(settings, statusUrl, standing, new AlertmanagerClient(settings.alertmanagers()), meters,
        System::currentTimeMillis, true);
  }

  private void deliverSafely() {
    try {
      deliverDue();
    } catch (RuntimeException e) {
      LOG.error("Alert delivery failed; trying again", e); // the thread must outlive any one round
    }
  }

  /** One round: what is due goes out. */
  void deliverDue() {
    Optional<Map<String, ActiveAlert>> known = standing.get();
    if (known.isEmpty()) {
      return; // tasks moving: keep what is pending as it is
    }
    Map<String, ActiveAlert> alerts = known.get();
    long now = clock.getAsLong();
    accepted.keySet().retainAll(alerts.keySet()); // gone, or moved to another instance
    pending.keySet().retainAll(alerts.keySet());
    List<ActiveAlert> changed = new ArrayList<>();
    alerts.values().forEach(a -> {
      if (!Long.valueOf(a.revision).equals(accepted.get(a.alertId))) {
        changed.add(a);
        pending.compute(a.alertId, (id, p) -> p != null && p.revision == a.revision ? p : new Pending(a.revision, now));
      }
    });
    boolean resend = now - lastFullSendMs >= settings.resendInterval().toMillis();
    List<ActiveAlert> due = resend ? new ArrayList<>(alerts.values()) : changed;
    if (due.isEmpty() || now < retryAtMs) {
      return;
    }
    boolean allAccepted = true;
    for (int from = 0; from < due.size(); from += BATCH) {
      allAccepted &= send(due.subList(from, Math.min(due.size(), from + BATCH)), now);
    }
    if (allAccepted) {
      if (resend) {
        lastFullSendMs = now;
      }
      backoffMs = 0;
      retryAtMs = 0;
    } else {
      backoffMs = backoffMs == 0 ? FIRST_BACKOFF.toMillis() : Math.min(2 * backoffMs, settings.resendInterval().toMillis());
      retryAtMs = now + backoffMs;
    }
  }

  /** Sends one batch to every member; true when at least one accepted it. */
  private boolean send(List<ActiveAlert> batch, long now) {
    List<AlertmanagerAlert> body = batch.stream().map(a -> AlertmanagerAlert.of(a, settings, statusUrl, now)).toList();
    List<AlertmanagerClient.Answer> answers = client.post(body);
    boolean anyAccepted = false;
    for (AlertmanagerClient.Answer answer : answers) {
      metrics.sent(answer.member().toString(), answer.result(), batch.size());
      anyAccepted |= answer.result() == AlertmanagerClient.Result.ACCEPTED;
    }
    if (anyAccepted) {
      for (ActiveAlert a : batch) {
        Long before = accepted.put(a.alertId, a.revision);
        if (before == null || before != a.revision) {
          LOG.info("Delivered {} {} revision {}", a.status, a.alertId, a.revision); // which instance sent what
          metrics.delivered();
        }
        pending.remove(a.alertId);
      }
    }
    report(anyAccepted, answers);
    return anyAccepted;
  }

  /** Logs once when delivery starts failing and once when it works again, and every refusal. */
  private void report(boolean anyAccepted, List<AlertmanagerClient.Answer> answers) {
    for (AlertmanagerClient.Answer a : answers) {
      if (a.result() == AlertmanagerClient.Result.REJECTED) {
        LOG.error("Alertmanager {} refused alerts: {}", a.member(), a.detail());
      }
    }
    if (!anyAccepted && !failing) {
      LOG.warn("No Alertmanager accepted the alerts; retrying with backoff: {}", answers);
    } else if (anyAccepted && failing) {
      LOG.info("Alertmanager accepts alerts again");
    }
    failing = !anyAccepted;
  }

  /** How long the oldest new or changed alert has waited for a member to accept it; 0 when none waits. */
  long oldestUndeliveredMs() {
    long now = clock.getAsLong();
    return pending.values().stream().mapToLong(p -> now - p.sinceMs()).max().orElse(0);
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
