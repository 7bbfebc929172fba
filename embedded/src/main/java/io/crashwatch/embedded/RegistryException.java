package io.crashwatch.embedded;

/** A registry error as Confluent reports it: an HTTP status plus a finer {@code error_code}. */
final class RegistryException extends RuntimeException {

  private final int status;
  private final int errorCode;

  private RegistryException(int status, int errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  int status() {
    return status;
  }

  int errorCode() {
    return errorCode;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(String version) {
    return new RegistryException(404, 40402, "Version " + version + " not found.");
  }

  static RegistryException schemaNotFound(String detail) {
    return new RegistryException(404, 40403, detail);
  }

  static RegistryException subjectConfigNotFound(String subject) {
    return new RegistryException(404, 40408,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static RegistryException incompatible(String subject, Object details) {
    return new RegistryException(409, 409, "Schema being registered is incompatible with an earlier schema"
        + " for subject \"" + subject + "\", details: " + details);
  }

  static RegistryException invalidSchema(String detail) {
    return new RegistryException(422, 42201, "Invalid schema: " + detail);
  }

  static RegistryException invalidVersion(String version) {
    return new RegistryException(422, 42202, "The specified version '" + version + "' is not a valid version id."
        + " Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  static RegistryException invalidCompatibilityLevel() {
    return new RegistryException(422, 42203, "Invalid compatibility level. Valid values are none, backward,"
        + " forward, full, backward_transitive, forward_transitive, and full_transitive");
  }

  static RegistryException http(int status, String reason) {
    return new RegistryException(status, status, "HTTP " + status + " " + reason);
  }

  static RegistryException internal(String detail) {
    return new RegistryException(500, 50001, "Error in the backend data store: " + detail);
  }
}
