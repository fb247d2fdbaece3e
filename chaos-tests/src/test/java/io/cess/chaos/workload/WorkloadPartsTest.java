package io.cess.chaos.workload;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.Test;

public class WorkloadPartsTest {

  @Test
  public void contentIsTheSameHoweverItIsRead() throws Exception {
    ObjectContent c = new ObjectContent(123, 200_003);
    byte[] whole = c.stream().readAllBytes();
    assertEquals(200_003, whole.length);
    byte[] odd = new byte[whole.length];
    try (InputStream in = c.stream()) {
      int pos = 0;
      for (int step = 1; pos < odd.length; step = step * 3 % 70_001 + 1) {
        int n = in.read(odd, pos, Math.min(step, odd.length - pos));
        pos += n;
      }
      assertEquals(-1, in.read());
    }
    assertArrayEquals(whole, odd);
    assertEquals(Sha256.hex(whole), c.sha256());
    assertNotEquals(c.sha256(), new ObjectContent(124, 200_003).sha256());
    assertEquals(Sha256.hex(new byte[0]), new ObjectContent(1, 0).sha256());
  }

  @Test
  public void rateLimiterSpacesPermitsAndDoesNotSaveUpABurst() {
    RateLimiter limiter = new RateLimiter(10);
    long now = 1_000_000_000L;
    long first = limiter.reserve(now);
    assertTrue(first >= 0);
    long base = now + first;
    assertEquals(base + 100_000_000L - now, limiter.reserve(now));
    assertEquals(base + 200_000_000L - now, limiter.reserve(now));
    // after a long pause the next permit is due at once, the one after a full interval later
    long later = base + 10_000_000_000L;
    assertEquals(0, limiter.reserve(later));
    assertEquals(100_000_000L, limiter.reserve(later));
  }

  @Test
  public void acknowledgedKeysAreDeletedAtMostOnce() {
    Workload.AcknowledgedKeys keys = new Workload.AcknowledgedKeys();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 50; i++) {
      keys.add(new Workload.AcknowledgedKeys.Key("b", "k" + i, "s" + i, i));
    }
    java.util.Set<String> deleted = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      assertTrue(deleted.add(keys.claimForDelete(random).key()));
    }
    assertNull(keys.claimForDelete(random));
    assertNull(keys.pickForRead(random));
  }

  @Test
  public void operationLogCountsAndStopsAtItsCapacity() {
    OperationLog log = new OperationLog(3);
    Instant t = Instant.now();
    assertTrue(log.record(new Operation(log.nextId(), OpKind.PUT, 1, "b", "k", t, t, "s", 1, 201, null, true, "f", "s")));
    assertTrue(log.record(new Operation(log.nextId(), OpKind.GET, 1, "b", "k", t, t, "s", 1, 200, null, true, null, "x")));
    assertTrue(log.record(new Operation(log.nextId(), OpKind.DELETE, 2, "b", "k", t, t, "s", 1, Operation.NO_RESPONSE,
        "timed out", false, null, null)));
    assertFalse(log.record(new Operation(log.nextId(), OpKind.PUT, 1, "b", "j", t, t, "s", 1, 201, null, true, "f", "s")));
    assertTrue(log.full());
    OperationLog.Counters c = log.counters();
    assertEquals(3, c.operations());
    assertEquals(1, c.perKind().get("DELETE").failed());
    assertEquals(1, c.contentMismatches());
    assertEquals("PUT 1/1, GET 1/1, DELETE 0/1, content mismatches 1", c.toString());
  }

  @Test
  public void settingsNameTheBadField() {
    WorkloadSettings ok = WorkloadSettings.defaults("chaos-bucket", 1);
    try {
      ok.withWorkers(0);
      throw new AssertionError("accepted 0 workers");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().startsWith("workers must be in [1, 64]"));
    }
    try {
      ok.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5));
      throw new AssertionError("accepted a drain shorter than an operation");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().startsWith("drainTimeout"));
    }
  }
}
