package io.cess.core.s3;

import java.security.MessageDigest;
import java.util.Base64;

/**
 * Computing and checking S3's flexible checksums ({@link ChecksumAlgorithm}) as their headers and
 * trailers carry them, base64 of the big-endian digest. For a streaming body use {@link
 * ChecksumAlgorithm#start()} and check the {@link RunningChecksum#digest()} with {@link #verify}.
 */
public final class Checksums {
  private Checksums() {}

  /** The base64 checksum of {@code data}, for example {@code NhCmhg==} for CRC32 of "hello". */
  public static String base64(ChecksumAlgorithm algorithm, byte[] data) {
    return algorithm.start().update(data).base64();
  }

  /**
   * The digest a header or trailer value carries.
   *
   * @throws S3AuthException {@code InvalidRequest} unless it is base64 of the algorithm's length
   */
  public static byte[] decode(ChecksumAlgorithm algorithm, String value) {
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      digest = null;
    }
    if (digest == null || digest.length != algorithm.digestBytes()) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_REQUEST,
          "Value for " + algorithm.headerName() + " header is invalid.");
    }
    return digest;
  }

  /**
   * Checks a claimed checksum (header or trailer value) against the one computed over the body.
   *
   * @throws S3AuthException {@code InvalidRequest} if the claim is malformed, {@code BadDigest} if
   *     it differs
   */
  public static void verify(ChecksumAlgorithm algorithm, String claimedBase64, byte[] computed) {
    if (!MessageDigest.isEqual(decode(algorithm, claimedBase64), computed)) {
      throw new S3AuthException(
          S3ErrorCode.BAD_DIGEST,
          "The " + algorithm + " you specified did not match the calculated checksum.");
    }
  }
}
