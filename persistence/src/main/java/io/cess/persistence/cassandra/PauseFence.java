package io.cess.persistence.cassandra;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps a JVM that was frozen (SIGSTOP, a stalled VM, a pathological GC pause) from writing to
 * Cassandra when it wakes.
 *
 * <p>While a node is frozen the others may down it and start its entities elsewhere; when it
 * wakes, its own entities would go on persisting the commands queued before they learn they were
 * downed, and the journal (which does not fence writers) would have two writers of one
 * persistence id. A ticker thread records the time every {@code limit / 10}. A gap longer than
 * {@code limit} trips the fence for good: {@link FencedRequestThrottler} refuses every Cassandra
 * request from then on and {@code onTrip} takes the node out. A request checks the time since the
 * last tick itself, so a request that runs before the ticker noticed the gap is refused too.
 *
 * <p>The limit must stay below the Split Brain Resolver's stable-after: the others cannot down the
 * frozen node sooner than that after it stopped answering. One fence per JVM ({@link #install}),
 * because the driver creates its throttler by reflection and the freeze is the whole process's.
 */
public final class PauseFence implements AutoCloseable {

  private static final AtomicReference<PauseFence> INSTALLED = new AtomicReference<>();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PauseFence.class);

  private final long limitNanos;
  private final LongSupplier nanoClock;
  private final Consumer<Duration> onTrip;
  private volatile long lastTickNanos;
  private volatile Duration trippedBy;
  private volatile Thread ticker;

  PauseFence(Duration limit, LongSupplier nanoClock, Consumer<Duration> onTrip) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("the pause fence must be positive, was " + limit);
    }
    this.limitNanos = limit.toNanos();
    this.nanoClock = nanoClock;
    this.onTrip = onTrip;
    this.lastTickNanos = nanoClock.getAsLong();
  }

  /**
   * Starts this JVM's fence. {@code onTrip} runs once, with the length of the freeze, on the thread
   * that noticed it.
   */
  public static PauseFence install(Duration limit, Consumer<Duration> onTrip) {
    PauseFence fence = new PauseFence(limit, System::nanoTime, onTrip);
    register(fence);
    long tickMillis = Math.max(10, limit.toMillis() / 10);
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted() && !fence.tripped()) {
        fence.tick();
        try {
          Thread.sleep(tickMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "cess-pause-fence");
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    fence.ticker = t;
    t.start();
    return fence;
  }

  /** Makes {@code fence} the one {@link #refusal()} consults (its ticks are the caller's). */
  static void register(PauseFence fence) {
    if (!INSTALLED.compareAndSet(null, fence)) {
      throw new IllegalStateException("a pause fence is already installed in this JVM");
    }
  }

  /** Why this JVM must not talk to Cassandra now; empty when no fence is installed or it holds. */
  public static Optional<String> refusal() {
    PauseFence fence = INSTALLED.get();
    return fence == null ? Optional.empty() : fence.check();
  }

  /** Records that the JVM ran now; trips the fence when the previous tick is too long ago. */
  void tick() {
    long now = nanoClock.getAsLong();
    long gap = now - lastTickNanos;
    if (gap > limitNanos) {
      trip(Duration.ofNanos(gap));
    } else {
      if (gap > limitNanos / 2) {
        LOG.warn("this JVM did not run for {} ms; the pause fence shuts it down after {} ms",
            Duration.ofNanos(gap).toMillis(), Duration.ofNanos(limitNanos).toMillis());
      }
      lastTickNanos = now;
    }
  }

  Optional<String> check() {
    long gap = nanoClock.getAsLong() - lastTickNanos;
    if (trippedBy == null && gap > limitNanos) {
      trip(Duration.ofNanos(gap));
    }
    Duration frozen = trippedBy;
    return frozen == null ? Optional.empty()
        : Optional.of("this node was frozen for " + frozen.toMillis() + " ms, longer than cess.node.pause-fence ("
            + Duration.ofNanos(limitNanos).toMillis() + " ms): it may have been downed and replaced, so it no longer writes");
  }

  private void trip(Duration gap) {
    boolean first;
    synchronized (this) {
      first = trippedBy == null;
      if (first) {
        trippedBy = gap;
      }
    }
    if (first) {
      onTrip.accept(gap);
    }
  }

  public boolean tripped() {
    return trippedBy != null;
  }

  @Override
  public void close() {
    Thread t = ticker;
    if (t != null) {
      t.interrupt();
    }
    INSTALLED.compareAndSet(this, null);
  }
}
