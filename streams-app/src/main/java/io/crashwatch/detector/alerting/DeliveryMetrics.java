package io.crashwatch.detector.alerting;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The delivery's meters on {@code /metrics}: alerts sent by each member's answer
 * ({@code crashwatch_alert_deliveries_total}), alerts delivered ({@code crashwatch_alerts_delivered_total}, each new or
 * changed alert once) and how long the oldest new or changed alert has waited
 * ({@code crashwatch_alert_oldest_undelivered_seconds}, which {@code CrashwatchAlertDeliveryFailing} watches).
 */
public final class DeliveryMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
  private final Counter delivered;

  /** @param oldestUndeliveredMs read at each scrape */
  public DeliveryMetrics(MeterRegistry registry, LongSupplier oldestUndeliveredMs) {
    this.registry = registry;
    this.delivered = Counter.builder("crashwatch.alerts.delivered")
        .description("Alerts (each new or changed alert once) that an Alertmanager member accepted from this instance")
        .register(registry);
    Gauge.builder("crashwatch.alert.oldest.undelivered", oldestUndeliveredMs, s -> s.getAsLong() / 1000.0)
        .description("Age of the oldest new or changed alert no Alertmanager member has accepted yet; 0 when none")
        .baseUnit("seconds").register(registry);
  }

  /** {@code alerts} sent to {@code member}, which answered {@code result}. */
  void sent(String member, AlertmanagerClient.Result result, int alerts) {
    deliveries.computeIfAbsent(member + " " + result, k -> Counter.builder("crashwatch.alert.deliveries")
        .description("Alerts sent to an Alertmanager member, by its answer: accepted, rejected (4xx), failed (no answer, 5xx)")
        .tag("alertmanager", member).tag("result", result.name().toLowerCase(Locale.ROOT))
        .register(registry)).increment(alerts);
  }

  /** Of every member, one accepted an alert it had not before. */
  void delivered() {
    delivered.increment();
  }

  /** The meters as they show before anything was sent, every result at 0, for a scrape to list them. */
  public void touch(String member) {
    for (AlertmanagerClient.Result result : AlertmanagerClient.Result.values()) {
      sent(member, result, 0);
    }
  }
}
