package io.cess.core.merkle;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.merkle.MerkleTree.Proof;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  // Hashes written out from the definition, independently of MerkleTree's code.

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] leaf(byte[] data) {
    return sha256(new byte[] {0x00}, data);
  }

  private static byte[] node(byte[] left, byte[] right) {
    return sha256(new byte[] {0x01}, left, right);
  }

  private static byte[] root(int leafCount, byte[] top) {
    return sha256(new byte[] {0x02}, ByteBuffer.allocate(8).putLong(leafCount).array(), top);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static List<byte[]> randomLeaves(Random random, int n) {
    List<byte[]> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[random.nextInt(100)];
      random.nextBytes(data);
      leaves.add(data);
    }
    return leaves;
  }

  private static byte[] flipBit(byte[] b, int bit) {
    byte[] copy = b.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  @Test
  public void theStreamingBuilderGivesTheTreeOfBlocksForAnySizeAndAnySplit() {
    java.util.Random random = new java.util.Random(7);
    for (int size : new int[] {0, 1, 4095, 4096, 4097, 3 * 4096, 3 * 4096 + 17, 100_000}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      MerkleTree.Builder builder = MerkleTree.builder(4096);
      int at = 0;
      while (at < size) {
        int n = Math.min(size - at, 1 + random.nextInt(9000));
        builder.update(data, at, n);
        at += n;
      }
      MerkleTree streamed = builder.build();
      MerkleTree whole = MerkleTree.ofBlocks(data, 4096);
      assertEquals("size " + size, whole.rootHex(), streamed.rootHex());
      assertEquals(whole.leafCount(), streamed.leafCount());
    }
  }

  @Test
  public void smallTreesMatchTheDefinitionByHand() {
    byte[] a = leaf(ascii("a"));
    byte[] b = leaf(ascii("b"));
    byte[] c = leaf(ascii("c"));
    byte[] d = leaf(ascii("d"));
    byte[] e = leaf(ascii("e"));
    byte[] ab = node(a, b);
    byte[] cd = node(c, d);
    byte[] abcd = node(ab, cd);

    assertArrayEquals(root(1, a), tree("a").root());
    assertArrayEquals(root(2, ab), tree("a", "b").root());
    // odd node c is promoted unchanged, not paired with a copy of itself
    assertArrayEquals(root(3, node(ab, c)), tree("a", "b", "c").root());
    assertArrayEquals(root(4, abcd), tree("a", "b", "c", "d").root());
    // e is promoted twice: at the leaf level and at the level of (ab, cd)
    assertArrayEquals(root(5, node(abcd, e)), tree("a", "b", "c", "d", "e").root());

    // the proofs have the shape the promotion rule implies
    assertEquals(List.of(), hexes(tree("a").proof(0)));
    assertEquals(hexes(b), hexes(tree("a", "b").proof(0)));
    assertEquals(hexes(ab), hexes(tree("a", "b", "c").proof(2)));
    assertEquals(hexes(c, ab), hexes(tree("a", "b", "c", "d").proof(3)));
    assertEquals(hexes(abcd), hexes(tree("a", "b", "c", "d", "e").proof(4)));
    assertEquals(hexes(d, ab, e), hexes(tree("a", "b", "c", "d", "e").proof(2)));
  }

  @Test
  public void rootsMatchVectorsFromAnIndependentImplementation() {
    // computed with Python's hashlib from the definitions in MerkleTree's class comment
    assertEquals(
        "4322fd2bc0a137d1375b37b3b2e2b4715b3d3dd7ca9682438d4fea0f8437fad3",
        MerkleTree.ofLeafData(List.of()).rootHex());
    assertEquals(
        "7d36854b375536f2bb96cbc87f12825048cc9888d457bfa7a25e1b30df5f6da8",
        tree("a", "b", "c").rootHex());
    byte[] data = new byte[10240];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    assertEquals(
        "8dfa25098acd8582bceb8086d5989d6cc8a0d2685b74b79942651df04dad1802",
        MerkleTree.ofBlocks(data, 4096).rootHex());
  }

  @Test
  public void emptyInputHasTheDocumentedRootAndNoProofs() {
    byte[] expected = sha256(new byte[] {0x02}, new byte[8]);
    for (MerkleTree empty :
        List.of(
            MerkleTree.ofLeafHashes(List.of()),
            MerkleTree.ofLeafData(List.of()),
            MerkleTree.ofBlocks(new byte[0]),
            MerkleTree.ofBlocks(ByteBuffer.allocate(0), 4096))) {
      assertEquals(0, empty.leafCount());
      assertArrayEquals(expected, empty.root());
      assertThrows(IndexOutOfBoundsException.class, () -> empty.proof(0));
    }
    // one empty leaf is not the empty tree
    assertNotEquals(
        MerkleTree.ofLeafData(List.of()).rootHex(),
        MerkleTree.ofLeafData(List.of(new byte[0])).rootHex());
  }

  @Test
  public void leafHashesAndLeafDataBuildTheSameTree() {
    Random random = new Random(42);
    for (int n = 0; n <= 40; n++) {
      List<byte[]> data = randomLeaves(random, n);
      List<byte[]> hashes = new ArrayList<>();
      for (byte[] d : data) {
        hashes.add(MerkleTree.leafHash(d));
        assertArrayEquals(leaf(d), MerkleTree.leafHash(d));
      }
      MerkleTree fromData = MerkleTree.ofLeafData(data);
      assertArrayEquals(MerkleTree.ofLeafHashes(hashes).root(), fromData.root());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(hashes.get(i), fromData.leafHash(i));
      }
    }
  }

  @Test
  public void everyLeafProofVerifiesForLeafCountsUpTo300() {
    Random random = new Random(42);
    for (int n = 1; n <= 300; n++) {
      List<byte[]> data = randomLeaves(random, n);
      MerkleTree tree = MerkleTree.ofLeafData(data);
      byte[] root = tree.root();
      int maxDepth = 32 - Integer.numberOfLeadingZeros(n - 1); // ceil(log2 n)
      for (int i = 0; i < n; i++) {
        Proof proof = tree.proof(i);
        assertEquals(i, proof.leafIndex());
        assertEquals(n, proof.leafCount());
        assertTrue("siblings of " + i + "/" + n, proof.siblings().size() <= maxDepth);
        assertTrue("leaf " + i + " of " + n, MerkleTree.verify(root, i, data.get(i), proof));
        assertTrue(MerkleTree.verifyLeafHash(root, i, tree.leafHash(i), proof));
      }
    }
  }

  @Test
  public void anyFlippedBitMakesVerifyFail() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      int n = 1 + random.nextInt(300);
      List<byte[]> data = randomLeaves(random, n);
      MerkleTree tree = MerkleTree.ofLeafData(data);
      byte[] root = tree.root();
      int i = random.nextInt(n);
      byte[] leafData = data.get(i);
      Proof proof = tree.proof(i);
      List<byte[]> siblings = proof.siblings();

      // the leaf: its data (when it has any bits) and its hash
      if (leafData.length > 0) {
        byte[] flipped = flipBit(leafData, random.nextInt(leafData.length * 8));
        assertFalse(MerkleTree.verify(root, i, flipped, proof));
      }
      byte[] flippedHash = flipBit(tree.leafHash(i), random.nextInt(256));
      assertFalse(MerkleTree.verifyLeafHash(root, i, flippedHash, proof));

      // every sibling
      for (int s = 0; s < siblings.size(); s++) {
        List<byte[]> tampered = new ArrayList<>(siblings);
        tampered.set(s, flipBit(siblings.get(s), random.nextInt(256)));
        assertFalse(MerkleTree.verify(root, i, leafData, new Proof(i, n, tampered)));
      }

      // the root
      assertFalse(MerkleTree.verify(flipBit(root, random.nextInt(256)), i, leafData, proof));

      // every bit of the index that still names a leaf: asked for, or claimed by the proof
      for (int bit = 0; (1 << bit) < n; bit++) {
        int other = i ^ (1 << bit);
        if (other < n) {
          assertFalse(MerkleTree.verify(root, other, leafData, proof));
          assertFalse(MerkleTree.verify(root, other, leafData, new Proof(other, n, siblings)));
        }
      }
    }
  }

  @Test
  public void aProofThatLiesAboutTheLeafCountFails() {
    // In the plain tree over [a, b, c], leaf c with sibling node(a, b) is also the path of
    // index 1 in a 2-leaf tree; binding the count into the root rejects that.
    MerkleTree tree = tree("a", "b", "c");
    Proof honest = tree.proof(2);
    assertTrue(MerkleTree.verify(tree.root(), 2, ascii("c"), honest));
    assertFalse(MerkleTree.verify(tree.root(), 1, ascii("c"), new Proof(1, 2, honest.siblings())));

    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int n = 2 + random.nextInt(299);
      List<byte[]> data = randomLeaves(random, n);
      MerkleTree t = MerkleTree.ofLeafData(data);
      int i = random.nextInt(n);
      Proof proof = t.proof(i);
      for (int otherCount = i + 1; otherCount <= n + 3; otherCount++) {
        if (otherCount != n) {
          Proof lie = new Proof(i, otherCount, proof.siblings());
          assertFalse(MerkleTree.verify(t.root(), i, data.get(i), lie));
        }
      }
    }
  }

  @Test
  public void missingOrExtraSiblingsFail() {
    MerkleTree tree = tree("a", "b", "c", "d", "e");
    Proof proof = tree.proof(1);
    List<byte[]> siblings = proof.siblings();
    List<byte[]> shorter = siblings.subList(0, siblings.size() - 1);
    List<byte[]> longer = new ArrayList<>(siblings);
    longer.add(new byte[32]);
    assertFalse(MerkleTree.verify(tree.root(), 1, ascii("b"), new Proof(1, 5, shorter)));
    assertFalse(MerkleTree.verify(tree.root(), 1, ascii("b"), new Proof(1, 5, longer)));
    assertFalse(MerkleTree.verify(new byte[31], 1, ascii("b"), proof));
  }

  @Test
  public void proofsAreImmutableValues() {
    MerkleTree tree = tree("a", "b", "c");
    Proof proof = tree.proof(0);
    proof.siblings().get(0)[0] ^= 1; // mutating a copy
    assertTrue(MerkleTree.verify(tree.root(), 0, ascii("a"), proof));
    assertEquals(proof, tree.proof(0));
    assertEquals(proof.hashCode(), tree.proof(0).hashCode());
    assertNotEquals(proof, tree.proof(1));

    assertThrows(IllegalArgumentException.class, () -> new Proof(3, 3, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Proof(0, 0, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Proof(0, 2, List.of(new byte[31])));
  }

  @Test
  public void blocksOfSizesNotAMultipleOfTheBlockSize() {
    Random random = new Random(42);
    int[] blockSizes = {1, 7, 64, 4096};
    for (int round = 0; round < 200; round++) {
      int blockSize = blockSizes[random.nextInt(blockSizes.length)];
      int size = random.nextInt(blockSize * 20 + 1);
      byte[] data = new byte[size];
      random.nextBytes(data);

      List<byte[]> blocks = new ArrayList<>();
      for (int off = 0; off < size; off += blockSize) {
        blocks.add(Arrays.copyOfRange(data, off, Math.min(size, off + blockSize)));
      }
      MerkleTree tree = MerkleTree.ofBlocks(data, blockSize);
      assertEquals((size + blockSize - 1) / blockSize, tree.leafCount());
      assertEquals(tree.leafCount(), MerkleTree.blockCount(size, blockSize));
      // the short last block is hashed as it is, without padding
      assertArrayEquals(MerkleTree.ofLeafData(blocks).root(), tree.root());

      // a ByteBuffer window gives the same tree and leaves the buffer's position alone
      byte[] framed = new byte[size + 10];
      System.arraycopy(data, 0, framed, 3, size);
      ByteBuffer heap = ByteBuffer.wrap(framed, 3, size);
      ByteBuffer direct = ByteBuffer.allocateDirect(framed.length).put(framed);
      direct.position(3).limit(3 + size);
      for (ByteBuffer buffer : List.of(heap, direct)) {
        assertArrayEquals(tree.root(), MerkleTree.ofBlocks(buffer, blockSize).root());
        assertEquals(3, buffer.position());
        assertEquals(3 + size, buffer.limit());
      }

      if (tree.leafCount() > 0) {
        int i = random.nextInt(tree.leafCount());
        assertTrue(MerkleTree.verify(tree.root(), i, blocks.get(i), tree.proof(i)));
      }
    }
  }

  @Test
  public void defaultBlockSizeIs4KiB() {
    assertEquals(4096, MerkleTree.DEFAULT_BLOCK_SIZE_BYTES);
    byte[] shard = new byte[4 << 20];
    new Random(42).nextBytes(shard);
    MerkleTree tree = MerkleTree.ofBlocks(shard);
    assertEquals(1024, tree.leafCount());
    assertArrayEquals(MerkleTree.ofBlocks(shard, 4096).root(), tree.root());
    byte[] lastBlock = Arrays.copyOfRange(shard, 1023 * 4096, 1024 * 4096);
    assertTrue(MerkleTree.verify(tree.root(), 1023, lastBlock, tree.proof(1023)));
  }

  @Test
  public void invalidInputsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.ofBlocks(new byte[10], 0));
    assertThrows(IllegalArgumentException.class, () -> MerkleTree.blockCount(-1, 4096));
    assertThrows(
        IllegalArgumentException.class, () -> MerkleTree.ofLeafHashes(List.of(new byte[31])));
    assertThrows(IndexOutOfBoundsException.class, () -> tree("a").proof(1));
    assertThrows(IndexOutOfBoundsException.class, () -> tree("a").proof(-1));
  }

  @Test
  public void rootIsACopy() {
    MerkleTree tree = tree("a", "b");
    tree.root()[0] ^= 1;
    assertArrayEquals(root(2, node(leaf(ascii("a")), leaf(ascii("b")))), tree.root());
    assertEquals(HEX.formatHex(tree.root()), tree.rootHex());
  }

  private static MerkleTree tree(String... leaves) {
    List<byte[]> data = new ArrayList<>();
    for (String s : leaves) {
      data.add(ascii(s));
    }
    return MerkleTree.ofLeafData(data);
  }

  private static List<String> hexes(Proof proof) {
    List<String> out = new ArrayList<>();
    for (byte[] s : proof.siblings()) {
      out.add(HEX.formatHex(s));
    }
    return out;
  }

  private static List<String> hexes(byte[]... hashes) {
    List<String> out = new ArrayList<>();
    for (byte[] h : hashes) {
      out.add(HEX.formatHex(h));
    }
    return out;
  }
}
