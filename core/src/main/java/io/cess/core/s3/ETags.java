package io.cess.core.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * S3's ETags and {@code Content-MD5}. A single PUT's ETag is the quoted hex MD5 of the content; a
 * multipart upload's is the quoted hex MD5 of its parts' binary MD5s concatenated in part order,
 * then {@code -} and the part count ({@code "3858f62230ac3c915f300c664312c11f-9"}), which clients
 * such as rclone and the aws cli recompute to check a download. {@code Content-MD5} is the base64
 * of the binary MD5: malformed is {@code InvalidDigest}, different is {@code BadDigest}.
 */
public final class ETags {
  /** The most parts a multipart upload may have on S3. */
  public static final int MAX_PARTS = 10_000;

  private static final int MD5_BYTES = 16;
  private static final HexFormat HEX = HexFormat.of();

  private ETags() {}

  public static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides MD5", e);
    }
  }

  /** The ETag of an object stored by one PUT (or of one part), from the content's MD5. */
  public static String singlePut(byte[] contentMd5) {
    checkMd5(contentMd5);
    return "\"" + HEX.formatHex(contentMd5) + "\"";
  }

  /** The ETag of a completed multipart upload, from its parts' MD5s in part order. */
  public static String multipart(List<byte[]> partMd5s) {
    if (partMd5s.isEmpty() || partMd5s.size() > MAX_PARTS) {
      throw new IllegalArgumentException(
          "a multipart upload has 1 to " + MAX_PARTS + " parts, not " + partMd5s.size());
    }
    MessageDigest md5 = newMd5();
    for (byte[] partMd5 : partMd5s) {
      checkMd5(partMd5);
      md5.update(partMd5);
    }
    return "\"" + HEX.formatHex(md5.digest()) + "-" + partMd5s.size() + "\"";
  }

  /**
   * The MD5 a part's ETag names, as CompleteMultipartUpload lists it (quoted or not).
   *
   * @throws S3AuthException {@code InvalidPart} unless it is 32 hex digits
   */
  public static byte[] partMd5(String etag) {
    String hex = etag.strip();
    if (hex.length() >= 2 && hex.startsWith("\"") && hex.endsWith("\"")) {
      hex = hex.substring(1, hex.length() - 1);
    }
    if (!hex.matches("[0-9a-fA-F]{32}")) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_PART,
          "One or more of the specified parts could not be found. The part may not have been"
              + " uploaded, or the specified entity tag may not match the part's entity tag.");
    }
    return HEX.parseHex(hex.toLowerCase(Locale.ROOT));
  }

  /**
   * The MD5 a {@code Content-MD5} header claims, read before the body so a malformed one is refused
   * before any byte is stored.
   *
   * @throws S3AuthException {@code InvalidDigest} unless it is base64 of 16 bytes
   */
  public static byte[] parseContentMd5(String headerValue) {
    byte[] md5;
    try {
      md5 = Base64.getDecoder().decode(headerValue.strip());
    } catch (IllegalArgumentException e) {
      md5 = null;
    }
    if (md5 == null || md5.length != MD5_BYTES) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_DIGEST, "The Content-MD5 you specified was invalid.");
    }
    return md5;
  }

  /**
   * Checks the MD5 of the body as received against the {@code Content-MD5} claim.
   *
   * @throws S3AuthException {@code BadDigest} if they differ
   */
  public static void verifyContentMd5(byte[] claimedMd5, byte[] computedMd5) {
    if (!MessageDigest.isEqual(claimedMd5, computedMd5)) {
      throw new S3AuthException(
          S3ErrorCode.BAD_DIGEST, "The Content-MD5 you specified did not match what we received.");
    }
  }

  private static void checkMd5(byte[] md5) {
    if (md5.length != MD5_BYTES) {
      throw new IllegalArgumentException("an MD5 is 16 bytes, not " + md5.length);
    }
  }
}
