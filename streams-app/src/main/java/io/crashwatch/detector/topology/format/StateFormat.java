package io.crashwatch.detector.topology.format;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The format version of a record the detector keeps in a store or sends through an internal topic
 * as JSON ({@link JsonSerde}). Adding a field keeps the version: readers tolerate fields they do not
 * know, so a rolled-back instance reads what a newer one wrote. Renaming, removing or re-meaning a
 * field bumps it, and {@link JsonSerde} then reads the previous version through an upgrade, so a
 * rolling upgrade never silently resets state. A version newer than the next one is refused.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StateFormat {
  int value();
}
