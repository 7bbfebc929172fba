package io.crashwatch.detector.http;

import io.javalin.http.Context;
import java.time.Instant;

/** The query routes' parameters, checked before anything is read: a bad one is a 400 naming what is wrong. */
final class Params {
  /** Ids as the detector's input validation takes them. */
  static final int MAX_NAME = 128;

  private Params() {
  }

  /** The {@code limit} query parameter: {@code fallback} when absent, else a whole number from 1 to {@code max}. */
  static int limit(Context ctx, int fallback, int max) {
    String text = ctx.queryParam("limit");
    if (text == null) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new ApiException(400, "limit must be a whole number from 1 to " + max + ", got '" + text + "'");
  }

  /** A fleet id, component or version in the path, as the detector takes them from telemetry; {@code *} only as a fleet. */
  static String name(Context ctx, String param, boolean starAllowed) {
    return checked(param, ctx.pathParam(param), starAllowed);
  }

  /** The same as a query parameter, which may be absent (null). */
  static String optionalName(Context ctx, String param) {
    String value = ctx.queryParam(param);
    return value == null ? null : checked(param, value, false);
  }

  /** A required query parameter naming a fleet, component or version. */
  static String requiredName(Context ctx, String param) {
    String value = optionalName(ctx, param);
    if (value == null) {
      throw new ApiException(400, param + " is required");
    }
    return value;
  }

  /** An instant as ISO-8601 ({@code 2026-12-07T09:30:00Z}) or epoch milliseconds; {@code fallback} when absent. */
  static long instant(Context ctx, String param, long fallback) {
    String text = ctx.queryParam(param);
    if (text == null) {
      return fallback;
    }
    try {
      return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
    } catch (RuntimeException e) {
      throw new ApiException(400, param + " must be an instant like 2026-12-07T09:30:00Z or epoch milliseconds, got '"
          + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
    }
  }

  /** On an internal route: whether a standby's copy will do ({@code stale=true}, when the active one is out of reach). */
  static boolean stale(Context ctx) {
    return "true".equals(ctx.queryParam("stale"));
  }

  private static String checked(String param, String value, boolean starAllowed) {
    if (value.equals("*") && starAllowed) {
      return value;
    }
    boolean valid = !value.isEmpty() && value.length() <= MAX_NAME && !value.equals("*") && !value.contains("/")
        && value.codePoints().noneMatch(Character::isISOControl);
    if (!valid) {
      throw new ApiException(400, param + " must be 1 to " + MAX_NAME + " characters, without '/' or control characters"
          + (starAllowed ? ", or '*' for the global target" : ", and not '*'"));
    }
    return value;
  }
}
