package io.crashwatch.loadgen.backtest;

import io.crashwatch.detector.config.Durations;
import io.crashwatch.detector.config.SettingsSource;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

/** {@code ./crashwatch backtest}: a rule tried on recorded telemetry, beside what the live detector did. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = {"Replays the recorded input topics through the detector's own topology with the given settings",
        "(the wall clock following the records' broker timestamps) and reports every HALT and alert it would have made",
        "beside what the live detector alerted in the same span. Writes to no topic and registers no schema: a",
        "read-only principal on the input and alerts topics, and on the registry, is enough. See docs/backtest.md."})
public final class BacktestCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The detector's settings file (the environment's CRASHWATCH_*/KAFKA_* apply, as for the detector).")
  Path config;

  @Option(names = "--from", required = true, paramLabel = "TIME",
      description = "Start of the span: an instant (2026-11-30T00:00:00Z), a day (2026-11-30, UTC) or a time ago (7d).")
  String from;

  @Option(names = "--to", paramLabel = "TIME", description = "End of the span, as --from (default: the topics' ends now).")
  String to;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting to try in place of the live one; repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--warm-up", paramLabel = "DURATION",
      description = "History read before --from to build state, its decisions not compared (default: baseline-window).")
  String warmUp;

  @Option(names = "--report", required = true, paramLabel = "OUT.json", description = "Where to write the JSON report.")
  Path report;

  @Override
  public Integer call() throws Exception {
    Instant now = Instant.now();
    Instant start;
    Instant end;
    Duration warm;
    try {
      start = time(from, now);
      end = to == null ? null : time(to, now);
      warm = warmUp == null ? null : Durations.parse(warmUp);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      System.err.println("crashwatch: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (end != null && !end.isAfter(start)) {
      System.err.println("crashwatch: --to " + end + " is not after --from " + start);
      return ExitCode.USAGE;
    }
    BacktestReport result;
    try {
      result = Backtest.run(SettingsSource.load(config, System.getenv()), overrides, start, end, warm, p ->
          System.err.printf(Locale.ROOT, "backtest: %,d of %,d records (%.0f%%), event time %s%n",
              p.read(), p.total(), p.total() == 0 ? 100.0 : 100.0 * p.read() / p.total(), p.eventTime()));
    } catch (UncheckedIOException e) {
      System.err.println("crashwatch: " + e.getMessage());
      return ExitCode.USAGE;
    } catch (ConfigException e) {
      System.err.println("crashwatch: invalid setting: " + e.getMessage());
      return ExitCode.USAGE;
    }
    result.write(report);
    System.out.print(result.summary());
    System.out.println("Report written to " + report);
    return ExitCode.OK;
  }

  /** An instant, a day at midnight UTC, or a duration before {@code now}. */
  static Instant time(String text, Instant now) {
    if (text.contains("T")) {
      return Instant.parse(text);
    }
    if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return now.minus(Durations.parse(text));
  }
}
