package io.crashwatch.loadgen.sim;

import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;

/**
 * The keys a scenario is played with.
 *
 * @param detector the running detector's public keys: its rollouts obey only the kill switch they verify
 * @param operator the key its {@code operator:} steps sign commands with (one of the detector's
 *                 {@code operator-public-keys}); null when it has no operator steps
 */
public record ScenarioKeys(KillSwitchVerifier detector, KillSwitchSigner operator) {
}
