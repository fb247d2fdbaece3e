package io.cess.core.s3;

import java.util.Objects;

/**
 * A request that S3 would refuse while authenticating it or checking the integrity of its body: a
 * bad or expired signature, an unknown access key, a skewed clock, a malformed {@code
 * Authorization} header or presigned query, a body that does not match its declared digest or
 * length. It carries the S3 error code (and so the HTTP status) that the gateway answers with; the
 * message is the human-readable {@code <Message>} and never contains a secret or a signing key.
 */
public class S3AuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final S3ErrorCode code;

  public S3AuthException(S3ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public S3ErrorCode code() {
    return code;
  }

  /** The S3 error code string, for example {@code "SignatureDoesNotMatch"}. */
  public String errorCode() {
    return code.code();
  }

  public int httpStatus() {
    return code.httpStatus();
  }
}
