package io.cess.core.s3;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The SigV4 parameters of a presigned URL: {@code X-Amz-Algorithm}, {@code X-Amz-Credential},
 * {@code X-Amz-Date}, {@code X-Amz-Expires} (seconds, 1 to 604800, a week), {@code
 * X-Amz-SignedHeaders} and {@code X-Amz-Signature}. The URL is valid from its date for its expiry;
 * the signed payload is {@code UNSIGNED-PAYLOAD}.
 */
record PresignedQuery(
    Credential credential,
    String amzDate,
    Instant date,
    long expiresSeconds,
    List<String> signedHeaders,
    String signature) {
  static final String ALGORITHM = "X-Amz-Algorithm";
  static final String CREDENTIAL = "X-Amz-Credential";
  static final String DATE = "X-Amz-Date";
  static final String EXPIRES = "X-Amz-Expires";
  static final String SIGNED_HEADERS = "X-Amz-SignedHeaders";
  static final String SIGNATURE = "X-Amz-Signature";
  static final String SECURITY_TOKEN = "X-Amz-Security-Token";
  static final long MAX_EXPIRES_SECONDS = 604_800;

  PresignedQuery {
    Objects.requireNonNull(credential, "credential");
    signedHeaders = List.copyOf(signedHeaders);
  }

  /** True if the request means to authenticate by query string (any of the SigV4 parameters). */
  static boolean isPresigned(S3Request request) {
    return request.hasQueryParameter(ALGORITHM)
        || request.hasQueryParameter(CREDENTIAL)
        || request.hasQueryParameter(SIGNATURE);
  }

  static PresignedQuery parse(S3Request request) {
    String algorithm = single(request, ALGORITHM);
    String credential = single(request, CREDENTIAL);
    String amzDate = single(request, DATE);
    String expires = single(request, EXPIRES);
    String signedHeaders = single(request, SIGNED_HEADERS);
    String signature = single(request, SIGNATURE);
    if (!algorithm.equals(AuthorizationHeader.ALGORITHM)) {
      throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
    }
    Instant date =
        AmzDate.parse(amzDate)
            .orElseThrow(
                () ->
                    queryError(
                        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""));
    return new PresignedQuery(
        Credential.parse(credential, AuthMechanism.PRESIGNED),
        amzDate,
        date,
        expiresSeconds(expires),
        AuthMechanism.PRESIGNED.parseSignedHeaders(signedHeaders),
        signature);
  }

  private static long expiresSeconds(String text) {
    if (!text.matches("-?[0-9]{1,18}")) {
      throw queryError("X-Amz-Expires should be a number");
    }
    long seconds = Long.parseLong(text);
    if (seconds < 1) {
      throw queryError("X-Amz-Expires must be at least 1 second");
    }
    if (seconds > MAX_EXPIRES_SECONDS) {
      throw queryError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    return seconds;
  }

  private static String single(S3Request request, String name) {
    List<String> values = request.queryValues(name);
    if (values.size() != 1 || values.get(0).isEmpty()) {
      throw queryError(
          "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential,"
              + " X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters,"
              + " each exactly once.");
    }
    return values.get(0);
  }

  private static S3AuthException queryError(String message) {
    return new S3AuthException(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, message);
  }
}
