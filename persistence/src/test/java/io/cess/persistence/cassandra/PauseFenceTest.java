package io.cess.persistence.cassandra;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.session.throttling.Throttled;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class PauseFenceTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final List<Duration> trips = new ArrayList<>();
  private final PauseFence fence = new PauseFence(Duration.ofSeconds(3), clock::get, trips::add);

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  public void regularTicksKeepTheFenceOpen() {
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofMillis(300));
      fence.tick();
      assertTrue(fence.check().isEmpty());
    }
    assertFalse(fence.tripped());
    assertTrue(trips.isEmpty());
  }

  @Test
  public void aRequestBeforeTheTickerWokeIsRefused() {
    fence.tick();
    advance(Duration.ofSeconds(20));
    // the ticker has not run since the freeze: the request itself sees the gap
    var refusal = fence.check();
    assertTrue(refusal.isPresent());
    assertTrue(refusal.get(), refusal.get().contains("frozen for 20000 ms"));
    assertEquals(List.of(Duration.ofSeconds(20)), trips);
  }

  @Test
  public void aTrippedFenceStaysShutAndTripsOnce() {
    advance(Duration.ofSeconds(5));
    fence.tick();
    assertTrue(fence.tripped());
    advance(Duration.ofMillis(100));
    fence.tick();
    assertTrue(fence.check().isPresent());
    advance(Duration.ofSeconds(10));
    assertTrue(fence.check().isPresent());
    assertEquals(List.of(Duration.ofSeconds(5)), trips);
  }

  @Test
  public void aGapJustUnderTheLimitIsTolerated() {
    advance(Duration.ofMillis(2999));
    assertTrue(fence.check().isEmpty());
    fence.tick();
    assertFalse(fence.tripped());
  }

  @Test(expected = IllegalArgumentException.class)
  public void theLimitMustBePositive() {
    new PauseFence(Duration.ZERO, clock::get, trips::add);
  }

  @Test
  public void theThrottlerLetsRequestsThroughWithoutAFence() {
    Recorded request = new Recorded();
    new FencedRequestThrottler(null).register(request);
    assertTrue(request.ready);
  }

  @Test
  public void theThrottlerFailsRequestsOnceTheFenceTripped() {
    PauseFence.register(fence);
    try {
      Recorded before = new Recorded();
      new FencedRequestThrottler(null).register(before);
      assertTrue(before.ready);

      advance(Duration.ofSeconds(30));
      Recorded after = new Recorded();
      new FencedRequestThrottler(null).register(after);
      assertFalse(after.ready);
      assertTrue(after.failure.getMessage(), after.failure.getMessage().contains("cess.node.pause-fence"));
    } finally {
      fence.close();
    }
  }

  private static final class Recorded implements Throttled {
    boolean ready;
    RequestThrottlingException failure;

    @Override
    public void onThrottleReady(boolean wasDelayed) {
      ready = true;
    }

    @Override
    public void onThrottleFailure(RequestThrottlingException error) {
      failure = error;
    }
  }
}
