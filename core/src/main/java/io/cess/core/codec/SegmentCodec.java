package io.cess.core.codec;

import io.cess.core.Sha256;
import io.cess.core.crypto.SegmentCipher;
import io.cess.core.erasure.ReedSolomon;
import io.cess.core.erasure.ShardLayout;
import io.cess.core.merkle.MerkleTree;
import io.cess.core.policy.StoragePolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one plaintext segment into the shards that miners store, and back: encrypt under the
 * file's data key (the upload id and segment index bound into the associated data), then either
 * Reed-Solomon code the ciphertext into K data + M parity shards or copy it N times. Every shard
 * is fingerprinted by the SHA-256 Merkle root over its {@value #PROOF_BLOCK_BYTES}-byte blocks: one
 * hash pass gives its content address, the receiver's integrity check and the commitment whose
 * leaves storage proofs challenge. No miner ever receives plaintext.
 */
public final class SegmentCodec {

  public static final int PROOF_BLOCK_BYTES = MerkleTree.DEFAULT_BLOCK_SIZE_BYTES;

  /** One shard ready to be placed. */
  public record EncodedShard(int index, byte[] bytes, String merkleRoot) {}

  /** A coded segment: plaintext facts and the shards of its ciphertext, in shard-index order. */
  public record EncodedSegment(
      int index, long plainSizeBytes, String plainSha256, long cipherSizeBytes, List<EncodedShard> shards) {
    public long shardSizeBytes() {
      return shards.isEmpty() ? 0 : shards.get(0).bytes().length;
    }
  }

  private final StoragePolicy policy;
  private final ReedSolomon rs;
  private final SegmentCipher cipher = new SegmentCipher();

  public SegmentCodec(StoragePolicy policy) {
    this.policy = policy;
    this.rs = policy.kind() == StoragePolicy.Kind.EC ? new ReedSolomon(policy.dataShards(), policy.parityShards()) : null;
  }

  public StoragePolicy policy() {
    return policy;
  }

  public EncodedSegment encode(byte[] dataKey, String uploadId, int index, byte[] plaintext) {
    String plainSha = Sha256.hex(plaintext);
    List<EncodedShard> shards = new ArrayList<>();
    long sealedBytes = SegmentCipher.ciphertextLength(plaintext.length);
    if (rs == null) {
      byte[] sealed = cipher.encrypt(dataKey, uploadId, index, plaintext);
      String root = merkleRoot(sealed);
      for (int i = 0; i < policy.shardCount(); i++) {
        shards.add(new EncodedShard(i, sealed, root));
      }
    } else {
      // the ciphertext is written straight into the data shards: no sealed copy of the segment
      int size = ShardLayout.shardSize(sealedBytes, policy.dataShards());
      byte[][] parts = new byte[policy.shardCount()][size];
      cipher.encryptInto(dataKey, uploadId, index, plaintext, Arrays.copyOf(parts, policy.dataShards()), size);
      rs.encodeParity(parts, 0, size);
      for (int i = 0; i < parts.length; i++) {
        shards.add(new EncodedShard(i, parts[i], merkleRoot(parts[i])));
      }
    }
    return new EncodedSegment(index, plaintext.length, plainSha, sealedBytes, List.copyOf(shards));
  }

  /**
   * Rebuilds every missing shard of a segment ({@code shards[i]} null where missing) from at
   * least {@link StoragePolicy#readShards()} verified ones, without decrypting: repair never
   * needs the data key.
   *
   * @throws io.cess.core.erasure.ErasureException with too few shards
   */
  public byte[][] rebuildShards(long cipherSizeBytes, byte[][] shards) {
    byte[][] out = new byte[shards.length][];
    if (rs == null) {
      byte[] copy = null;
      for (byte[] s : shards) {
        if (s != null) {
          copy = s;
          break;
        }
      }
      if (copy == null) {
        throw new io.cess.core.erasure.ErasureException("no copy left to repair from");
      }
      for (int i = 0; i < out.length; i++) {
        out[i] = shards[i] != null ? shards[i] : copy.clone();
      }
      return out;
    }
    int size = ShardLayout.shardSize(cipherSizeBytes, policy.dataShards());
    boolean[] present = new boolean[shards.length];
    for (int i = 0; i < shards.length; i++) {
      present[i] = shards[i] != null;
      out[i] = present[i] ? shards[i] : new byte[size];
    }
    rs.reconstruct(out, present, 0, size);
    return out;
  }

  /** A shard's fingerprint: the Merkle root of its proof blocks, as recorded in manifests. */
  public static String merkleRoot(byte[] shard) {
    return MerkleTree.ofBlocks(shard, PROOF_BLOCK_BYTES).rootHex();
  }

  /**
   * Rebuilds the plaintext from at least {@link StoragePolicy#readShards()} verified shards
   * ({@code shards[i]} null where missing) and checks it against the plaintext fingerprint.
   *
   * @throws io.cess.core.erasure.ErasureException with too few shards
   * @throws io.cess.core.crypto.CryptoException when the ciphertext does not authenticate
   * @throws IllegalStateException when the plaintext does not match its fingerprint
   */
  public byte[] decode(
      byte[] dataKey, String uploadId, int index, long cipherSizeBytes, String plainSha256, byte[][] shards) {
    byte[] plain;
    if (rs == null) {
      byte[] sealed = null;
      for (byte[] s : shards) {
        if (s != null) {
          sealed = s;
          break;
        }
      }
      if (sealed == null) {
        throw new io.cess.core.erasure.ErasureException("no copy of segment " + index + " is available");
      }
      plain = cipher.decrypt(dataKey, uploadId, index, sealed);
    } else {
      int size = ShardLayout.shardSize(cipherSizeBytes, policy.dataShards());
      boolean[] present = new boolean[shards.length];
      byte[][] work = new byte[shards.length][];
      for (int i = 0; i < shards.length; i++) {
        present[i] = shards[i] != null;
        work[i] = present[i] ? shards[i] : new byte[size];
      }
      rs.reconstruct(work, present, 0, size);
      // decrypted straight out of the data shards: they are never joined into one array
      plain = cipher.decrypt(dataKey, uploadId, index, Arrays.copyOf(work, policy.dataShards()), size, Math.toIntExact(cipherSizeBytes));
    }
    if (!Sha256.hex(plain).equals(plainSha256)) {
      throw new IllegalStateException("segment " + index + " decrypted to bytes that do not match its fingerprint");
    }
    return plain;
  }
}
