package io.cess.http.protect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Random;
import org.junit.Test;

/** Token-bucket arithmetic against a hand-driven clock: no sleeps, no timing. */
public class RateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  private long now = 42 * SECOND;

  private RateLimiter limiter(double rate, int burst, int tracked) {
    return new RateLimiter(new RateLimiter.Settings(rate, burst, tracked), () -> now);
  }

  @Test
  public void aFreshCallerMaySendItsBurstAtOnceThenIsToldWhenToRetry() {
    RateLimiter limiter = limiter(2, 5, 10);
    for (int i = 0; i < 5; i++) {
      assertEquals("request " + i + " of the burst", 0, limiter.acquire("a"));
    }
    // empty: one request refills in half a second, rounded up to whole seconds
    assertEquals(1, limiter.acquire("a"));
    assertEquals("a refused request takes nothing", 1, limiter.acquire("a"));
  }

  @Test
  public void theBucketRefillsAtTheConfiguredRateAndNeverBeyondTheBurst() {
    RateLimiter limiter = limiter(2, 5, 10);
    for (int i = 0; i < 5; i++) {
      limiter.acquire("a");
    }
    now += SECOND / 2;
    assertEquals(0, limiter.acquire("a"));
    assertEquals(1, limiter.acquire("a"));
    now += 3600 * SECOND;
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.acquire("a"));
    }
    assertEquals("an hour of quiet still allows only the burst", 1, limiter.acquire("a"));
  }

  @Test
  public void retryAfterCountsTheWholeSecondsUntilOneRequestIsBack() {
    RateLimiter limiter = limiter(0.1, 1, 10); // one request per 10 s
    assertEquals(0, limiter.acquire("a"));
    assertEquals(10, limiter.acquire("a"));
    now += 3 * SECOND + SECOND / 2;
    assertEquals(7, limiter.acquire("a"));
    now += 6 * SECOND + SECOND / 2;
    assertEquals(0, limiter.acquire("a"));
  }

  @Test
  public void callersHaveBudgetsOfTheirOwn() {
    RateLimiter limiter = limiter(1, 2, 10);
    limiter.acquire("a");
    limiter.acquire("a");
    assertEquals(1, limiter.acquire("a"));
    assertEquals(0, limiter.acquire("b"));
    assertEquals(0, limiter.acquire(RateLimiter.accountKey("a")));
  }

  @Test
  public void theLeastRecentlyUsedBucketIsDroppedBeyondTheTrackedLimit() {
    RateLimiter limiter = limiter(1, 1, 3);
    limiter.acquire("a");
    limiter.acquire("b");
    limiter.acquire("c");
    assertEquals(1, limiter.acquire("a")); // a is now the most recently used
    limiter.acquire("d"); // drops b
    assertEquals(3, limiter.trackedKeys());
    assertEquals("a kept its empty bucket", 1, limiter.acquire("a"));
    assertEquals("b starts full again", 0, limiter.acquire("b"));
  }

  @Test
  public void overAnyRunNoMoreThanBurstPlusRateTimesElapsedIsAdmitted() {
    Random random = new Random(7);
    for (int run = 0; run < 200; run++) {
      double rate = 0.5 + random.nextInt(50);
      int burst = 1 + random.nextInt(20);
      RateLimiter limiter = limiter(rate, burst, 10);
      long start = now;
      long admitted = 0;
      for (int i = 0; i < 500; i++) {
        now += (long) (random.nextDouble() * SECOND / rate);
        long retry = limiter.acquire("k");
        if (retry == 0) {
          admitted++;
        } else {
          assertTrue("Retry-After is at least a second", retry >= 1);
          assertTrue("Retry-After is at most the time to refill one request", retry <= Math.ceil(1 / rate));
        }
      }
      double elapsedSeconds = (now - start) / (double) SECOND;
      assertTrue("admitted " + admitted, admitted <= burst + rate * elapsedSeconds + 1e-6);
    }
  }

  @Test
  public void settingsAreReadFromTheShippedConfigurationAndValidated() {
    RateLimiter.Settings shipped = RateLimiter.Settings.fromConfig(ConfigFactory.load());
    assertTrue(shipped.requestsPerSecond() > 0 && shipped.burst() >= 1 && shipped.maxTrackedAccounts() >= 1);
    try {
      RateLimiter.Settings.fromConfig(ConfigFactory.parseString("cess.http.rate-limit.burst = 0").withFallback(ConfigFactory.load()));
      throw new AssertionError("a burst of 0 was accepted");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("cess.http.rate-limit.burst"));
    }
  }
}
