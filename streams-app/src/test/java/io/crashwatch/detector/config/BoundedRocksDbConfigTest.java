package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {

  @Test
  void shouldShareOneWriteBufferManagerAcrossStores() {
    RocksDB.loadLibrary();
    BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
    Map<String, Object> configs = Map.of(BoundedRocksDbConfig.MEMORY_BYTES, Long.toString(64L * 1024 * 1024));
    try (Options deviceState = new Options(); Options fleetStatistics = new Options()) {
      setter.setConfig("device-state", deviceState, configs);
      setter.setConfig("fleet-statistics", fleetStatistics, configs);

      assertThat(deviceState.writeBufferManager()).isNotNull().isSameAs(fleetStatistics.writeBufferManager());
      assertThat(deviceState.maxWriteBufferNumber()).isEqualTo(2);
    }
  }
}
