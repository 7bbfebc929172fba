package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashwatch.killswitch.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./crashwatch status [TARGET] --detector URL [--json]}: why a target is halted or not yet, as a table a
 * person reads in one look; without a target, every target under test, halted first. Any detector instance
 * answers for any target.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Why a target is halted, or not yet: its state, each test's statistic against its threshold, how many",
        "more failed devices would trip it, its HALT and the command that lifts it. Without TARGET: every target under",
        "test, halted, that cannot be judged or was established lately, halted first.",
        "Exit code 0 when the detector answered in full, 1 when it could not (the reason is printed), 2 for bad options."})
public final class StatusCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "CRASHWATCH_HTTP_TOKEN";

  @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
      description = "fleetId/component/version, or */component/version for the global test.")
  String target;

  @Option(names = "--detector", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "Any detector instance's HTTP server (default: ${DEFAULT-VALUE}).")
  URI detector;

  @Option(names = "--json", description = "The API's JSON answer as it is.")
  boolean json;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the detector's http-token (default: the " + TOKEN_ENV + " environment variable).")
  Path tokenFile;

  private final PrintStream out;
  private final PrintStream err;

  public StatusCommand() {
    this(System.out, System.err);
  }

  public StatusCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    String path = "/api/v1/targets";
    if (target != null) {
      Target parsed;
      try {
        parsed = Target.parse(target);
      } catch (IllegalArgumentException e) {
        err.println("crashwatch status: " + e.getMessage());
        return 2;
      }
      path += "/" + encode(parsed.isGlobal() ? "*" : parsed.fleetId()) + "/" + encode(parsed.component()) + "/"
          + encode(parsed.version());
    }
    HttpResponse<String> answer;
    try {
      answer = get(path);
    } catch (IOException e) {
      err.println("crashwatch status: " + detector + " could not be reached: " + e.getMessage());
      return 1;
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(answer.body());
    } catch (IOException e) {
      err.println("crashwatch status: " + detector + " answered HTTP " + answer.statusCode() + " with what is not the API's JSON");
      return 1;
    }
    if (json) {
      out.println(body.toPrettyString());
    } else if (answer.statusCode() == 200 || target == null && body.has("targets")) {
      out.print(target == null ? StatusTable.targets(body) : StatusTable.target(body));
    }
    if (answer.statusCode() != 200) {
      err.println("crashwatch status: " + (body.path("error").isMissingNode() ? "HTTP " + answer.statusCode()
          : body.path("error").asText()) + (body.path("missing").isEmpty() ? "" : " " + body.path("missing")));
      return answer.statusCode() == 400 ? 2 : 1;
    }
    return 0;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(detector.resolve(path)).timeout(Duration.ofSeconds(30));
    String token = tokenFile != null ? Files.readString(tokenFile).strip() : System.getenv(TOKEN_ENV);
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
