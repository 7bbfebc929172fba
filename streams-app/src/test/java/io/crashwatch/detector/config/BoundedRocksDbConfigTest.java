package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

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

  /**
   * A detector holds a store per partition and kind: dozens of RocksDB instances under one budget. The first
   * records of each must not reserve so much of the shared write buffer budget that the manager flushes on
   * every write (each store then waits on a queue of tiny flushes and its partition stands still).
   */
  @Test
  void shouldKeepTheFirstRecordsOfManyStoresInTheirMemtablesWithinTheBudget(@TempDir Path dir) throws RocksDBException {
    RocksDB.loadLibrary();
    BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
    Map<String, Object> configs = Map.of(BoundedRocksDbConfig.MEMORY_BYTES, Long.toString(128L * 1024 * 1024));
    int stores = 48;
    List<Options> options = new ArrayList<>();
    List<RocksDB> dbs = new ArrayList<>();
    try {
      for (int i = 0; i < stores; i++) {
        Options o = new Options().setCreateIfMissing(true);
        options.add(o);
        setter.setConfig("store-" + i, o, configs);
        dbs.add(RocksDB.open(o, dir.resolve("store-" + i).toString()));
      }
      int devices = 200; // about 10 KB a store: a few devices' state, past a memtable's first inline block
      for (RocksDB db : dbs) {
        for (int d = 0; d < devices; d++) {
          db.put(("device-" + d).getBytes(), "a heartbeat's state, some forty bytes".getBytes());
        }
      }
      long inActiveMemtables = 0;
      for (RocksDB db : dbs) {
        inActiveMemtables += db.getLongProperty("rocksdb.num-entries-active-mem-table");
      }
      assertThat(inActiveMemtables).as("records still in their stores' active memtables: none was flushed away")
          .isEqualTo((long) stores * devices);
    } finally {
      dbs.forEach(RocksDB::close);
      options.forEach(Options::close);
    }
  }
}
