package io.cess.core.erasure;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A systematic Reed-Solomon erasure code over {@link GaloisField GF(2^8)}: k data shards are
 * stored as they are, m parity shards are computed from them, and any k of the k + m shards
 * rebuild all the others.
 *
 * <p>The (k + m) x k encoding matrix is the Vandermonde matrix V[r][c] = r^c multiplied by the
 * inverse of its top k rows, so that its top is the identity (the code is systematic). Any k rows
 * of a Vandermonde matrix over distinct points are invertible, and multiplying by an invertible
 * matrix keeps them so: that is why any k shards suffice. It is the matrix of the Backblaze and
 * klauspost libraries, so the parity bytes are interchangeable with theirs.
 *
 * <p>Every operation works on the same byte range {@code [offset, offset + byteCount)} of each
 * shard, byte by byte independently, so a range can be coded in pieces. Instances are immutable
 * apart from a small synchronized cache of decode matrices, and may be shared between threads.
 *
 * <p>Only erasures are corrected: a shard that is present but corrupt yields wrong output. Shards
 * are checked against their fingerprints before they are handed to {@link #reconstruct}.
 */
public final class ReedSolomon {
  /** k + m is at most this: the Vandermonde points must be distinct elements of GF(2^8). */
  public static final int MAX_TOTAL_SHARDS = 255;

  /** Decode matrices kept per erasure pattern; 4+2 has only 21 patterns with a shard missing. */
  static final int DECODE_CACHE_CAPACITY = 64;

  private final int dataShards;
  private final int parityShards;
  private final byte[][] encodingMatrix;
  private final byte[][] parityRows;
  private final Map<BitSet, DecodePlan> decodePlans =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BitSet, DecodePlan> eldest) {
          return size() > DECODE_CACHE_CAPACITY;
        }
      };

  /** The k inputs a decode reads, the shards it rebuilds, and one matrix row per rebuilt shard. */
  private record DecodePlan(int[] inputShards, int[] missingShards, byte[][] matrix) {}

  public ReedSolomon(int dataShards, int parityShards) {
    if (dataShards < 1) {
      throw new IllegalArgumentException("dataShards must be at least 1, got " + dataShards);
    }
    if (parityShards < 0) {
      throw new IllegalArgumentException("parityShards must not be negative, got " + parityShards);
    }
    if (dataShards + parityShards > MAX_TOTAL_SHARDS) {
      throw new IllegalArgumentException(
          "dataShards + parityShards must be at most " + MAX_TOTAL_SHARDS + ", got " + dataShards
              + " + " + parityShards);
    }
    this.dataShards = dataShards;
    this.parityShards = parityShards;
    int total = dataShards + parityShards;
    byte[][] vandermonde = new byte[total][dataShards];
    for (int r = 0; r < total; r++) {
      for (int c = 0; c < dataShards; c++) {
        vandermonde[r][c] = (byte) GaloisField.power(r, c);
      }
    }
    byte[][] top = Arrays.copyOf(vandermonde, dataShards);
    this.encodingMatrix = GaloisField.multiply(vandermonde, GaloisField.invert(top));
    this.parityRows = Arrays.copyOfRange(encodingMatrix, dataShards, total);
  }

  public int dataShards() {
    return dataShards;
  }

  public int parityShards() {
    return parityShards;
  }

  public int totalShards() {
    return dataShards + parityShards;
  }

  /** A copy of the m x k coefficients: parity shard r = sum over c of rows[r][c] * data shard c. */
  public byte[][] parityRows() {
    byte[][] copy = new byte[parityShards][];
    for (int r = 0; r < parityShards; r++) {
      copy[r] = parityRows[r].clone();
    }
    return copy;
  }

  /**
   * Computes the parity shards {@code shards[k..k+m)} from the data shards {@code shards[0..k)}
   * over the byte range {@code [offset, offset + byteCount)}; bytes outside it are not touched.
   */
  public void encodeParity(byte[][] shards, int offset, int byteCount) {
    checkRange(offset, byteCount);
    checkShardCount(shards);
    for (int i = 0; i < shards.length; i++) {
      checkShard(shards, i, offset, byteCount);
    }
    codeRows(
        parityRows,
        Arrays.copyOf(shards, dataShards),
        offset,
        Arrays.copyOfRange(shards, dataShards, shards.length),
        offset,
        byteCount);
  }

  /** True when the parity shards match the data shards over the byte range. */
  public boolean isParityCorrect(byte[][] shards, int offset, int byteCount) {
    checkRange(offset, byteCount);
    checkShardCount(shards);
    for (int i = 0; i < shards.length; i++) {
      checkShard(shards, i, offset, byteCount);
    }
    if (parityShards == 0 || byteCount == 0) {
      return true;
    }
    byte[][] data = Arrays.copyOf(shards, dataShards);
    int bufferBytes = Math.min(byteCount, VERIFY_BUFFER_BYTES);
    byte[][] expected = new byte[parityShards][bufferBytes];
    for (int done = 0; done < byteCount; done += bufferBytes) {
      int n = Math.min(bufferBytes, byteCount - done);
      codeRows(parityRows, data, offset + done, expected, 0, n);
      for (int r = 0; r < parityShards; r++) {
        int from = offset + done;
        if (!Arrays.equals(expected[r], 0, n, shards[dataShards + r], from, from + n)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Rebuilds, in place over the byte range, every shard i with {@code present[i] == false}, data
   * and parity alike, from k of the present ones. A missing shard may be null, in which case an
   * array of {@code offset + byteCount} bytes is allocated for it; {@code present} is not changed.
   *
   * @throws ErasureException when fewer than k shards are present; then no shard is touched
   */
  public void reconstruct(byte[][] shards, boolean[] present, int offset, int byteCount) {
    checkRange(offset, byteCount);
    checkShardCount(shards);
    if (present == null || present.length != totalShards()) {
      throw new IllegalArgumentException(
          "present must have one flag per shard (" + totalShards() + "), got "
              + (present == null ? "null" : present.length));
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < shards.length; i++) {
      if (present[i]) {
        checkShard(shards, i, offset, byteCount);
      } else {
        missing.add(i);
        if (shards[i] != null) {
          checkShard(shards, i, offset, byteCount);
        }
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    int presentCount = totalShards() - missing.size();
    if (presentCount < dataShards) {
      throw new ErasureException(
          "cannot rebuild a " + dataShards + "+" + parityShards + " segment from " + presentCount
              + " shards: at least " + dataShards + " are needed, shards " + missing
              + " are missing");
    }
    for (int i : missing) {
      if (shards[i] == null) {
        shards[i] = new byte[offset + byteCount];
      }
    }
    DecodePlan plan = decodePlan(present);
    byte[][] inputs = new byte[dataShards][];
    for (int c = 0; c < dataShards; c++) {
      inputs[c] = shards[plan.inputShards()[c]];
    }
    byte[][] outputs = new byte[plan.missingShards().length][];
    for (int r = 0; r < outputs.length; r++) {
      outputs[r] = shards[plan.missingShards()[r]];
    }
    codeRows(plan.matrix(), inputs, offset, outputs, offset, byteCount);
  }

  /** Number of cached decode matrices (for tests: the cache must stay bounded). */
  int cachedDecodePlans() {
    synchronized (decodePlans) {
      return decodePlans.size();
    }
  }

  @Override
  public String toString() {
    return "ReedSolomon(" + dataShards + "+" + parityShards + ")";
  }

  private DecodePlan decodePlan(boolean[] present) {
    BitSet pattern = new BitSet(totalShards());
    for (int i = 0; i < present.length; i++) {
      pattern.set(i, present[i]);
    }
    synchronized (decodePlans) {
      DecodePlan cached = decodePlans.get(pattern);
      if (cached != null) {
        return cached;
      }
    }
    // The first k present shards, data before parity, so that the matrix to invert is mostly
    // identity rows.
    int[] inputs = pattern.stream().limit(dataShards).toArray();
    int[] missing = missingOf(pattern);
    byte[][] inputRows = new byte[dataShards][];
    for (int c = 0; c < dataShards; c++) {
      inputRows[c] = encodingMatrix[inputs[c]];
    }
    // decoded data = inverse * inputs; a missing shard is its encoding row times the decoded data.
    byte[][] inverse = GaloisField.invert(inputRows);
    byte[][] missingRows = new byte[missing.length][];
    for (int r = 0; r < missing.length; r++) {
      missingRows[r] = encodingMatrix[missing[r]];
    }
    DecodePlan plan = new DecodePlan(inputs, missing, GaloisField.multiply(missingRows, inverse));
    synchronized (decodePlans) {
      decodePlans.put(pattern, plan);
    }
    return plan;
  }

  private int[] missingOf(BitSet presentPattern) {
    int[] missing = new int[totalShards() - presentPattern.cardinality()];
    int n = 0;
    for (int i = presentPattern.nextClearBit(0);
        i < totalShards();
        i = presentPattern.nextClearBit(i + 1)) {
      missing[n++] = i;
    }
    return missing;
  }

  private void checkShardCount(byte[][] shards) {
    if (shards == null || shards.length != totalShards()) {
      throw new IllegalArgumentException(
          "expected " + totalShards() + " shards (" + dataShards + " data + " + parityShards
              + " parity), got " + (shards == null ? "null" : shards.length));
    }
  }

  private static void checkRange(int offset, int byteCount) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    if (byteCount < 0) {
      throw new IllegalArgumentException("byteCount must not be negative, got " + byteCount);
    }
  }

  private static void checkShard(byte[][] shards, int index, int offset, int byteCount) {
    byte[] shard = shards[index];
    if (shard == null) {
      throw new IllegalArgumentException("shard " + index + " is null");
    }
    if ((long) offset + byteCount > shard.length) {
      throw new IllegalArgumentException(
          "shard " + index + " has " + shard.length + " bytes, the range starting at " + offset
              + " needs " + ((long) offset + byteCount));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The coding loop: outputs[r] = sum over c of matrix[r][c] * inputs[c], bytewise in GF(2^8).
  //
  // The classic loop looks every byte up in a 256-entry row of the multiplication table: about
  // 0.8-1 GB/s of segment data for 4+2 on this machine (ReedSolomonBench.tableDrivenEncode).
  // Here eight bytes travel together in a long instead: multiplying all eight by 2 is a handful
  // of shifts and masks (doubleWords), and c * x is the sum of x * 2^j over the bits j of c, so an
  // input costs one doubling per bit of its largest coefficient plus one XOR per set bit. Each
  // step is its own tiny loop over a long[] because C2 turns such loops into AVX vector code (a
  // table lookup never vectorizes) but gives up on loop bodies much bigger than one doubling: one
  // loop doing all eight doublings was slower than scalar code. The steps work on chunks of the
  // range in scratch arrays that stay in the L2 cache; 64 KiB chunks measured best (smaller ones
  // pay the per-loop set-up too often). Loading and storing the chunk through a VarHandle runs at
  // over 40 GB/s and is not the bottleneck. Bytes that do not fill a long at the end of the range
  // take the table-driven path.
  // ---------------------------------------------------------------------------------------------

  private static final VarHandle WORDS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long REDUCTION = GaloisField.GENERATING_POLYNOMIAL & 0xff;
  private static final int CHUNK_BYTES_MAX = 64 * 1024;
  private static final int CHUNK_BYTES_MIN = 4 * 1024;
  private static final int SCRATCH_BYTES = 256 * 1024;
  private static final int VERIFY_BUFFER_BYTES = 1 << 20;

  private static void codeRows(
      byte[][] matrix,
      byte[][] inputs,
      int inputOffset,
      byte[][] outputs,
      int outputOffset,
      int byteCount) {
    if (outputs.length == 0 || byteCount == 0) {
      return;
    }
    int wordBytes = byteCount & ~7;
    if (wordBytes > 0) {
      codeWords(matrix, inputs, inputOffset, outputs, outputOffset, wordBytes);
    }
    for (int r = 0; r < outputs.length; r++) {
      byte[] out = outputs[r];
      for (int i = wordBytes; i < byteCount; i++) {
        int sum = 0;
        for (int c = 0; c < inputs.length; c++) {
          byte[] times = GaloisField.MULTIPLICATION_TABLE[matrix[r][c] & 0xff];
          sum ^= times[inputs[c][inputOffset + i] & 0xff];
        }
        out[outputOffset + i] = (byte) sum;
      }
    }
  }

  private static void codeWords(
      byte[][] matrix,
      byte[][] inputs,
      int inputOffset,
      byte[][] outputs,
      int outputOffset,
      int wordBytes) {
    int rows = outputs.length;
    int[] highestBit = new int[inputs.length];
    for (int c = 0; c < inputs.length; c++) {
      int used = 0;
      for (int r = 0; r < rows; r++) {
        used |= matrix[r][c] & 0xff;
      }
      highestBit[c] = 31 - Integer.numberOfLeadingZeros(used);
    }
    int chunkBytes =
        Math.max(CHUNK_BYTES_MIN, Math.min(CHUNK_BYTES_MAX, SCRATCH_BYTES / (rows + 1)));
    int chunkWords = Math.min(wordBytes, chunkBytes) >>> 3;
    long[] power = new long[chunkWords];
    long[][] sums = new long[rows][chunkWords];
    for (int start = 0; start < wordBytes; start += chunkWords << 3) {
      int words = Math.min(chunkWords, (wordBytes - start) >>> 3);
      for (int r = 0; r < rows; r++) {
        Arrays.fill(sums[r], 0, words, 0L);
      }
      for (int c = 0; c < inputs.length; c++) {
        if (highestBit[c] < 0) {
          continue;
        }
        loadWords(inputs[c], inputOffset + start, power, words);
        for (int bit = 0; bit <= highestBit[c]; bit++) {
          int r = 0;
          if (bit > 0) {
            while (r < rows && (matrix[r][c] >> bit & 1) == 0) {
              r++;
            }
            if (r < rows) {
              doubleWordsAndAdd(power, sums[r], words);
              r++;
            } else {
              doubleWords(power, words);
            }
          }
          for (; r < rows; r++) {
            if ((matrix[r][c] >> bit & 1) != 0) {
              addWords(power, sums[r], words);
            }
          }
        }
      }
      for (int r = 0; r < rows; r++) {
        storeWords(sums[r], outputs[r], outputOffset + start, words);
      }
    }
  }

  private static void loadWords(byte[] from, int offset, long[] to, int words) {
    for (int i = 0; i < words; i++) {
      to[i] = (long) WORDS.get(from, offset + (i << 3));
    }
  }

  private static void storeWords(long[] from, byte[] to, int offset, int words) {
    for (int i = 0; i < words; i++) {
      WORDS.set(to, offset + (i << 3), from[i]);
    }
  }

  /** Multiplies each of the eight bytes of every word by 2 in GF(2^8). */
  private static void doubleWords(long[] words, int count) {
    for (int i = 0; i < count; i++) {
      long v = words[i];
      long high = v & HIGH_BITS;
      words[i] = ((v ^ high) << 1) ^ ((high >>> 7) * REDUCTION);
    }
  }

  /** {@link #doubleWords} fused with {@link #addWords}: one pass over the chunk instead of two. */
  private static void doubleWordsAndAdd(long[] words, long[] sum, int count) {
    for (int i = 0; i < count; i++) {
      long v = words[i];
      long high = v & HIGH_BITS;
      v = ((v ^ high) << 1) ^ ((high >>> 7) * REDUCTION);
      words[i] = v;
      sum[i] ^= v;
    }
  }

  private static void addWords(long[] words, long[] sum, int count) {
    for (int i = 0; i < count; i++) {
      sum[i] ^= words[i];
    }
  }
}
