package io.crashwatch.detector.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An answer other than 200, with the reason in words: a bad parameter (400), an unknown target (404), a 503. */
final class ApiException extends RuntimeException {
  private final int status;
  private final Map<String, Object> body;

  ApiException(int status, String error) {
    this(status, error, Map.of());
  }

  ApiException(int status, String error, Map<String, ?> more) {
    super(error, null, false, false);
    this.status = status;
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("error", error);
    b.putAll(more);
    this.body = b;
  }

  int status() {
    return status;
  }

  Map<String, Object> body() {
    return body;
  }
}
