package io.crashwatch.loadgen.scenario;

import java.time.Duration;

/**
 * Devices that sleep, as laptops do at night and desktops are switched off: a {@code fraction} of the
 * fleet sleeps for {@code duration} (YAML key {@code for}) once every {@code every}, each device at its
 * own random moment of the period. Asleep, a device sends nothing, installs nothing and cannot crash;
 * with {@code shutdownFirst} it sends a SHUTDOWN heartbeat before it sleeps and a clean BOOT when it
 * wakes, else it simply falls silent and takes up its heartbeats again.
 */
public record SleepSpec(double fraction, Duration every, Duration duration, boolean shutdownFirst) {
}
