package io.cess.core.s3;

import io.cess.core.Sha256;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * One {@link ChecksumAlgorithm} computed over a body as it streams past, so that it is read once:
 * {@link #update} with each fragment, then {@link #digest()} or {@link #base64()} once at the end.
 * Not thread-safe.
 */
public final class RunningChecksum {
  private final ChecksumAlgorithm algorithm;
  private final Checksum crc;
  private final MessageDigest messageDigest;
  private byte[] result;

  RunningChecksum(ChecksumAlgorithm algorithm) {
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.crc =
        switch (algorithm) {
          case CRC32 -> new CRC32();
          case CRC32C -> new CRC32C();
          case CRC64NVME -> new Crc64Nvme();
          case SHA1, SHA256 -> null;
        };
    this.messageDigest =
        switch (algorithm) {
          case SHA1 -> sha1();
          case SHA256 -> Sha256.newDigest();
          case CRC32, CRC32C, CRC64NVME -> null;
        };
  }

  public ChecksumAlgorithm algorithm() {
    return algorithm;
  }

  public RunningChecksum update(byte[] bytes) {
    return update(bytes, 0, bytes.length);
  }

  public RunningChecksum update(byte[] bytes, int offset, int length) {
    if (result != null) {
      throw new IllegalStateException("the " + algorithm + " checksum is already finished");
    }
    if (crc != null) {
      crc.update(bytes, offset, length);
    } else {
      messageDigest.update(bytes, offset, length);
    }
    return this;
  }

  /** The big-endian digest ({@link ChecksumAlgorithm#digestBytes()} long); finishes the sum. */
  public byte[] digest() {
    if (result == null) {
      if (crc != null) {
        long value = crc.getValue();
        result = new byte[algorithm.digestBytes()];
        for (int i = result.length - 1; i >= 0; i--) {
          result[i] = (byte) value;
          value >>>= 8;
        }
      } else {
        result = messageDigest.digest();
      }
    }
    return result.clone();
  }

  /** The digest in base64, the form of the {@code x-amz-checksum-*} headers; finishes the sum. */
  public String base64() {
    return Base64.getEncoder().encodeToString(digest());
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-1", e);
    }
  }
}
