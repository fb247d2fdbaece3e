package io.cess.core;

import io.cess.core.merkle.MerkleTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Content fingerprints built on {@link MerkleTree}: the file id that names stored content, the same
 * for the same bytes, so that re-uploading content stores nothing new.
 */
public final class Fingerprints {
  private static final HexFormat HEX = HexFormat.of();

  private Fingerprints() {}

  /**
   * The file id: the hex root of a {@link MerkleTree} whose leaves are, in order,
   *
   * <ol>
   *   <li>the 32 raw bytes of each segment fingerprint (segment {@code i} is leaf {@code i}), then
   *   <li>one last leaf, the 8 bytes of {@code sizeBytes} big-endian.
   * </ol>
   *
   * <p>The size leaf is 8 bytes and a fingerprint leaf 32, so their leaf hashes cannot be mistaken
   * for each other, and the tree's root binds the leaf count: the id changes with the order, the
   * number and any bit of the fingerprints, and with the size. There is always at least the size
   * leaf, so an empty file ({@code fileId(List.of(), 0)}) has a well-defined id too.
   *
   * @param segmentFingerprintsHex the segments' SHA-256 fingerprints in file order, each 64
   *     lower-case hex characters ({@link Sha256#isHex})
   * @param sizeBytes the plaintext size of the file, not negative
   */
  public static String fileId(List<String> segmentFingerprintsHex, long sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, is " + sizeBytes);
    }
    List<byte[]> leaves = new ArrayList<>(segmentFingerprintsHex.size() + 1);
    for (int i = 0; i < segmentFingerprintsHex.size(); i++) {
      String fingerprint = segmentFingerprintsHex.get(i);
      if (!Sha256.isHex(fingerprint)) {
        throw new IllegalArgumentException(
            "segment fingerprint " + i + " is not 64 lower-case hex characters: '"
                + fingerprint + "'");
      }
      leaves.add(HEX.parseHex(fingerprint));
    }
    leaves.add(ByteBuffer.allocate(Long.BYTES).putLong(0, sizeBytes).array());
    return MerkleTree.ofLeafData(leaves).rootHex();
  }
}
