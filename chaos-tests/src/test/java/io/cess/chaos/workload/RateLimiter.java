package io.cess.chaos.workload;

import java.time.Duration;

/** Spaces permits evenly at a maximum rate, shared by all workers; callers wait, nothing queues. */
final class RateLimiter {

  private final long intervalNanos;
  private long nextFreeNanos = System.nanoTime();

  RateLimiter(double permitsPerSecond) {
    if (!(permitsPerSecond > 0)) {
      throw new IllegalArgumentException("permitsPerSecond must be positive, was " + permitsPerSecond);
    }
    this.intervalNanos = (long) (1e9 / permitsPerSecond);
  }

  /** Blocks until the caller may start one more operation. */
  void acquire() throws InterruptedException {
    long waitNanos = reserve(System.nanoTime());
    if (waitNanos > 0) {
      Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
    }
  }

  /** Reserves the next permit at {@code nowNanos}; the wait until it is due. */
  synchronized long reserve(long nowNanos) {
    // an idle period does not accumulate a burst: the next permit is never earlier than now
    long at = Math.max(nextFreeNanos, nowNanos);
    nextFreeNanos = at + intervalNanos;
    return at - nowNanos;
  }

  Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }
}
