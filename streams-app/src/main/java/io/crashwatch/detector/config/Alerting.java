package io.crashwatch.detector.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the detector delivers its SRE alerts (Prometheus Alertmanager, API v2) and what each carries
 * beyond the alert itself.
 *
 * @param alertmanagers  every member of the Alertmanager cluster: each gets every alert, as Prometheus sends
 *                       them; empty: alerts stay on the alerts topic only
 * @param resendInterval how often a firing alert is sent again: Alertmanager resolves an alert that is not
 * @param runbookUrl     base URL of the runbook; each alert links the section of its kind; null: no link
 * @param statusUrl      base URL of the status API, for each alert's {@code generatorURL}; null: this instance's
 */
public record Alerting(List<URI> alertmanagers, Duration resendInterval, URI runbookUrl, URI statusUrl) {
  public static final String ALERTMANAGER_URLS = "alertmanager-urls";

  static final Setting<List<URI>> URLS = new Setting<>(ALERTMANAGER_URLS,
      text -> Arrays.stream(text.split(",")).map(String::trim).filter(u -> !u.isEmpty()).map(Alerting::httpUrl).toList(),
      "comma-separated base URLs of every Alertmanager cluster member, e.g. http://alertmanager-0:9093");
  static final Setting<Duration> RESEND = Setting.duration("alert-resend-interval",
      "how often a firing alert is sent to Alertmanager again");
  static final Setting<URI> RUNBOOK = new Setting<>("runbook-url", Alerting::httpUrl,
      "base URL of the runbook (docs/runbook.md where you publish it): each alert links its kind's section");
  static final Setting<URI> STATUS = new Setting<>("status-url", Alerting::httpUrl,
      "base URL the status API is reached at, for each alert's generatorURL");

  static final List<Setting<?>> ALL = List.of(URLS, RESEND, RUNBOOK, STATUS);

  public Alerting {
    alertmanagers = List.copyOf(alertmanagers);
  }

  static Alerting from(Map<String, String> values) {
    return new Alerting(URLS.read(values, List.of()), RESEND.read(values, Duration.ofMinutes(1)),
        RUNBOOK.read(values, null), STATUS.read(values, null));
  }

  /** No Alertmanager: alerts stay on the alerts topic. */
  public static Alerting none() {
    return from(Map.of());
  }

  public boolean enabled() {
    return !alertmanagers.isEmpty();
  }

  private static URI httpUrl(String text) {
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("expected an http:// or https:// URL, got '" + text + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getMessage());
    }
  }
}
