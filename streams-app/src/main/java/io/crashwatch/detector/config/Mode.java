package io.crashwatch.detector.config;

/** ENFORCE: commands take effect. SHADOW: decide and alert, but every command carries shadow=true. */
public enum Mode {
  ENFORCE, SHADOW
}
