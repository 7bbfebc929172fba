package io.crashwatch.detector.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for every RocksDB store of the process: a shared block cache that also holds
 * index and filter blocks and, through a write buffer manager, the memtables. Unbounded, each store
 * on each partition takes its own cache and memtables, and memory grows with partitions and stores
 * instead of staying flat.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
  /** Streams config key carrying the budget in bytes (set from crashwatch's {@code state-memory-mb}). */
  public static final String MEMORY_BYTES = "crashwatch.rocksdb.memory.bytes";
  /** Share of the budget memtables may take; the rest caches blocks. */
  private static final double WRITE_BUFFER_SHARE = 0.25;
  private static final long MEMTABLE_BYTES = 8L * 1024 * 1024;
  /**
   * A memtable takes memory from the write buffer manager an arena block at a time, by default an eighth
   * of its size (1 MiB) once it holds more than a few kilobytes. A detector has a store per partition and
   * kind (about a hundred on three instances of twelve partitions), so the first few records of each
   * reserved more than the whole budget: the manager then flushed on nearly every write, and stores waited
   * on a queue of tiny flushes (a heartbeat partition stood still for a minute).
   */
  private static final long ARENA_BLOCK_BYTES = 64L * 1024;

  private static Cache cache;
  private static WriteBufferManager writeBuffers;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object budget = configs.get(MEMORY_BYTES);
    long bytes = budget == null ? 128L * 1024 * 1024 : Long.parseLong(budget.toString());
    // Kafka Streams hands over a block-based table config; keep it, with its filter, and change its cache.
    BlockBasedTableConfig table = options.tableFormatConfig() instanceof BlockBasedTableConfig given
        ? given : new BlockBasedTableConfig();
    table.setBlockCache(sharedCache(bytes));
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(sharedWriteBuffers(bytes));
    options.setWriteBufferSize(MEMTABLE_BYTES);
    options.setMaxWriteBufferNumber(2);
    options.setArenaBlockSize(ARENA_BLOCK_BYTES);
  }

  private static synchronized Cache sharedCache(long bytes) {
    if (cache == null) {
      cache = new LRUCache(bytes, -1, false, 0.1);
    }
    return cache;
  }

  private static synchronized WriteBufferManager sharedWriteBuffers(long bytes) {
    if (writeBuffers == null) {
      writeBuffers = new WriteBufferManager((long) (bytes * WRITE_BUFFER_SHARE), sharedCache(bytes));
    }
    return writeBuffers;
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store: they live as long as the process.
  }
}
