package io.cess.chaos.invariants;

import io.cess.chaos.workload.OpKind;
import io.cess.chaos.workload.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What each key may hold after a scenario, derived from the operations on it. The last
 * acknowledged write wins; a write that was not acknowledged (an error, a timeout) may still
 * have taken effect, at any time after it started, so its outcome stays possible.
 *
 * <p>Formally, the allowed final outcomes of a key are the effects of: every acknowledged write
 * that no other acknowledged write started after the end of (it may be the last), every write
 * that was not acknowledged, and "absent" when no write was acknowledged (the initial state).
 * With the workload's discipline (one upload per key, deletes only after an acknowledged upload)
 * this leaves one outcome for every key whose writes were all acknowledged.
 */
public final class ExpectedState {

  /** The absent outcome in {@link Expectation#allowed}. */
  public static final String ABSENT = "absent";

  /**
   * @param allowed the outcomes a final read may show: {@link #ABSENT} or a content SHA-256
   * @param acknowledgedWrites how many writes on the key were acknowledged
   */
  public record Expectation(String bucket, String key, Set<String> allowed, int acknowledgedWrites,
      boolean lastAcknowledgedIsDelete) {

    /** One outcome only: the key is judged strictly. */
    public boolean determined() {
      return allowed.size() == 1;
    }

    public boolean mustBePresent() {
      return determined() && !allowed.contains(ABSENT);
    }

    public boolean mustBeAbsent() {
      return determined() && allowed.contains(ABSENT);
    }

    public String objectKey() {
      return bucket + "/" + key;
    }
  }

  private ExpectedState() {}

  /** The expectation of every key that a write touched, by {@code bucket/key}. */
  public static Map<String, Expectation> of(List<Operation> operations) {
    Map<String, List<Operation>> writesPerKey = new TreeMap<>();
    for (Operation op : operations) {
      if (op.kind().writes()) {
        writesPerKey.computeIfAbsent(op.objectKey(), k -> new ArrayList<>()).add(op);
      }
    }
    Map<String, Expectation> out = new TreeMap<>();
    writesPerKey.forEach((objectKey, writes) -> out.put(objectKey, expectation(writes)));
    return out;
  }

  static Expectation expectation(List<Operation> writes) {
    List<Operation> acked = writes.stream().filter(Operation::acknowledged)
        .sorted(Comparator.comparing(Operation::started)).toList();
    Set<String> allowed = new LinkedHashSet<>();
    if (acked.isEmpty()) {
      allowed.add(ABSENT);
    } else {
      Instant lastStart = acked.get(acked.size() - 1).started();
      for (Operation w : acked) {
        // w can be the last write unless another acknowledged write began after w had ended
        if (!w.ended().isBefore(lastStart)) {
          allowed.add(effect(w));
        }
      }
    }
    for (Operation w : writes) {
      if (!w.acknowledged()) {
        allowed.add(effect(w));
      }
    }
    Operation first = writes.get(0);
    Operation last = acked.isEmpty() ? null : acked.stream().max(Comparator.comparing(Operation::ended)).get();
    return new Expectation(first.bucket(), first.key(), Set.copyOf(allowed), acked.size(),
        last != null && last.kind() == OpKind.DELETE);
  }

  private static String effect(Operation write) {
    return write.kind() == OpKind.DELETE ? ABSENT : write.contentSha256();
  }
}
