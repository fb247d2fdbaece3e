package io.cess.core.merkle;

import io.cess.core.Sha256;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A binary SHA-256 Merkle tree: the commitment that storage proofs (PoRep, PoSt, PoAs) challenge
 * leaf by leaf, and that file ids are built from.
 *
 * <p>The hashes, each with its own one-byte domain prefix so that no value of one kind can be
 * passed off as another:
 *
 * <ul>
 *   <li>leaf: {@code SHA-256(0x00 || data)};
 *   <li>node: {@code SHA-256(0x01 || left || right)};
 *   <li>root: {@code SHA-256(0x02 || uint64be(leafCount) || top)}, where {@code top} is the single
 *       node left at the last level.
 * </ul>
 *
 * <p><b>Odd nodes are promoted unchanged</b> to the next level, never duplicated: duplication would
 * give {@code [a, b, c]} and {@code [a, b, c, c]} the same top (the CVE-2012-2459 ambiguity). A
 * promoted node has no sibling at that level, so its proof is one hash shorter.
 *
 * <p><b>The leaf count is bound into the root</b> (as SSZ's "mix in length" does). Without it a
 * leaf's position is only defined relative to a leaf count the verifier has to know: in the plain
 * tree over {@code [a, b, c]}, leaf {@code c} with sibling {@code node(a, b)} also "proves" index 1
 * of a 2-leaf tree. With the count in the root, a proof that lies about the count or the index
 * recomputes a different root, so {@link #verify} can trust the count carried by the proof.
 *
 * <p><b>Empty input</b> (no leaves, e.g. {@code ofBlocks} of 0 bytes) has the root {@code
 * SHA-256(0x02 || uint64be(0))}; it has no proofs.
 *
 * <p>Blocks from {@link #ofBlocks}: the data is cut into {@code blockSizeBytes} blocks, the last one
 * shorter when the size is not a multiple; nothing is padded, the short block is hashed as it is.
 *
 * <p>A tree keeps every level (about 2 × 32 bytes per leaf: 64 KiB for a 4 MiB shard of 4 KiB
 * blocks), is immutable after construction and safe to share between threads.
 */
public final class MerkleTree {
  /** The block size storage proofs challenge, in bytes. */
  public static final int DEFAULT_BLOCK_SIZE_BYTES = 4096;

  /** Size of every hash in the tree, in bytes. */
  public static final int HASH_BYTES = 32;

  /** Largest leaf count whose level of hashes still fits one Java array. */
  public static final int MAX_LEAF_COUNT = Integer.MAX_VALUE / HASH_BYTES;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final byte ROOT_PREFIX = 0x02;
  private static final HexFormat HEX = HexFormat.of();

  private final int leafCount;
  /** levels[0] holds the leaf hashes back to back, the last level the top; none when empty. */
  private final byte[][] levels;

  private final byte[] root;

  private MerkleTree(byte[] leafHashes, int leafCount, MessageDigest digest) {
    this.leafCount = leafCount;
    this.levels = buildLevels(leafHashes, leafCount, digest);
    byte[] top = leafCount == 0 ? null : levels[levels.length - 1];
    this.root = rootOf(leafCount, top, digest);
  }

  /** A tree whose leaves are the given leaf hashes (each already {@link #leafHash}-ed). */
  public static MerkleTree ofLeafHashes(List<byte[]> leafHashes) {
    checkLeafCount(leafHashes.size());
    byte[] flat = new byte[leafHashes.size() * HASH_BYTES];
    for (int i = 0; i < leafHashes.size(); i++) {
      byte[] h = leafHashes.get(i);
      if (h == null || h.length != HASH_BYTES) {
        throw new IllegalArgumentException(
            "leaf hash " + i + " must be " + HASH_BYTES + " bytes, is "
                + (h == null ? "null" : h.length + " bytes"));
      }
      System.arraycopy(h, 0, flat, i * HASH_BYTES, HASH_BYTES);
    }
    return new MerkleTree(flat, leafHashes.size(), Sha256.newDigest());
  }

  /** A tree whose leaves are the given data items, each hashed as a leaf. */
  public static MerkleTree ofLeafData(List<byte[]> leafData) {
    checkLeafCount(leafData.size());
    MessageDigest digest = Sha256.newDigest();
    byte[] flat = new byte[leafData.size() * HASH_BYTES];
    for (int i = 0; i < leafData.size(); i++) {
      byte[] data = Objects.requireNonNull(leafData.get(i), "leaf data");
      digest.update(LEAF_PREFIX);
      digest.update(data);
      finish(digest, flat, i * HASH_BYTES);
    }
    return new MerkleTree(flat, leafData.size(), digest);
  }

  /** A tree over {@code data} cut into {@link #DEFAULT_BLOCK_SIZE_BYTES} blocks. */
  public static MerkleTree ofBlocks(byte[] data) {
    return ofBlocks(data, DEFAULT_BLOCK_SIZE_BYTES);
  }

  /** A tree over {@code data} cut into {@code blockSizeBytes} blocks, the last possibly shorter. */
  public static MerkleTree ofBlocks(byte[] data, int blockSizeBytes) {
    int n = blockCount(data.length, blockSizeBytes);
    MessageDigest digest = Sha256.newDigest();
    byte[] flat = new byte[n * HASH_BYTES];
    for (int i = 0; i < n; i++) {
      int offset = i * blockSizeBytes;
      digest.update(LEAF_PREFIX);
      digest.update(data, offset, Math.min(blockSizeBytes, data.length - offset));
      finish(digest, flat, i * HASH_BYTES);
    }
    return new MerkleTree(flat, n, digest);
  }

  /**
   * A tree over the bytes from {@code data}'s position to its limit, cut into {@code
   * blockSizeBytes} blocks, the last possibly shorter. The buffer's position is left unchanged.
   */
  public static MerkleTree ofBlocks(ByteBuffer data, int blockSizeBytes) {
    ByteBuffer view = data.duplicate();
    int n = blockCount(view.remaining(), blockSizeBytes);
    MessageDigest digest = Sha256.newDigest();
    byte[] flat = new byte[n * HASH_BYTES];
    int end = view.limit();
    for (int i = 0; i < n; i++) {
      view.limit((int) Math.min(end, (long) view.position() + blockSizeBytes));
      digest.update(LEAF_PREFIX);
      digest.update(view); // advances the view's position to its limit
      finish(digest, flat, i * HASH_BYTES);
      view.limit(end);
    }
    return new MerkleTree(flat, n, digest);
  }

  /** Builds the tree of {@link #ofBlocks} from bytes that arrive in pieces of any size. */
  public static Builder builder(int blockSizeBytes) {
    return new Builder(blockSizeBytes);
  }

  /**
   * Hashes leaves as their bytes stream past, so a receiver checks a shard's root in the same
   * single pass that writes it to disk; only the 32-byte leaf hashes are kept. Not thread-safe.
   */
  public static final class Builder {
    private final int blockSizeBytes;
    private final MessageDigest digest = Sha256.newDigest();
    private byte[] leaves = new byte[64 * HASH_BYTES];
    private int leafCount;
    private int inLeaf;

    private Builder(int blockSizeBytes) {
      if (blockSizeBytes <= 0) {
        throw new IllegalArgumentException("blockSizeBytes must be positive, is " + blockSizeBytes);
      }
      this.blockSizeBytes = blockSizeBytes;
    }

    public Builder update(byte[] data, int offset, int length) {
      Objects.checkFromIndexSize(offset, length, data.length);
      while (length > 0) {
        if (inLeaf == 0) {
          digest.update(LEAF_PREFIX);
        }
        int n = Math.min(length, blockSizeBytes - inLeaf);
        digest.update(data, offset, n);
        inLeaf += n;
        offset += n;
        length -= n;
        if (inLeaf == blockSizeBytes) {
          finishLeaf();
        }
      }
      return this;
    }

    private void finishLeaf() {
      checkLeafCount(leafCount + 1L);
      if ((leafCount + 1) * HASH_BYTES > leaves.length) {
        leaves = Arrays.copyOf(leaves, (int) Math.min((long) leaves.length * 2, (long) MAX_LEAF_COUNT * HASH_BYTES));
      }
      finish(digest, leaves, leafCount * HASH_BYTES);
      leafCount++;
      inLeaf = 0;
    }

    /** The tree over every byte given so far; the builder must not be used afterwards. */
    public MerkleTree build() {
      if (inLeaf > 0) {
        finishLeaf();
      }
      return new MerkleTree(Arrays.copyOf(leaves, leafCount * HASH_BYTES), leafCount, digest);
    }
  }

  /**
   * How many leaves {@link #ofBlocks} makes of {@code sizeBytes}: what a challenger derives from a
   * shard's size to pick leaf indices.
   */
  public static int blockCount(long sizeBytes, int blockSizeBytes) {
    if (blockSizeBytes <= 0) {
      throw new IllegalArgumentException("blockSizeBytes must be positive, is " + blockSizeBytes);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, is " + sizeBytes);
    }
    long n = (sizeBytes + blockSizeBytes - 1) / blockSizeBytes;
    checkLeafCount(n);
    return (int) n;
  }

  /** {@code SHA-256(0x00 || data)}: the hash of one leaf. */
  public static byte[] leafHash(byte[] data) {
    return leafHash(data, 0, data.length);
  }

  /** {@code SHA-256(0x00 || data[offset, offset + length))}: the hash of one leaf. */
  public static byte[] leafHash(byte[] data, int offset, int length) {
    MessageDigest digest = Sha256.newDigest();
    digest.update(LEAF_PREFIX);
    digest.update(data, offset, length);
    return digest.digest();
  }

  /** The 32-byte root; a fresh copy on each call. */
  public byte[] root() {
    return root.clone();
  }

  /** The root as 64 lower-case hex characters. */
  public String rootHex() {
    return HEX.formatHex(root);
  }

  public int leafCount() {
    return leafCount;
  }

  /** The hash of leaf {@code leafIndex}; a fresh copy. */
  public byte[] leafHash(int leafIndex) {
    Objects.checkIndex(leafIndex, leafCount);
    return Arrays.copyOfRange(levels[0], leafIndex * HASH_BYTES, (leafIndex + 1) * HASH_BYTES);
  }

  /** The sibling path from leaf {@code leafIndex} up to the top, bottom first. */
  public Proof proof(int leafIndex) {
    Objects.checkIndex(leafIndex, leafCount);
    List<byte[]> siblings = new ArrayList<>(levels.length - 1);
    int index = leafIndex;
    int count = leafCount;
    for (int level = 0; count > 1; level++) {
      int sibling = index ^ 1;
      if (sibling < count) {
        int from = sibling * HASH_BYTES;
        siblings.add(Arrays.copyOfRange(levels[level], from, from + HASH_BYTES));
      } // else: the last node of an odd level, promoted without a sibling
      index >>= 1;
      count = (count + 1) >> 1;
    }
    return new Proof(leafIndex, leafCount, siblings);
  }

  /**
   * True if {@code leafData} is leaf {@code leafIndex} of the tree with {@code root}, by {@code
   * proof}. A proof for another index, another leaf count or another tree is rejected.
   */
  public static boolean verify(byte[] root, int leafIndex, byte[] leafData, Proof proof) {
    return verifyLeafHash(root, leafIndex, leafHash(leafData), proof);
  }

  /** As {@link #verify}, for a leaf given by its hash ({@link #leafHash}) instead of its data. */
  public static boolean verifyLeafHash(byte[] root, int leafIndex, byte[] leafHash, Proof proof) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(leafHash, "leafHash");
    Objects.requireNonNull(proof, "proof");
    if (root.length != HASH_BYTES || leafHash.length != HASH_BYTES) {
      return false;
    }
    if (proof.leafIndex() != leafIndex) {
      return false;
    }
    MessageDigest digest = Sha256.newDigest();
    List<byte[]> siblings = proof.siblings; // the record's own copy, never handed out
    byte[] hash = leafHash.clone();
    int used = 0;
    int index = leafIndex;
    for (int count = proof.leafCount(); count > 1; count = (count + 1) >> 1) {
      boolean isRight = (index & 1) == 1;
      boolean hasSibling = isRight || index + 1 < count;
      if (hasSibling) {
        if (used == siblings.size()) {
          return false;
        }
        byte[] sibling = siblings.get(used++);
        digest.update(NODE_PREFIX);
        digest.update(isRight ? sibling : hash);
        digest.update(isRight ? hash : sibling);
        finish(digest, hash, 0);
      }
      index >>= 1;
    }
    if (used != siblings.size()) {
      return false;
    }
    return MessageDigest.isEqual(root, rootOf(proof.leafCount(), hash, digest));
  }

  private static byte[][] buildLevels(byte[] leafHashes, int leafCount, MessageDigest digest) {
    if (leafCount == 0) {
      return new byte[0][];
    }
    List<byte[]> levels = new ArrayList<>();
    levels.add(leafHashes);
    byte[] level = leafHashes;
    int count = leafCount;
    while (count > 1) {
      int parentCount = (count + 1) >> 1;
      byte[] parent = new byte[parentCount * HASH_BYTES];
      for (int p = 0; p < count >> 1; p++) {
        digest.update(NODE_PREFIX);
        digest.update(level, 2 * p * HASH_BYTES, 2 * HASH_BYTES);
        finish(digest, parent, p * HASH_BYTES);
      }
      if ((count & 1) == 1) {
        System.arraycopy(
            level, (count - 1) * HASH_BYTES, parent, (parentCount - 1) * HASH_BYTES, HASH_BYTES);
      }
      levels.add(parent);
      level = parent;
      count = parentCount;
    }
    return levels.toArray(new byte[0][]);
  }

  private static byte[] rootOf(int leafCount, byte[] top, MessageDigest digest) {
    digest.update(ROOT_PREFIX);
    digest.update(ByteBuffer.allocate(Long.BYTES).putLong(0, leafCount).array());
    if (top != null) {
      digest.update(top);
    }
    return digest.digest();
  }

  private static void finish(MessageDigest digest, byte[] out, int offset) {
    try {
      digest.digest(out, offset, HASH_BYTES);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 always fits 32 bytes", e);
    }
  }

  private static void checkLeafCount(long n) {
    if (n > MAX_LEAF_COUNT) {
      throw new IllegalArgumentException(
          "a tree holds at most " + MAX_LEAF_COUNT + " leaves, asked for " + n);
    }
  }

  /**
   * A leaf's authentication path: the sibling hashes from the leaf level up, bottom first, with
   * the leaf's index and the tree's leaf count that fix which side each sibling is on and which
   * levels have none (a promoted odd node). Immutable: the hashes are copied in and out.
   */
  public record Proof(int leafIndex, int leafCount, List<byte[]> siblings) {
    public Proof {
      if (leafCount < 1 || leafCount > MAX_LEAF_COUNT) {
        throw new IllegalArgumentException("leafCount out of range: " + leafCount);
      }
      if (leafIndex < 0 || leafIndex >= leafCount) {
        throw new IllegalArgumentException(
            "leafIndex " + leafIndex + " outside a tree of " + leafCount + " leaves");
      }
      List<byte[]> copies = new ArrayList<>(siblings.size());
      for (byte[] sibling : siblings) {
        if (sibling == null || sibling.length != HASH_BYTES) {
          throw new IllegalArgumentException("every sibling must be " + HASH_BYTES + " bytes");
        }
        copies.add(sibling.clone());
      }
      siblings = Collections.unmodifiableList(copies);
    }

    /** The sibling hashes, bottom first; fresh copies. */
    @Override
    public List<byte[]> siblings() {
      List<byte[]> copies = new ArrayList<>(siblings.size());
      for (byte[] sibling : siblings) {
        copies.add(sibling.clone());
      }
      return copies;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Proof other)) {
        return false;
      }
      if (leafIndex != other.leafIndex
          || leafCount != other.leafCount
          || siblings.size() != other.siblings.size()) {
        return false;
      }
      for (int i = 0; i < siblings.size(); i++) {
        if (!Arrays.equals(siblings.get(i), other.siblings.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = 31 * leafIndex + leafCount;
      for (byte[] sibling : siblings) {
        h = 31 * h + Arrays.hashCode(sibling);
      }
      return h;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("Proof[leafIndex=").append(leafIndex);
      s.append(", leafCount=").append(leafCount).append(", siblings=[");
      for (int i = 0; i < siblings.size(); i++) {
        s.append(i == 0 ? "" : ", ").append(HEX.formatHex(siblings.get(i)));
      }
      return s.append("]]").toString();
    }
  }
}
