package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.OperatorTrust;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.RejectedRecord;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.SignedBytes;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.FleetProtection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@code fleets} and {@code shadow-fleets} settings and the compacted {@code fleets-topic} say
 * of each fleet. Every instance reads the topic whole into a global store, so it changes without a restart.
 *
 * <p>Listed: once any fleet is listed (setting or topic), only listed fleets' trips count towards a global
 * halt. On the topic any non-empty value under a fleet id lists it, a tombstone or an empty value removes it.
 * Anyone who can send telemetry can invent a fleet; who can write this topic is an ACL.
 *
 * <p>Shadow: observed, not protected. Since that switches protection off, the topic's ACL is not enough:
 * only a {@link FleetMode} mark under {@code mode/<fleet id>} signed by one of {@code operator-public-keys}
 * ({@code ./crashwatch shadow}) makes a fleet shadow, and only until its {@code validUntil}. Its own key
 * keeps it beside the fleet's listing, so marking a fleet changes nothing of the allowlist. Anything else
 * written there (unsigned, forged, undecodable, a tombstone) leaves the fleet enforced, and a signed mark
 * older than the newest one seen there (a replay) is ignored.
 */
public final class FleetAllowlist {
  public static final String STORE = "fleet-allowlist";
  /** Where a fleet's mark lives on the topic: {@code mode/<fleet id>} (fleet ids never contain {@code /}). */
  public static final String MARK_PREFIX = "mode/";
  private static final Logger LOG = LoggerFactory.getLogger(FleetAllowlist.class);
  private static final JsonSerde<FleetListing> LISTINGS = new JsonSerde<>(FleetListing.class);

  private final DetectionRules rules;
  private final ReadOnlyKeyValueStore<String, FleetListing> listed;

  /** @param listed the global store of the topic; null where there is none (a processor tested alone) */
  public FleetAllowlist(DetectionRules rules, ReadOnlyKeyValueStore<String, FleetListing> listed) {
    this.rules = rules;
    this.listed = listed;
  }

  /** Reads {@code topic} into the global store every kill switch consults, verifying the operators' marks. */
  public static void addTo(StreamsBuilder builder, String topic, Deserializer<FleetMode> marks, OperatorTrust operators,
                           DetectorMetrics metrics) {
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), LISTINGS)
            .withLoggingDisabled(),
        topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(topic + "-source"),
        () -> new Updater(topic, operators, marks, metrics));
  }

  /** Signs a serialized mark as the detector verifies it: key id, sequence and signature headers. */
  public static void sign(KillSwitchSigner operator, String topic, FleetMode mark, byte[] value, Headers headers) {
    SignatureHeaders.putSequence(headers, mark.getIssuedAt().toEpochMilli());
    operator.sign(SignedBytes.Domain.FLEET_MODE, topic, markKey(mark.getFleetId()), value, headers);
  }

  /** The topic's key of a fleet's mark. */
  public static String markKey(String fleetId) {
    return MARK_PREFIX + fleetId;
  }

  /** Whether this fleet's trips may count: nothing is listed, or it is. */
  boolean allows(String fleetId) {
    boolean anyListed = anyListed();
    if (rules.fleets().isEmpty() && !anyListed) {
      return true;
    }
    return rules.fleets().contains(fleetId) || anyListed && listed.get(fleetId) != null;
  }

  /** Whether the topic lists any fleet: marks, under their own keys, list none. */
  private boolean anyListed() {
    if (listed == null) {
      return false;
    }
    try (KeyValueIterator<String, FleetListing> all = listed.all()) {
      while (all.hasNext()) {
        if (!all.next().key.startsWith(MARK_PREFIX)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Why the fleet is observed in shadow at {@code nowMs}, or null when it is enforced: the {@code shadow-fleets}
   * setting, or an operator's signed mark not yet expired. (SHADOW mode is the whole detector's, no fleet's.)
   */
  public String shadowReason(String fleetId, long nowMs) {
    if (rules.shadowFleets().contains(fleetId)) {
      return "setting " + DetectionRules.SHADOW_FLEETS;
    }
    FleetListing mark = listed == null ? null : listed.get(markKey(fleetId));
    return mark != null && mark.shadowAt(nowMs) ? markReason(mark) : null;
  }

  /** Every fleet in shadow at {@code nowMs} by the setting or a mark, with why (SHADOW mode aside: it is no fleet's). */
  public Map<String, String> shadowFleets(long nowMs) {
    Map<String, String> shadow = new TreeMap<>();
    rules.shadowFleets().forEach(f -> shadow.put(f, "setting " + DetectionRules.SHADOW_FLEETS));
    if (listed != null) {
      // Only the marks: the listings may be thousands, and this runs at every liveness report.
      try (KeyValueIterator<String, FleetListing> all = listed.prefixScan(MARK_PREFIX, new StringSerializer())) {
        all.forEachRemaining(kv -> {
          if (kv.value.shadowAt(nowMs)) {
            shadow.putIfAbsent(kv.key.substring(MARK_PREFIX.length()), markReason(kv.value));
          }
        });
      }
    }
    return shadow;
  }

  /** The fleets that get their own metric labels: those listed in the setting or on the topic, and shadow ones. */
  public Set<String> named() {
    Set<String> named = new java.util.TreeSet<>(rules.fleets());
    named.addAll(rules.shadowFleets());
    if (listed != null) {
      try (KeyValueIterator<String, FleetListing> all = listed.all()) {
        all.forEachRemaining(kv -> named.add(kv.key.startsWith(MARK_PREFIX) ? kv.key.substring(MARK_PREFIX.length()) : kv.key));
      }
    }
    return named;
  }

  private static String markReason(FleetListing listing) {
    return "marked by " + listing.actor() + " until " + java.time.Instant.ofEpochMilli(listing.validUntilMs())
        + ": " + listing.reason();
  }

  /** Keeps the global store as the topic says, an operator's mark only once its signature is verified. */
  private static final class Updater implements Processor<String, byte[], Void, Void> {
    private final String topic;
    private final OperatorTrust operators;
    private final Deserializer<FleetMode> marks;
    private final DetectorMetrics metrics;
    private KeyValueStore<String, FleetListing> store;

    Updater(String topic, OperatorTrust operators, Deserializer<FleetMode> marks, DetectorMetrics metrics) {
      this.topic = topic;
      this.operators = operators;
      this.marks = marks;
      this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      String key = record.key();
      if (key == null) {
        return;
      }
      if (key.startsWith(MARK_PREFIX)) {
        mark(key, record.value(), record.headers());
      } else if (record.value() == null || record.value().length == 0) {
        store.delete(key);
      } else {
        store.put(key, FleetListing.LISTING);
      }
    }

    /**
     * A verified mark newer than any seen under its key is kept; anything else clears the key (the fleet is
     * enforced) and keeps the newest mark's time, so a replayed older mark cannot follow a cleared one in.
     */
    private void mark(String key, byte[] value, Headers headers) {
      FleetListing held = store.get(key);
      FleetListing mark = verified(key, value, headers);
      if (mark != null && held != null && mark.issuedAtMs() <= held.issuedAtMs()) {
        refused(key, "fleet-mark-replayed", "issued no later than the newest mark seen there (" + held.markId() + "): a replay");
        mark = null;
      }
      if (mark != null) {
        store.put(key, mark);
      } else if (held != null) {
        store.put(key, held.cleared());
      }
    }

    /** The value as a mark an operator signed for this key, or null (said why) when it is none. */
    private FleetListing verified(String key, byte[] value, Headers headers) {
      if (value == null) {
        return null; // a tombstone: the fleet is enforced
      }
      if (operators.verifier() == null) {
        refused(key, "fleet-mark-unknown-key", "no operator-public-keys are configured");
        return null;
      }
      try {
        operators.verifier().verify(SignedBytes.Domain.FLEET_MODE, topic, key, value, headers);
        FleetMode mark = marks.deserialize(topic, headers, value);
        if (!key.equals(markKey(mark.getFleetId()))) {
          refused(key, "fleet-mark-malformed", "a mark of fleet '" + mark.getFleetId() + "' under another key");
        } else if (mark.getMode() == FleetProtection.SHADOW && mark.getValidUntil() == null) {
          refused(key, "fleet-mark-malformed", "a SHADOW mark without validUntil");
        } else {
          return FleetListing.of(mark, operators.operator(SignatureHeaders.keyId(headers)));
        }
      } catch (RejectedRecord e) {
        refused(key, "fleet-mark-" + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.getMessage());
      } catch (RuntimeException e) {
        refused(key, "fleet-mark-malformed", String.valueOf(e.getMessage()));
      }
      return null;
    }

    private void refused(String key, String reason, String why) {
      metrics.fleetMarkRefused(reason);
      LOG.warn("fleets topic, {}: not a mark the detector obeys ({}): {}; the fleet is enforced", key, reason, why);
    }
  }
}
