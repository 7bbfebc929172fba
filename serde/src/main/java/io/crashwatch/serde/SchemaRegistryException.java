package io.crashwatch.serde;

import java.util.Optional;

/**
 * A Schema Registry request failed: an error answer of the registry (with Confluent's {@code error_code})
 * or no answer at all ({@link #httpStatus()} and {@link #errorCode()} are then {@link #NONE}). Callers
 * decide on {@link #kind()}, never on status codes: whether a record is at fault depends on it.
 */
public class SchemaRegistryException extends RuntimeException {

  /** Status or error code when the registry gave none. */
  public static final int NONE = -1;
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** What went wrong, as far as a caller has to decide what to do next. */
  public enum Kind {
    /**
     * No answer, a timeout, a 5xx, a 429 or a 408, a redirect, or a 404 without the registry's own
     * error code (an ingress or proxy answering for a registry that is not there): the registry may
     * answer later and nothing says the request (or the record that caused it) is wrong. Retryable.
     */
    UNAVAILABLE,
    /** 401 or 403: the registry refuses these credentials. Asking again changes nothing; a setting must. */
    UNAUTHORIZED,
    /**
     * 404 with a Confluent "not found" error code (404xx): no such schema id, subject or version (yet:
     * registry replicas may lag behind).
     */
    NOT_FOUND,
    /** Any other answer saying the request is wrong (400, 409 incompatible, 422 invalid). */
    REJECTED;

    static Kind of(int httpStatus, int errorCode) {
      if (httpStatus == NONE || httpStatus >= 500 || httpStatus == 429 || httpStatus == 408
          || httpStatus >= 300 && httpStatus < 400) {
        return UNAVAILABLE;
      }
      if (httpStatus == 401 || httpStatus == 403) {
        return UNAUTHORIZED;
      }
      if (httpStatus == 404) {
        // Only the registry itself says "not found" with its code; anything else at that URL is not it.
        return errorCode / 100 == 404 ? NOT_FOUND : UNAVAILABLE;
      }
      return REJECTED;
    }
  }

  private final int httpStatus;
  private final int errorCode;
  private final Kind kind;

  /** The kind follows from status and error code: {@link #NONE}, no answer, is {@link Kind#UNAVAILABLE}. */
  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, Kind.of(httpStatus, errorCode), null);
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    this(message, httpStatus, errorCode, Kind.of(httpStatus, errorCode), cause);
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Kind kind, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.kind = kind;
  }

  /** The first registry failure in the chain of causes, e.g. behind a SerializationException. */
  public static Optional<SchemaRegistryException> in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException e) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  public Kind kind() {
    return kind;
  }

  /** The registry could not be reached or was overloaded: the same request may succeed later. */
  public boolean isRetryable() {
    return kind == Kind.UNAVAILABLE;
  }

  /** The registry refused the client's credentials: only a configuration change helps. */
  public boolean isAuthFailure() {
    return kind == Kind.UNAUTHORIZED;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's error code, e.g. 40403 (schema not found), or {@link #NONE}. */
  public int errorCode() {
    return errorCode;
  }
}
