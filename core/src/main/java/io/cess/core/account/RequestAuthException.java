package io.cess.core.account;

import java.util.Objects;

/**
 * A native-API request refused while checking its {@code CESS-ED25519} signature. {@link #code()}
 * is the error code the gateway puts in its JSON error body: {@value #SIGNATURE_DOES_NOT_MATCH},
 * {@value #REQUEST_TIME_TOO_SKEWED}, {@value #INVALID_DATE} or {@value #INVALID_CONTENT_SHA256}.
 * The message is for humans and never contains key material.
 */
public class RequestAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String SIGNATURE_DOES_NOT_MATCH = "SignatureDoesNotMatch";
  public static final String REQUEST_TIME_TOO_SKEWED = "RequestTimeTooSkewed";
  public static final String INVALID_DATE = "InvalidDate";
  public static final String INVALID_CONTENT_SHA256 = "InvalidContentSha256";

  private final String code;

  public RequestAuthException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public String code() {
    return code;
  }
}
