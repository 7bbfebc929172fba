package io.crashwatch.detector.topology.status;

import java.util.List;

/** A version's crash signatures by distinct devices, most first. */
public record TopSignatures(String fleet, String component, String version, String previousVersion,
                            List<SignatureView> signatures) {
}
