package io.cess.core.s3;

/**
 * The S3 error codes that request authentication and body integrity checks answer with, each with
 * the HTTP status S3 sends it under. {@link #code()} is what goes into the {@code <Code>} element
 * of the XML error body; stock clients branch on it (the AWS SDKs retry {@code
 * RequestTimeTooSkewed} after correcting their clock, and read the expected region out of an {@code
 * AuthorizationHeaderMalformed}), so it must be spelled exactly as S3 spells it.
 */
public enum S3ErrorCode {
  ACCESS_DENIED("AccessDenied", 403),
  AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400),
  AUTHORIZATION_QUERY_PARAMETERS_ERROR("AuthorizationQueryParametersError", 400),
  BAD_DIGEST("BadDigest", 400),
  INCOMPLETE_BODY("IncompleteBody", 400),
  INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403),
  INVALID_ARGUMENT("InvalidArgument", 400),
  INVALID_DIGEST("InvalidDigest", 400),
  INVALID_PART("InvalidPart", 400),
  INVALID_REQUEST("InvalidRequest", 400),
  INVALID_TOKEN("InvalidToken", 400),
  INVALID_URI("InvalidURI", 400),
  MALFORMED_TRAILER_ERROR("MalformedTrailerError", 400),
  MISSING_CONTENT_LENGTH("MissingContentLength", 411),
  REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403),
  SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
  X_AMZ_CONTENT_SHA256_MISMATCH("XAmzContentSHA256Mismatch", 400);

  private final String code;
  private final int httpStatus;

  S3ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The code exactly as S3 sends it, for example {@code SignatureDoesNotMatch}. */
  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
