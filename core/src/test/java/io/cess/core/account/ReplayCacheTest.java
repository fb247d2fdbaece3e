package io.cess.core.account;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.Test;

public class ReplayCacheTest {
  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(15);

  private final SettableClock clock = new SettableClock(T0);

  @Test
  public void aRepeatIsRefused() {
    ReplayCache cache = new ReplayCache(WINDOW, 100, clock);
    assertTrue(cache.firstUse("sig-a", T0));
    assertFalse(cache.firstUse("sig-a", T0));
    assertTrue(cache.firstUse("sig-b", T0));
    clock.advance(Duration.ofMinutes(14));
    assertFalse(cache.firstUse("sig-a", T0));
    assertEquals(2, cache.size());
  }

  @Test
  public void aForgottenSignatureIsAFirstUseAgain() {
    ReplayCache cache = new ReplayCache(WINDOW, 10, clock);
    assertTrue(cache.firstUse("sig", T0));
    cache.forget("sig");
    assertEquals(0, cache.size());
    assertTrue(cache.firstUse("sig", T0));
    assertFalse(cache.firstUse("sig", T0));
    cache.forget("never-seen");
    assertEquals(1, cache.size());
  }

  @Test
  public void aSignatureIsRememberedUntilItsDateLeavesTheWindow() {
    ReplayCache cache = new ReplayCache(WINDOW, 100, clock);
    Instant future = T0.plus(Duration.ofMinutes(10));
    assertTrue(cache.firstUse("early", T0));
    assertTrue(cache.firstUse("late", future));

    clock.set(T0.plus(WINDOW));
    assertFalse("still acceptable at exactly date + window", cache.firstUse("early", T0));
    clock.set(T0.plus(WINDOW).plusSeconds(1));
    assertEquals("early is forgotten, late is not", 1, cache.size());
    assertFalse(cache.firstUse("late", future));
    clock.set(future.plus(WINDOW).plusSeconds(1));
    assertTrue(cache.firstUse("fresh", clock.instant()));
    assertEquals(1, cache.size());
  }

  @Test
  public void datesOutsideTheWindowAreNeverAFirstUse() {
    ReplayCache cache = new ReplayCache(WINDOW, 100, clock);
    assertFalse(cache.firstUse("old", T0.minus(WINDOW).minusSeconds(1)));
    assertFalse(cache.firstUse("future", T0.plus(WINDOW).plusSeconds(1)));
    assertEquals(0, cache.size());
    assertTrue(cache.firstUse("edge-old", T0.minus(WINDOW)));
    assertTrue(cache.firstUse("edge-future", T0.plus(WINDOW)));
  }

  @Test
  public void whenFullTheOldestByRequestDateIsEvicted() {
    ReplayCache cache = new ReplayCache(WINDOW, 3, clock);
    assertTrue(cache.firstUse("b", T0.minusSeconds(20)));
    assertTrue(cache.firstUse("a", T0.minusSeconds(30)));
    assertTrue(cache.firstUse("c", T0.minusSeconds(10)));
    assertEquals(0, cache.evictedBeforeExpiry());

    assertTrue(cache.firstUse("d", T0));
    assertEquals(3, cache.size());
    assertEquals(1, cache.evictedBeforeExpiry());
    assertFalse(cache.firstUse("b", T0.minusSeconds(20)));
    assertFalse(cache.firstUse("c", T0.minusSeconds(10)));
    assertFalse(cache.firstUse("d", T0));
    // "a" had the oldest date, so it went (and, being evicted, is accepted again: the cost of a
    // bound).
    assertTrue(cache.firstUse("a", T0.minusSeconds(30)));
    assertEquals(2, cache.evictedBeforeExpiry());
    assertFalse(cache.firstUse("c", T0.minusSeconds(10)));
    assertFalse(cache.firstUse("d", T0));
    assertTrue("b, now the oldest, was evicted for a", cache.firstUse("b", T0.minusSeconds(20)));
  }

  @Test
  public void expiredEntriesMakeRoomBeforeAnyEviction() {
    ReplayCache cache = new ReplayCache(WINDOW, 2, clock);
    assertTrue(cache.firstUse("a", T0));
    assertTrue(cache.firstUse("b", T0));
    clock.advance(WINDOW.plusSeconds(1));
    assertTrue(cache.firstUse("c", clock.instant()));
    assertTrue(cache.firstUse("d", clock.instant()));
    assertEquals(0, cache.evictedBeforeExpiry());
  }

  @Test
  public void invalidSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayCache(Duration.ZERO, 1, clock));
    assertThrows(IllegalArgumentException.class, () -> new ReplayCache(WINDOW, 0, clock));
  }

  @Test
  public void twoThreadsRacingOnTheSameSignaturesAcceptEachExactlyOnce() throws Exception {
    int signatures = 20_000;
    ReplayCache cache = new ReplayCache(WINDOW, signatures, clock);
    AtomicIntegerArray accepted = new AtomicIntegerArray(signatures);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        workers.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < signatures; i++) {
                    if (cache.firstUse("sig-" + i, T0.minusMillis(i % 1000))) {
                      accepted.incrementAndGet(i);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < signatures; i++) {
      assertEquals("sig-" + i, 1, accepted.get(i));
    }
    assertEquals(signatures, cache.size());
    assertEquals(0, cache.evictedBeforeExpiry());
  }

  /** A clock the test moves by hand; reads and writes are volatile so worker threads see them. */
  private static final class SettableClock extends Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
