package io.cess.core.s3;

import java.util.Locale;
import java.util.Optional;

/**
 * The flexible checksums S3 clients send with uploads ({@code x-amz-checksum-crc32} and the others,
 * as a header or an aws-chunked trailer, announced by {@code x-amz-sdk-checksum-algorithm} or
 * {@code x-amz-checksum-algorithm}). Values are the base64 of the big-endian digest: 4 bytes for
 * the CRC32s, 8 for CRC64NVME, 20 for SHA-1, 32 for SHA-256.
 */
public enum ChecksumAlgorithm {
  CRC32(4),
  CRC32C(4),
  CRC64NVME(8),
  SHA1(20),
  SHA256(32);

  private static final String HEADER_PREFIX = "x-amz-checksum-";

  private final int digestBytes;

  ChecksumAlgorithm(int digestBytes) {
    this.digestBytes = digestBytes;
  }

  public int digestBytes() {
    return digestBytes;
  }

  /**
   * The header (or trailer) that carries this checksum, for example {@code x-amz-checksum-crc32}.
   */
  public String headerName() {
    return HEADER_PREFIX + name().toLowerCase(Locale.ROOT);
  }

  /** A new incremental computation of this checksum. */
  public RunningChecksum start() {
    return new RunningChecksum(this);
  }

  /**
   * The algorithm an {@code x-amz-sdk-checksum-algorithm} value names, in any case.
   *
   * @throws S3AuthException {@code InvalidRequest} for an unknown name
   */
  public static ChecksumAlgorithm fromName(String name) {
    for (ChecksumAlgorithm algorithm : values()) {
      if (algorithm.name().equalsIgnoreCase(name.strip())) {
        return algorithm;
      }
    }
    throw new S3AuthException(
        S3ErrorCode.INVALID_REQUEST,
        "Checksum algorithm provided is unsupported. Please try again with any of the valid"
            + " types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  }

  /** The algorithm whose header (or trailer) name this is, if any; case-insensitive. */
  public static Optional<ChecksumAlgorithm> fromHeaderName(String headerName) {
    for (ChecksumAlgorithm algorithm : values()) {
      if (algorithm.headerName().equalsIgnoreCase(headerName.strip())) {
        return Optional.of(algorithm);
      }
    }
    return Optional.empty();
  }
}
