package io.crashwatch.loadgen.bench;

/** The fleet's events at a steady rate, from a thread of its own, until closed: the load measurements run under. */
final class Background implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long sent;
  private volatile long nanos;

  /** @param firstEvent where in the fleet's stream to go on from: new report ids, not the fill's again */
  Background(BenchFleet fleet, int perSecond, long firstEvent) {
    thread = new Thread(() -> {
      long n = 0;
      long start = System.nanoTime();
      while (running) {
        long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
        while (n < due) {
          fleet.send(firstEvent + n++);
        }
        sent = n;
        nanos = System.nanoTime() - start;
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-background");
    thread.start();
  }

  /** Events sent so far, and over how long: the rate actually produced. */
  double eventsPerSecond() {
    return nanos == 0 ? 0 : sent / (nanos / 1e9);
  }

  long sent() {
    return sent;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
  }
}
