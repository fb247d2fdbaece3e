package io.cess.core.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Remembers the signatures of accepted requests for as long as their date keeps them acceptable, so
 * that a captured signed request cannot be sent again. A request dated {@code d} passes the clock
 * check until {@code d + window}, so its signature is kept until then; {@code window} should be the
 * one given to {@link RequestSignature#verify}.
 *
 * <p>Memory is bounded by {@code maxEntries}: when full, the entry with the oldest request date is
 * dropped, which reopens that one request to replay until it expires, so {@link
 * #evictedBeforeExpiry()} counts these drops and {@code maxEntries} should exceed the peak request
 * rate times twice the window. One instance per node; thread-safe; each call costs O(log n).
 */
public final class ReplayCache {
  private record Entry(Instant requestDate, String signature) {}

  private static final Comparator<Entry> OLDEST_FIRST =
      Comparator.comparing(Entry::requestDate).thenComparing(Entry::signature);

  private final Duration window;
  private final int maxEntries;
  private final Clock clock;
  private final Map<String, Instant> dateBySignature = new HashMap<>();
  private final TreeSet<Entry> byDate = new TreeSet<>(OLDEST_FIRST);
  private long evictedBeforeExpiry;

  public ReplayCache(Duration window, int maxEntries, Clock clock) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("replay window must be positive, was " + window);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "replay cache maxEntries must be at least 1, was " + maxEntries);
    }
    this.window = window;
    this.maxEntries = maxEntries;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * True the first time a signature is seen, false for a repeat while it is remembered. A request
   * date outside {@code now ± window} also answers false: such a request is not acceptable, and its
   * signature could not be remembered for long enough anyway.
   */
  public synchronized boolean firstUse(String signature, Instant requestDate) {
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(requestDate, "requestDate");
    Instant now = clock.instant();
    Instant oldestKept = now.minus(window);
    evictOlderThan(oldestKept);
    if (requestDate.isBefore(oldestKept) || requestDate.isAfter(now.plus(window))) {
      return false;
    }
    if (dateBySignature.containsKey(signature)) {
      return false;
    }
    while (dateBySignature.size() >= maxEntries) {
      Entry oldest = byDate.pollFirst();
      dateBySignature.remove(oldest.signature());
      evictedBeforeExpiry++;
    }
    dateBySignature.put(signature, requestDate);
    byDate.add(new Entry(requestDate, signature));
    return true;
  }

  /** Forgets {@code signature}: its use did not count (it could not be recorded cluster-wide). */
  public synchronized void forget(String signature) {
    Instant date = dateBySignature.remove(signature);
    if (date != null) {
      byDate.remove(new Entry(date, signature));
    }
  }

  /** Signatures currently remembered (expired ones are dropped first). */
  public synchronized int size() {
    evictOlderThan(clock.instant().minus(window));
    return dateBySignature.size();
  }

  /** How many signatures were dropped to make room while still replayable; should stay 0. */
  public synchronized long evictedBeforeExpiry() {
    return evictedBeforeExpiry;
  }

  private void evictOlderThan(Instant oldestKept) {
    while (!byDate.isEmpty() && byDate.first().requestDate().isBefore(oldestKept)) {
      dateBySignature.remove(byDate.pollFirst().signature());
    }
  }
}
