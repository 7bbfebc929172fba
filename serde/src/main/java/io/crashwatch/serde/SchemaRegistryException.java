package io.crashwatch.serde;

/**
 * A Schema Registry request failed: an error answer of the registry (with Confluent's {@code error_code})
 * or no answer at all ({@link #httpStatus()} and {@link #errorCode()} are then {@link #NONE}).
 */
public class SchemaRegistryException extends RuntimeException {

  /** Status or error code when the registry gave none. */
  public static final int NONE = -1;
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int SCHEMA_NOT_FOUND = 40403;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent's error code, e.g. 40403 (schema not found), or {@link #NONE}. */
  public int errorCode() {
    return errorCode;
  }
}
