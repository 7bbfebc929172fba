package io.crashwatch.detector.topology.device;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.crashwatch.detector.topology.format.StateFormatException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link DeviceState}: there is one per device, millions of them, so every
 * byte counts. The first byte is a format version, so the format can change without a migration.
 *
 * <p>Format 3 writes every string as a varint byte length and UTF-8, and every count as a varint, so
 * anything input validation lets through can be stored and read back: format 2 used
 * {@code writeUTF} (at most 64 KB) and one-byte counts (at most 255), and one oversized heartbeat
 * stopped the stream thread for good. Format 4 adds the device's latest failure times, which place it
 * in each rollout test's cohorts and strata; format 5 the crash reports held until the device is seen
 * on the version they name, whether it is asleep, and since when a silent device is silent; format 6 when it
 * last went dark; format 7 when the device was first seen. Formats 1 (which also carried a boot id nothing
 * read) to 6 are still read (no failure known before 4, none held before 5, never dark before 6, seen from
 * the start of time before 7), so state written before an upgrade survives it.
 */
public final class DeviceStateSerde implements Serde<DeviceState> {
  private static final byte FORMAT = 7;
  private static final byte FORMAT_LAST_DARK = 6;
  private static final byte FORMAT_HELD = 5;
  private static final byte FORMAT_FAILURE_TIMES = 4;
  private static final byte FORMAT_VARINT = 3;
  private static final byte FORMAT_BOUNDED = 2;
  private static final byte FORMAT_WITH_BOOT_ID = 1;

  @Override
  public Serializer<DeviceState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<DeviceState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(bytes);
  }

  static byte[] write(DeviceState s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      writeString(out, s.fleetId);
      out.writeLong(s.firstSeenMs);
      out.writeBoolean(s.indexed);
      out.writeBoolean(s.dark);
      writeVarint(s.components.size(), out);
      for (var c : s.components.entrySet()) {
        writeString(out, c.getKey());
        writeString(out, c.getValue().version());
        writeString(out, c.getValue().previous() == null ? "" : c.getValue().previous());
        out.writeLong(c.getValue().switchedAtMs());
      }
      writeVarint(s.failedOn.size(), out);
      for (String f : s.failedOn) {
        writeString(out, f);
      }
      writeVarint(s.recentReports.size(), out);
      for (String r : s.recentReports) {
        writeString(out, r);
      }
      writeVarint(s.recentFailures.size(), out);
      for (long t : s.recentFailures) {
        out.writeLong(t);
      }
      writeVarint(s.held.size(), out);
      for (DeviceState.HeldReport h : s.held) {
        out.writeLong(h.crashedAtMs());
        writeString(out, h.signature() == null ? "" : h.signature());
        writeVarint(h.versions().size(), out);
        for (var v : h.versions().entrySet()) {
          writeString(out, v.getKey());
          writeString(out, v.getValue());
        }
      }
      out.writeBoolean(s.asleep);
      if (s.dark || s.asleep) {
        out.writeLong(s.silentSinceMs); // only then: most devices are heard from, and every byte counts
      }
      out.writeBoolean(s.lastDarkMs > 0);
      if (s.lastDarkMs > 0) {
        out.writeLong(s.lastDarkMs); // most devices never went dark: one byte for them
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static DeviceState read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format < FORMAT_WITH_BOOT_ID || format > FORMAT) {
        throw new StateFormatException("Device state was written in format " + format + "; this detector reads formats "
            + FORMAT_WITH_BOOT_ID + " to " + FORMAT + " (written by a newer detector?)");
      }
      Reader r = format >= FORMAT_VARINT ? new Reader.Varint(in) : new Reader.Bounded(in);
      DeviceState s = new DeviceState(r.string());
      if (format >= FORMAT) {
        s.firstSeenMs = in.readLong();
      }
      if (format == FORMAT_WITH_BOOT_ID) {
        r.string();
      }
      s.indexed = in.readBoolean();
      s.dark = in.readBoolean();
      int components = r.count();
      for (int i = 0; i < components; i++) {
        String name = r.string();
        String version = r.string();
        String previous = r.string();
        s.components.put(name, new DeviceState.Installed(version, previous.isEmpty() ? null : previous, in.readLong()));
      }
      int failed = r.count();
      for (int i = 0; i < failed; i++) {
        s.failedOn.add(r.string());
      }
      int reports = r.count();
      for (int i = 0; i < reports; i++) {
        s.recentReports.addLast(r.string());
      }
      if (format >= FORMAT_FAILURE_TIMES) {
        int failures = r.count();
        List<Long> times = new ArrayList<>(failures);
        for (int i = 0; i < failures; i++) {
          times.add(in.readLong());
        }
        s.recentFailures = List.copyOf(times);
      }
      if (format >= FORMAT_HELD) {
        int held = r.count();
        for (int i = 0; i < held; i++) {
          long crashedAt = in.readLong();
          String signature = r.string();
          int count = r.count();
          Map<String, String> versions = new LinkedHashMap<>();
          for (int j = 0; j < count; j++) {
            versions.put(r.string(), r.string());
          }
          s.held.add(new DeviceState.HeldReport(crashedAt, signature.isEmpty() ? null : signature, versions));
        }
        s.asleep = in.readBoolean();
        if (s.dark || s.asleep) {
          s.silentSinceMs = in.readLong();
        }
      }
      if (format >= FORMAT_LAST_DARK && in.readBoolean()) {
        s.lastDarkMs = in.readLong();
      }
      return s;
    } catch (IOException | RuntimeException e) {
      if (e instanceof SerializationException known) {
        throw known;
      }
      throw new SerializationException("Corrupt device state", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(utf8.length, out);
    out.write(utf8);
  }

  /** Seven bits a byte, high bit set while more follow: one byte for the usual short string or count. */
  private static void writeVarint(int value, DataOutputStream out) throws IOException {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static int readVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (value < 0) {
          break;
        }
        return value;
      }
    }
    throw new SerializationException("Corrupt device state: a length or count out of range");
  }

  /** How a format writes strings and counts. */
  private sealed interface Reader {
    String string() throws IOException;

    int count() throws IOException;

    /** Formats 3 and later: varint lengths and counts. */
    record Varint(DataInputStream in) implements Reader {
      public String string() throws IOException {
        int length = readVarint(in);
        if (length > in.available()) {
          throw new SerializationException("Corrupt device state: a string of " + length + " bytes in "
              + in.available() + " remaining");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
      }

      public int count() throws IOException {
        return readVarint(in);
      }
    }

    /** Formats 1 and 2: {@code writeUTF} strings and one-byte counts. */
    record Bounded(DataInputStream in) implements Reader {
      public String string() throws IOException {
        return in.readUTF();
      }

      public int count() throws IOException {
        return in.readUnsignedByte();
      }
    }
  }
}
