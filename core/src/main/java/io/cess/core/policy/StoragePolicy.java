package io.cess.core.policy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a bucket's segments are made redundant: {@code ec:K+M} (Reed-Solomon, any K of K+M shards
 * rebuild a segment) or {@code replicas:N} (N identical copies, any one suffices). Either way a
 * segment becomes {@link #shardCount()} shards on distinct miners, and {@link #readShards()} of
 * them are needed to read it back.
 */
public record StoragePolicy(Kind kind, int dataShards, int parityShards) {

  public enum Kind {
    EC,
    REPLICAS
  }

  public static final StoragePolicy DEFAULT = new StoragePolicy(Kind.EC, 4, 2);

  private static final Pattern EC = Pattern.compile("ec:(\\d{1,3})\\+(\\d{1,3})");
  private static final Pattern REPLICAS = Pattern.compile("replicas:(\\d{1,2})");

  public StoragePolicy {
    if (kind == Kind.EC && (dataShards < 1 || parityShards < 0 || dataShards + parityShards > 32)) {
      throw new IllegalArgumentException("ec:K+M needs K >= 1, M >= 0 and K+M <= 32, got ec:" + dataShards + "+" + parityShards);
    }
    if (kind == Kind.REPLICAS && (dataShards != 1 || parityShards < 0 || parityShards > 15)) {
      throw new IllegalArgumentException("replicas:N needs 1 <= N <= 16");
    }
  }

  /** Parses {@code ec:4+2} or {@code replicas:3}; the message names the accepted forms. */
  public static StoragePolicy parse(String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = EC.matcher(t);
    if (m.matches()) {
      return new StoragePolicy(Kind.EC, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }
    m = REPLICAS.matcher(t);
    if (m.matches()) {
      return replicas(Integer.parseInt(m.group(1)));
    }
    throw new IllegalArgumentException("storage policy must be ec:K+M (e.g. ec:4+2) or replicas:N (e.g. replicas:3), got '" + t + "'");
  }

  public static StoragePolicy replicas(int copies) {
    if (copies < 1) {
      throw new IllegalArgumentException("replicas:N needs N >= 1");
    }
    return new StoragePolicy(Kind.REPLICAS, 1, copies - 1);
  }

  public int shardCount() {
    return dataShards + parityShards;
  }

  /** Parity added by {@link #withExtraRedundancy()} to an erasure-coded policy. */
  public static final int EXTRA_PARITY_SHARDS = 2;

  /**
   * The whitepaper's "push" (store with extra backup): {@code ec:K+M} becomes {@code
   * ec:K+(M+2)}, {@code replicas:N} becomes {@code replicas:N+1}.
   *
   * @throws IllegalArgumentException when the stronger policy exceeds the limits of its kind
   */
  public StoragePolicy withExtraRedundancy() {
    return kind == Kind.EC
        ? new StoragePolicy(Kind.EC, dataShards, parityShards + EXTRA_PARITY_SHARDS)
        : replicas(shardCount() + 1);
  }

  /** Whether this policy survives at least as many lost shards as {@code other}. */
  public boolean toleratesAtLeast(StoragePolicy other) {
    return tolerableLosses() >= other.tolerableLosses();
  }

  /** Shards that must be fetched to rebuild a segment. */
  public int readShards() {
    return dataShards;
  }

  /** Shards that may be lost without losing the segment. */
  public int tolerableLosses() {
    return parityShards;
  }

  @Override
  public String toString() {
    return kind == Kind.EC ? "ec:" + dataShards + "+" + parityShards : "replicas:" + shardCount();
  }
}
