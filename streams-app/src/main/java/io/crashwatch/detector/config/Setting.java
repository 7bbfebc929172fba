package io.crashwatch.detector.config;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;

/**
 * One crashwatch setting: its key, how to read it and what a valid value is. A bad value fails
 * at start with Kafka's {@link ConfigException}, whose message names the key and the value.
 */
record Setting<T>(String key, Function<String, T> parser, String doc) {

  T read(Map<String, String> values, T fallback) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return parser.apply(raw.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(key, raw, e.getMessage());
    }
  }

  static Setting<Duration> duration(String key, String doc) {
    return new Setting<>(key, text -> positive(Durations.parse(text)), doc);
  }

  /** A duration that may be 0, which turns off what it bounds. */
  static Setting<Duration> durationOrZero(String key, String doc) {
    return new Setting<>(key, Durations::parse, doc);
  }

  static Setting<Integer> atLeast(String key, int min, String doc) {
    return new Setting<>(key, text -> {
      int v = parseInt(text);
      if (v < min) throw new IllegalArgumentException("must be at least " + min);
      return v;
    }, doc);
  }

  static Setting<Double> between(String key, double minExclusive, double maxExclusive, String doc) {
    return new Setting<>(key, text -> {
      double v = parseDouble(text);
      if (!(v > minExclusive && v < maxExclusive)) {
        throw new IllegalArgumentException("must be greater than " + minExclusive
            + (maxExclusive == Double.POSITIVE_INFINITY ? "" : " and less than " + maxExclusive));
      }
      return v;
    }, doc);
  }

  /** A share: above 0, at most 1. */
  static Setting<Double> fraction(String key, String doc) {
    return new Setting<>(key, text -> {
      double v = parseDouble(text);
      if (!(v > 0 && v <= 1)) {
        throw new IllegalArgumentException("must be greater than 0 and at most 1");
      }
      return v;
    }, doc);
  }

  static Setting<Double> atLeast(String key, double min, String doc) {
    return new Setting<>(key, text -> {
      double v = parseDouble(text);
      if (!(v >= min) || Double.isInfinite(v)) throw new IllegalArgumentException("must be a number of at least " + min);
      return v;
    }, doc);
  }

  static Setting<Boolean> bool(String key, String doc) {
    return new Setting<>(key, text -> switch (text.toLowerCase()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected true or false");
    }, doc);
  }

  static Setting<String> topic(String key, String doc) {
    return new Setting<>(key, text -> {
      if (!text.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new IllegalArgumentException("not a legal Kafka topic name (letters, digits, '.', '_', '-')");
      }
      return text;
    }, doc);
  }

  static <E extends Enum<E>> Setting<E> oneOf(String key, Class<E> type, String doc) {
    return new Setting<>(key, text -> {
      try {
        return Enum.valueOf(type, text.toUpperCase());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected one of " + java.util.Arrays.toString(type.getEnumConstants()));
      }
    }, doc);
  }

  private static Duration positive(Duration d) {
    if (d.isZero()) throw new IllegalArgumentException("must be longer than 0");
    return d;
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number");
    }
  }

  private static double parseDouble(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a number");
    }
  }
}
