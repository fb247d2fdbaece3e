package io.cess.core.s3;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The credentials, time and region of AWS's published S3 SigV4 examples (Signature Version 4
 * "Examples of signature calculations" for the Authorization header, query string authentication
 * and chunked uploads, all for {@code examplebucket} on 24 May 2013 in us-east-1).
 */
final class AwsExamples {
  static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String REGION = "us-east-1";
  static final String AMZ_DATE = "20130524T000000Z";
  static final Instant TIME = Instant.parse("2013-05-24T00:00:00Z");
  static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String CREDENTIAL_SCOPE = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";

  private AwsExamples() {}

  static SecretKeys secretKeys() {
    return accessKeyId ->
        accessKeyId.equals(ACCESS_KEY_ID) ? Optional.of(SECRET_ACCESS_KEY) : Optional.empty();
  }

  /** A verifier whose clock reads {@code now}. */
  static SigV4 verifierAt(Instant now) {
    return new SigV4(REGION, secretKeys(), Clock.fixed(now, ZoneOffset.UTC));
  }

  static SigV4 verifier() {
    return verifierAt(TIME);
  }

  static SigV4Signer signer() {
    return new SigV4Signer(ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION);
  }

  static SigningKey signingKey() {
    return SigningKey.derive(SECRET_ACCESS_KEY, new CredentialScope("20130524", REGION, "s3"));
  }
}
