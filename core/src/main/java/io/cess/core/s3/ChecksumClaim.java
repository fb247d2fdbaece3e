package io.cess.core.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The flexible checksum an upload claims for its body, as S3 reads it: one {@code
 * x-amz-checksum-*} header with the value, or one {@code x-amz-checksum-*} trailer announced in
 * {@code x-amz-trailer} (the value then arrives after the body, in an aws-chunked trailer). An
 * {@code x-amz-sdk-checksum-algorithm} must name the same algorithm, and without a header or
 * trailer it is refused, since there would be nothing to check.
 *
 * <p>The caller computes {@link #algorithm()} over the body as it streams ({@link
 * ChecksumAlgorithm#start()}) and calls {@link #verify} when the body has ended, before anything
 * becomes visible. Immutable.
 */
public final class ChecksumClaim {
  static final String SDK_ALGORITHM_HEADER = "x-amz-sdk-checksum-algorithm";

  private final ChecksumAlgorithm algorithm;
  private final String headerValue;

  private ChecksumClaim(ChecksumAlgorithm algorithm, String headerValue) {
    this.algorithm = algorithm;
    this.headerValue = headerValue;
  }

  /**
   * The checksum a verified request claims for its body, if any.
   *
   * @throws S3AuthException {@code InvalidRequest} for more than one checksum, a malformed value,
   *     an algorithm header that names another algorithm or nothing to check, or a checksum
   *     trailer on a body that has no trailer
   */
  public static Optional<ChecksumClaim> forRequest(VerifiedRequest verified, S3Request request) {
    List<ChecksumClaim> claims = new ArrayList<>();
    for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
      Optional<String> value = request.header(algorithm.headerName());
      if (value.isPresent()) {
        Checksums.decode(algorithm, value.get());
        claims.add(new ChecksumClaim(algorithm, value.get().strip()));
      }
    }
    for (String declared : request.headerValues(AwsChunkedDecoder.TRAILER_HEADER)) {
      for (String name : declared.split(",")) {
        ChecksumAlgorithm.fromHeaderName(name)
            .ifPresent(algorithm -> claims.add(new ChecksumClaim(algorithm, null)));
      }
    }
    if (claims.size() > 1) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_REQUEST,
          "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }
    Optional<ChecksumClaim> claim = claims.stream().findFirst();
    Optional<String> sdkAlgorithm = request.header(SDK_ALGORITHM_HEADER);
    if (sdkAlgorithm.isPresent()) {
      ChecksumAlgorithm named = ChecksumAlgorithm.fromName(sdkAlgorithm.get());
      if (claim.isEmpty()) {
        throw new S3AuthException(
            S3ErrorCode.INVALID_REQUEST,
            "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or"
                + " x-amz-trailer headers were found.");
      }
      if (named != claim.get().algorithm) {
        throw new S3AuthException(
            S3ErrorCode.INVALID_REQUEST,
            "Value for x-amz-sdk-checksum-algorithm header is invalid: it names "
                + named
                + " but the checksum sent is "
                + claim.get().algorithm
                + ".");
      }
    }
    if (claim.isPresent() && claim.get().inTrailer() && !verified.contentSha256().hasTrailer()) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_REQUEST,
          "The checksum trailer "
              + claim.get().algorithm.headerName()
              + " needs an aws-chunked body with trailers (x-amz-content-sha256"
              + " STREAMING-...-TRAILER).");
    }
    return claim;
  }

  public ChecksumAlgorithm algorithm() {
    return algorithm;
  }

  /** True when the value comes in an aws-chunked trailer rather than a header. */
  public boolean inTrailer() {
    return headerValue == null;
  }

  /**
   * Checks the digest computed over the whole body against the claimed value.
   *
   * @param trailers the body's trailers, names lower-case (empty for a body without trailers)
   * @return the checked value, base64, as the {@code x-amz-checksum-*} response header echoes it
   * @throws S3AuthException {@code BadDigest} if they differ, {@code InvalidRequest} for a
   *     malformed trailer value, {@code MalformedTrailerError} if the trailer did not come
   */
  public String verify(byte[] computed, Map<String, String> trailers) {
    Objects.requireNonNull(computed, "computed");
    String claimed =
        inTrailer() ? trailers.get(algorithm.headerName().toLowerCase(Locale.ROOT)) : headerValue;
    if (claimed == null) {
      throw new S3AuthException(
          S3ErrorCode.MALFORMED_TRAILER_ERROR,
          "The request contained trailing data that was not well-formed: the trailer "
              + algorithm.headerName()
              + " is missing.");
    }
    Checksums.verify(algorithm, claimed, computed);
    return claimed.strip();
  }

  @Override
  public String toString() {
    return algorithm.headerName() + (inTrailer() ? " (trailer)" : ": " + headerValue);
  }
}
