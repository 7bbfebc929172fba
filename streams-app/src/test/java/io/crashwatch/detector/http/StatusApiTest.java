package io.crashwatch.detector.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.TestKeys;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.DetectorTopology;
import io.crashwatch.detector.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** An instance that cannot answer says so with a 503 and the reason, never an empty "fine"; bad parameters are a 400. */
class StatusApiTest {
  private final DetectorSettings settings = DetectorSettings.from(Map.of("bootstrap.servers", "127.0.0.1:1",
      "schema.registry.url", "mock://status-api", "kill-switch-signing-key", TestKeys.signingKeyFile(),
      "state.dir", stateDir(), "http-port", "0"));
  private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();

  @Test
  void shouldSayItIsStartingBeforeKafkaStreamsExists() throws Exception {
    StatusApi api = new StatusApi();
    try (DetectorHttpServer http = server(api)) {
      HttpResponse<String> answer = get(http, "/api/v1/targets");

      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.body()).contains("the detector is starting");
    }
  }

  @Test
  void shouldSayItIsNotProcessingRatherThanListNothing() throws Exception {
    StatusApi api = new StatusApi();
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    try (KafkaStreams created = new KafkaStreams(DetectorTopology.build(settings, topics), settings.streamsConfig());
         DetectorHttpServer http = server(api)) {
      streams.set(created);
      api.serve(new StatusQueries(new Instances(streams::get, new HostInfo("127.0.0.1", http.port()), new Peers(null)), settings));

      HttpResponse<String> list = get(http, "/api/v1/targets");
      HttpResponse<String> one = get(http, "/api/v1/targets/airline-ops/channel-291/r41");

      assertThat(list.statusCode()).isEqualTo(503);
      assertThat(list.body()).contains("the detector is CREATED").doesNotContain("\"targets\"");
      assertThat(one.statusCode()).isEqualTo(503);
    }
  }

  @Test
  void shouldRefuseBadParametersNamingWhatIsWrong() throws Exception {
    StatusApi api = new StatusApi();
    try (DetectorHttpServer http = server(api)) {
      assertThat(get(http, "/api/v1/targets?limit=5001").body()).contains("limit must be a whole number from 1 to 5000");
      assertThat(get(http, "/api/v1/targets?limit=x").statusCode()).isEqualTo(400);
      HttpResponse<String> star = get(http, "/api/v1/targets/airline-ops/%2A/r41");
      assertThat(star.statusCode()).isEqualTo(400);
      assertThat(star.body()).contains("component must be", "not '*'");
      assertThat(get(http, "/api/v1/targets/airline-ops/channel-291/" + "v".repeat(129)).statusCode()).isEqualTo(400);
      assertThat(get(http, "/api/v1/targets/airline-ops/channel-291/r%0A41").statusCode()).isEqualTo(400);
    }
  }

  private static String stateDir() {
    try {
      return java.nio.file.Files.createTempDirectory("crashwatch-status-api").toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static DetectorHttpServer server(StatusApi api) {
    return new DetectorHttpServer(new io.crashwatch.detector.config.HttpSettings("127.0.0.1", 0, null, null),
        DetectorHttpServer.probes(() -> KafkaStreams.State.RUNNING, Map::of, () -> ""), List.of(api));
  }

  private static HttpResponse<String> get(DetectorHttpServer http, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
