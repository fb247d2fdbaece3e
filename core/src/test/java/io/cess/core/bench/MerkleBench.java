package io.cess.core.bench;

import io.cess.core.merkle.MerkleTree;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Merkle tree over a 4 MiB shard in 4 KiB blocks (1024 leaves) against one plain SHA-256 of
 * the same 4 MiB (baseline). One operation is one 4 MiB shard: MB/s = ops/s × 4.194304.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class MerkleBench {
  private byte[] shard;

  @Setup
  public void setup() {
    shard = new byte[4 << 20];
    new Random(1).nextBytes(shard);
  }

  @Benchmark
  public byte[] baselineJdkDigest() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(shard);
  }

  @Benchmark
  public byte[] merkleTreeOfBlocks() {
    return MerkleTree.ofBlocks(shard, MerkleTree.DEFAULT_BLOCK_SIZE_BYTES).root();
  }
}
