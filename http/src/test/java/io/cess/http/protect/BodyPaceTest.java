package io.cess.http.protect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Optional;
import org.junit.Test;

/** The pace arithmetic against a hand-driven clock: no sleeps, no timing. */
public class BodyPaceTest {

  private static final long SECOND = 1_000_000_000L;

  /** Idle 10 s; at least 100 bytes/s over 30 s of waiting. */
  private final BodyPace.Meter meter = new BodyPace.Meter(new BodyPace.Settings(Duration.ofSeconds(10), 100, Duration.ofSeconds(30)));
  private long now = 1000 * SECOND;

  @Test
  public void aBodyThatSendsNothingWhileAskedIsCutAtTheIdleTimeout() {
    meter.awaiting(now);
    now += 9 * SECOND;
    assertEquals(Optional.empty(), meter.check(now));
    now += SECOND;
    assertTrue(meter.check(now).orElseThrow().contains("body-idle-timeout"));
  }

  @Test
  public void timeTheGatewayHoldsTheBodyBackIsNotTheClientsFault() {
    meter.awaiting(now);
    now += SECOND;
    meter.received(65536, now);
    // the gateway does not ask for more for a minute (a slow placement)
    now += 60 * SECOND;
    assertEquals(Optional.empty(), meter.check(now));
    meter.awaiting(now);
    now += 5 * SECOND;
    assertEquals(Optional.empty(), meter.check(now));
  }

  @Test
  public void aTricklingBodyIsCutOnceAWindowOfWaitingBroughtTooFewBytes() {
    Optional<String> verdict = Optional.empty();
    int seconds = 0;
    while (verdict.isEmpty() && seconds < 120) {
      meter.awaiting(now);
      now += SECOND;
      meter.received(10, now); // a byte now and then: never idle for 10 s
      verdict = meter.check(now);
      seconds++;
    }
    assertEquals("cut after one window of waiting", 30, seconds);
    assertTrue(verdict.orElseThrow(), verdict.get().contains("body-min-rate"));
  }

  @Test
  public void aBodyAtThePaceIsNeverCut() {
    for (int second = 0; second < 600; second++) {
      meter.awaiting(now);
      now += SECOND;
      meter.received(100, now);
      assertEquals(Optional.empty(), meter.check(now));
    }
  }

  @Test
  public void zeroMinimumRateLeavesOnlyTheIdleTimeout() {
    BodyPace.Meter idleOnly = new BodyPace.Meter(new BodyPace.Settings(Duration.ofSeconds(10), 0, Duration.ofSeconds(30)));
    for (int second = 0; second < 600; second++) {
      idleOnly.awaiting(now);
      now += 5 * SECOND;
      idleOnly.received(1, now);
      assertEquals(Optional.empty(), idleOnly.check(now));
    }
  }

  @Test
  public void shippedSettingsAreValidAndAWindowShorterThanTheIdleTimeoutIsRefused() {
    BodyPace.Settings shipped = BodyPace.Settings.fromConfig(ConfigFactory.load());
    assertTrue(shipped.idleTimeout().compareTo(shipped.rateWindow()) <= 0);
    try {
      BodyPace.Settings.fromConfig(ConfigFactory.parseString("cess.http.body-min-rate.window = 1s").withFallback(ConfigFactory.load()));
      throw new AssertionError("a window shorter than the idle timeout was accepted");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().contains("cess.http.body-min-rate.window"));
    }
  }
}
