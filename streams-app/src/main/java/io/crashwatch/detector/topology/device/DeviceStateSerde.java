package io.crashwatch.detector.topology.device;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link DeviceState}: there is one per device, millions of them, so every
 * byte counts. The first byte is a format version, so the format can change without a migration:
 * format 1 also carried the device's boot id, which nothing read.
 */
public final class DeviceStateSerde implements Serde<DeviceState> {
  private static final byte FORMAT = 2;
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
      out.writeUTF(s.fleetId);
      out.writeBoolean(s.indexed);
      out.writeBoolean(s.dark);
      out.writeByte(s.components.size());
      for (var c : s.components.entrySet()) {
        out.writeUTF(c.getKey());
        out.writeUTF(c.getValue().version());
        out.writeUTF(c.getValue().previous() == null ? "" : c.getValue().previous());
        out.writeLong(c.getValue().switchedAtMs());
      }
      out.writeByte(s.failedOn.size());
      for (String f : s.failedOn) {
        out.writeUTF(f);
      }
      out.writeByte(s.recentReports.size());
      for (String r : s.recentReports) {
        out.writeUTF(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static DeviceState read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT && format != FORMAT_WITH_BOOT_ID) {
        throw new SerializationException("Unknown device state format " + format);
      }
      DeviceState s = new DeviceState(in.readUTF());
      if (format == FORMAT_WITH_BOOT_ID) {
        in.readUTF();
      }
      s.indexed = in.readBoolean();
      s.dark = in.readBoolean();
      int components = in.readUnsignedByte();
      for (int i = 0; i < components; i++) {
        String name = in.readUTF();
        String version = in.readUTF();
        String previous = in.readUTF();
        s.components.put(name, new DeviceState.Installed(version, previous.isEmpty() ? null : previous, in.readLong()));
      }
      int failed = in.readUnsignedByte();
      for (int i = 0; i < failed; i++) {
        s.failedOn.add(in.readUTF());
      }
      int reports = in.readUnsignedByte();
      for (int i = 0; i < reports; i++) {
        s.recentReports.addLast(in.readUTF());
      }
      return s;
    } catch (IOException e) {
      throw new SerializationException("Corrupt device state", e);
    }
  }
}
