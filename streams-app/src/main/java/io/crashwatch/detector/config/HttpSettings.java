package io.crashwatch.detector.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;

/**
 * The detector's HTTP server: where it listens, what the read-only API asks of a caller, and the address
 * the other instances reach it at (Kafka Streams' {@code application.server}, through which any instance
 * answers for any key by asking the one that holds it).
 *
 * @param bind       address to listen on; loopback by default
 * @param port       port to listen on; 0 picks a free one
 * @param token      when set, {@code /api/} answers only requests carrying it as a bearer token; never shown
 * @param advertised {@code host:port} the other instances reach this one at; null: derived from {@code bind}
 */
public record HttpSettings(String bind, int port, Password token, String advertised) {
  public static final String HTTP_TOKEN = "http-token";

  static final Setting<String> BIND = new Setting<>("http-bind", address -> address,
      "address the HTTP server listens on; 0.0.0.0 for every interface (a Kubernetes probe needs the pod's)");
  static final Setting<Integer> PORT = Setting.atLeast("http-port", 0, "port of the HTTP server; 0 picks a free one");
  static final Setting<Password> TOKEN = new Setting<>(HTTP_TOKEN, text -> {
    if (text.length() < 16) {
      throw new IllegalArgumentException("must be at least 16 characters (e.g. openssl rand -hex 32)");
    }
    return new Password(text);
  }, "bearer token the read-only API requires of every caller, other instances included");
  static final Setting<String> ADVERTISED = new Setting<>("http-advertised-address", HttpSettings::hostAndPort,
      "host:port the other detector instances reach this one's HTTP server at (Kafka Streams' application.server)");

  static final List<Setting<?>> ALL = List.of(BIND, PORT, TOKEN, ADVERTISED);

  static HttpSettings from(Map<String, String> values) {
    return new HttpSettings(BIND.read(values, "127.0.0.1"), PORT.read(values, 8080), TOKEN.read(values, null),
        ADVERTISED.read(values, null));
  }

  /** Whether the server listens on loopback only: the API needs no token there. */
  public boolean loopbackOnly() {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The {@code host:port} other instances reach this one at, once the server listens on {@code actualPort}:
   * the advertised address when set, else the bind address, or this host's name when it binds every interface.
   */
  public String advertisedAddress(int actualPort) {
    if (advertised != null) {
      return advertised;
    }
    String host = bind;
    if (bind.equals("0.0.0.0") || bind.equals("::")) {
      try {
        host = InetAddress.getLocalHost().getCanonicalHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
    }
    return host + ":" + actualPort;
  }

  private static String hostAndPort(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected host:port");
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be 1 to 65535");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port");
    }
    return text;
  }

  @Override
  public String toString() {
    return "HttpSettings[bind=" + bind + ", port=" + port + ", token=" + (token == null ? "none" : "[hidden]")
        + ", advertised=" + advertised + "]";
  }
}
