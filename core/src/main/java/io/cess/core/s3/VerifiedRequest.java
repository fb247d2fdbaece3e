package io.cess.core.s3;

import java.time.Instant;
import java.util.Objects;

/**
 * A request whose SigV4 signature {@link SigV4} has checked: who signed it, when, and what its
 * {@code x-amz-content-sha256} promises about the body, which is still to be read and checked (see
 * {@link ContentSha256#verify} and {@link AwsChunkedDecoder#forRequest}). The signature is the seed
 * of an aws-chunked body's signature chain.
 */
public record VerifiedRequest(
    Credential credential,
    String amzDate,
    Instant requestTime,
    String signature,
    SigningKey signingKey,
    ContentSha256 contentSha256,
    boolean presigned) {
  public VerifiedRequest {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(amzDate, "amzDate");
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(signingKey, "signingKey");
    Objects.requireNonNull(contentSha256, "contentSha256");
  }

  public String accessKeyId() {
    return credential.accessKeyId();
  }

  /** A fresh chain of chunk signatures seeded with this request's signature. */
  public SignatureChain signatureChain() {
    return new SignatureChain(signingKey, amzDate, signature);
  }
}
