/**
 * What the status API answers: plain records, built from the stores that hold a decision (fleet statistics, the
 * kill switch) by the stage that owns each, and put together for one target here. Nothing in this package reads
 * a store or speaks HTTP, so the instance that holds a key builds its part and any instance can assemble.
 */
package io.crashwatch.detector.topology.status;
