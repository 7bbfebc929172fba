package io.crashwatch.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for PagerDuty, Slack or e-mail: an Alertmanager webhook receiver that keeps every notification, so a
 * test can count the pages each alert made. The JDK's small server is enough for a receiver in a test.
 */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One alert of one notification: whether it said firing or resolved, and its {@code alert_id}. */
  public record Page(String status, String alertId, String alertname, long receivedAtMs) {
  }

  private final HttpServer server;
  private final List<Page> pages = new CopyOnWriteArrayList<>();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        long now = System.currentTimeMillis();
        for (JsonNode alert : body.path("alerts")) {
          pages.add(new Page(alert.path("status").asText(), alert.path("labels").path("alert_id").asText(),
              alert.path("labels").path("alertname").asText(), now));
        }
        exchange.sendResponseHeaders(200, -1);
      }
    });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  public List<Page> pages() {
    return new ArrayList<>(pages);
  }

  /** How many notifications said this alert was firing: the pages it made. */
  public long firing(String alertId) {
    return pages.stream().filter(p -> p.alertId().equals(alertId) && p.status().equals("firing")).count();
  }

  public long resolved(String alertId) {
    return pages.stream().filter(p -> p.alertId().equals(alertId) && p.status().equals("resolved")).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
