/**
 * What the status and analytics APIs answer: plain records, built from the stores that hold a decision (fleet
 * statistics, the kill switch, the halt history) by the stage that owns each, and put together here. Nothing in
 * this package reads a store or speaks HTTP, so the instance that holds a key builds its part and any instance
 * can assemble.
 */
package io.crashwatch.detector.topology.status;
