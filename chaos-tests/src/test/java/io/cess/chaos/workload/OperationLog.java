package io.cess.chaos.workload;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every operation of a scenario, in the order they finished. Thread-safe; bounded by a capacity
 * (a run that would exceed it stops its workload instead of growing without limit).
 */
public final class OperationLog {

  private final int capacity;
  private final List<Operation> operations = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  public OperationLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  public long nextId() {
    return ids.incrementAndGet();
  }

  /** Records a finished operation; false (and nothing recorded) when the log is full. */
  public synchronized boolean record(Operation op) {
    if (operations.size() >= capacity) {
      return false;
    }
    operations.add(op);
    return true;
  }

  public synchronized boolean full() {
    return operations.size() >= capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** A copy: callers iterate while the workload goes on. */
  public synchronized List<Operation> operations() {
    return List.copyOf(operations);
  }

  public synchronized int size() {
    return operations.size();
  }

  /** Attempted, acknowledged and failed operations per kind. */
  public synchronized Counters counters() {
    Map<OpKind, long[]> perKind = new EnumMap<>(OpKind.class);
    long mismatches = 0;
    for (Operation op : operations) {
      long[] c = perKind.computeIfAbsent(op.kind(), k -> new long[2]);
      c[0]++;
      if (op.acknowledged()) {
        c[1]++;
      }
      if (op.contentMismatch()) {
        mismatches++;
      }
    }
    Map<String, Counters.Count> out = new java.util.LinkedHashMap<>();
    for (OpKind kind : OpKind.values()) {
      long[] c = perKind.getOrDefault(kind, new long[2]);
      out.put(kind.name(), new Counters.Count(c[0], c[1], c[0] - c[1]));
    }
    return new Counters(operations.size(), out, mismatches);
  }

  /**
   * @param perKind attempted, acknowledged and failed (not acknowledged) per kind
   * @param contentMismatches downloads that were served with other bytes than acknowledged
   */
  public record Counters(long operations, Map<String, Count> perKind, long contentMismatches) {
    public record Count(long attempted, long acknowledged, long failed) {}

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      perKind.forEach((k, c) -> b.append(b.length() == 0 ? "" : ", ")
          .append(k).append(' ').append(c.acknowledged()).append('/').append(c.attempted()));
      return b + (contentMismatches > 0 ? ", content mismatches " + contentMismatches : "");
    }
  }
}
