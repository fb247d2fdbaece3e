package io.cess.core.bench;

import io.cess.core.erasure.GaloisField;
import io.cess.core.erasure.ReedSolomon;
import io.cess.core.erasure.ShardLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reed-Solomon 4+2 over one 16 MiB segment (four 4 MiB data shards). Every benchmark counts one
 * operation per byte of segment data, so a score is bytes of segment data per second.
 *
 * <ul>
 *   <li>{@code baselineArrayCopy}: {@code System.arraycopy} of the same 16 MiB of data shards into
 *       parity-sized buffers, the memory-bandwidth floor of anything that reads the data once.
 *   <li>{@code tableDrivenEncode}: the classic byte-at-a-time loop (one multiplication-table row
 *       per coefficient, 16 KiB chunks), which is what {@link ReedSolomon} had to beat.
 *   <li>{@code encode}: {@link ReedSolomon#encodeParity}, the two parity shards.
 *   <li>{@code decodeTwoDataShardsMissing}: {@link ReedSolomon#reconstruct} of data shards 0 and 1
 *       from shards 2, 3, 4 and 5 (decode matrix cached after the first call).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ReedSolomonBench {
  private static final int DATA_SHARDS = 4;
  private static final int PARITY_SHARDS = 2;
  private static final int SEGMENT_BYTES = 16 << 20;
  private static final int TABLE_CHUNK_BYTES = 16 * 1024;

  private ReedSolomon codec;
  private byte[][] shards;
  private int shardBytes;
  private boolean[] twoDataShardsMissing;
  private byte[][] copyTargets;
  private byte[][][] parityTableRows;

  @Setup
  public void setup() {
    codec = new ReedSolomon(DATA_SHARDS, PARITY_SHARDS);
    byte[] segment = new byte[SEGMENT_BYTES];
    new Random(1).nextBytes(segment);
    shards = ShardLayout.split(segment, DATA_SHARDS, PARITY_SHARDS);
    shardBytes = shards[0].length;
    codec.encodeParity(shards, 0, shardBytes);
    twoDataShardsMissing = new boolean[] {false, false, true, true, true, true};
    copyTargets = new byte[PARITY_SHARDS][shardBytes];
    byte[][] rows = codec.parityRows();
    parityTableRows = new byte[PARITY_SHARDS][DATA_SHARDS][256];
    for (int r = 0; r < PARITY_SHARDS; r++) {
      for (int c = 0; c < DATA_SHARDS; c++) {
        for (int x = 0; x < 256; x++) {
          parityTableRows[r][c][x] = (byte) GaloisField.multiply(rows[r][c] & 0xff, x);
        }
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(SEGMENT_BYTES)
  public byte[][] baselineArrayCopy() {
    for (int c = 0; c < DATA_SHARDS; c++) {
      System.arraycopy(shards[c], 0, copyTargets[c % PARITY_SHARDS], 0, shardBytes);
    }
    return copyTargets;
  }

  @Benchmark
  @OperationsPerInvocation(SEGMENT_BYTES)
  public byte[][] tableDrivenEncode() {
    for (int start = 0; start < shardBytes; start += TABLE_CHUNK_BYTES) {
      int end = Math.min(shardBytes, start + TABLE_CHUNK_BYTES);
      for (int r = 0; r < PARITY_SHARDS; r++) {
        byte[] out = copyTargets[r];
        byte[] times = parityTableRows[r][0];
        byte[] in = shards[0];
        for (int i = start; i < end; i++) {
          out[i] = times[in[i] & 0xff];
        }
        for (int c = 1; c < DATA_SHARDS; c++) {
          times = parityTableRows[r][c];
          in = shards[c];
          for (int i = start; i < end; i++) {
            out[i] ^= times[in[i] & 0xff];
          }
        }
      }
    }
    return copyTargets;
  }

  @Benchmark
  @OperationsPerInvocation(SEGMENT_BYTES)
  public byte[][] encode() {
    codec.encodeParity(shards, 0, shardBytes);
    return shards;
  }

  @Benchmark
  @OperationsPerInvocation(SEGMENT_BYTES)
  public byte[][] decodeTwoDataShardsMissing() {
    codec.reconstruct(shards, twoDataShardsMissing, 0, shardBytes);
    return shards;
  }
}
