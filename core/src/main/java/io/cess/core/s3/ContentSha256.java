package io.cess.core.s3;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * What a request's {@code x-amz-content-sha256} says about its body, and so how the body must be
 * read: the hex SHA-256 of the body (checked once the body has been read, {@link #verify}), {@code
 * UNSIGNED-PAYLOAD} (not checked), or one of the aws-chunked modes, whose body {@link
 * AwsChunkedDecoder} decodes: {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} (each chunk signed),
 * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER} (chunks and a trailer signed) and {@code
 * STREAMING-UNSIGNED-PAYLOAD-TRAILER} (neither signed; the trailer usually carries a checksum).
 */
public final class ContentSha256 {
  /** The kinds of {@code x-amz-content-sha256} value. */
  public enum Kind {
    SHA256,
    UNSIGNED,
    STREAMING_SIGNED,
    STREAMING_SIGNED_TRAILER,
    STREAMING_UNSIGNED_TRAILER
  }

  public static final String HEADER = "x-amz-content-sha256";
  static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  private static final HexFormat HEX = HexFormat.of();

  private final Kind kind;
  private final String headerValue;

  private ContentSha256(Kind kind, String headerValue) {
    this.kind = kind;
    this.headerValue = headerValue;
  }

  /**
   * @throws S3AuthException {@code InvalidArgument} for any other value (including SigV4a's {@code
   *     STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD}, which this gateway does not verify)
   */
  public static ContentSha256 parse(String headerValue) {
    Objects.requireNonNull(headerValue, "headerValue");
    Kind kind =
        switch (headerValue) {
          case UNSIGNED_PAYLOAD -> Kind.UNSIGNED;
          case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" -> Kind.STREAMING_SIGNED;
          case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" -> Kind.STREAMING_SIGNED_TRAILER;
          case "STREAMING-UNSIGNED-PAYLOAD-TRAILER" -> Kind.STREAMING_UNSIGNED_TRAILER;
          default -> {
            if (!headerValue.matches("[0-9a-fA-F]{64}")) {
              throw new S3AuthException(
                  S3ErrorCode.INVALID_ARGUMENT,
                  "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-... value, or a"
                      + " valid sha256 value.");
            }
            yield Kind.SHA256;
          }
        };
    return new ContentSha256(kind, headerValue);
  }

  /**
   * The payload hash of a presigned request: the request's {@code x-amz-content-sha256} if it sends
   * one (botocore signs it then), else {@code UNSIGNED-PAYLOAD}.
   */
  static ContentSha256 forPresigned(S3Request request) {
    return request
        .header(HEADER)
        .map(ContentSha256::parse)
        .orElse(new ContentSha256(Kind.UNSIGNED, UNSIGNED_PAYLOAD));
  }

  public Kind kind() {
    return kind;
  }

  /** The value exactly as the client sent it, which is what the canonical request contains. */
  public String headerValue() {
    return headerValue;
  }

  /** True if the body is aws-chunked and must go through {@link AwsChunkedDecoder}. */
  public boolean isStreaming() {
    return kind == Kind.STREAMING_SIGNED
        || kind == Kind.STREAMING_SIGNED_TRAILER
        || kind == Kind.STREAMING_UNSIGNED_TRAILER;
  }

  public boolean chunksSigned() {
    return kind == Kind.STREAMING_SIGNED || kind == Kind.STREAMING_SIGNED_TRAILER;
  }

  public boolean hasTrailer() {
    return kind == Kind.STREAMING_SIGNED_TRAILER || kind == Kind.STREAMING_UNSIGNED_TRAILER;
  }

  /**
   * Checks the SHA-256 of the body as received against a hex value; does nothing for the other
   * kinds. Call it before the object becomes visible.
   *
   * @throws S3AuthException {@code XAmzContentSHA256Mismatch} if they differ
   */
  public void verify(byte[] bodySha256) {
    if (kind != Kind.SHA256) {
      return;
    }
    byte[] claimed = HEX.parseHex(headerValue.toLowerCase(Locale.ROOT));
    if (!MessageDigest.isEqual(claimed, bodySha256)) {
      throw new S3AuthException(
          S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH,
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContentSha256 that
        && kind == that.kind
        && headerValue.equals(that.headerValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, headerValue);
  }

  @Override
  public String toString() {
    return headerValue;
  }
}
