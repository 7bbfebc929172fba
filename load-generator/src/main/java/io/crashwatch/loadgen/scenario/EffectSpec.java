package io.crashwatch.loadgen.scenario;

import java.time.Duration;

/**
 * What a bad version does to a device that installs it.
 *
 * @param crashProbability one-shot: the share of installing devices that crash once, at random
 * @param crashDelay mean time from install to that crash
 * @param crashRateMultiplier continuous: the fleet's background crash rate is multiplied by this on the version
 * @param bootLoop crashed devices never come back: no BOOT heartbeat, no report, they go dark
 * @param reportProbability share of crashes that upload a crash report (after the reboot)
 * @param reportDelay mean time from a crash to its report's upload
 * @param bugcheck the stop code of the crashes, e.g. 0x50 (PAGE_FAULT_IN_NONPAGED_AREA)
 * @param faultingModule the module the crash reports name; null when they name none
 */
public record EffectSpec(double crashProbability, Duration crashDelay, double crashRateMultiplier, boolean bootLoop,
    double reportProbability, Duration reportDelay, int bugcheck, String faultingModule) {
}
