package io.cess.chaos.invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a check over many items with a fixed number of threads that pull the next item
 * themselves: no task queue, however many items there are.
 */
final class Parallel {

  interface Check<T, R> {
    R apply(T item) throws InterruptedException;
  }

  private Parallel() {}

  /** The results in the order of {@code items}. */
  static <T, R> List<R> map(List<T> items, int threads, String threadName, Check<T, R> check)
      throws InterruptedException {
    List<R> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      results.add(null);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger names = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName + "-" + names.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        loops.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < items.size(); ) {
            R r = check.apply(items.get(i));
            synchronized (results) {
              results.set(i, r);
            }
          }
          return null;
        }));
      }
      for (Future<?> loop : loops) {
        try {
          loop.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException(threadName + " failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    synchronized (results) {
      return new ArrayList<>(results);
    }
  }
}
