package io.cess.core.s3;

import java.util.Objects;

/**
 * The {@code Credential} a SigV4 request claims ({@code Credential=} in the {@code Authorization}
 * header, {@code X-Amz-Credential} in a presigned URL): the access key id and the {@link
 * CredentialScope}, written {@code AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request}.
 */
public record Credential(String accessKeyId, CredentialScope scope) {
  public Credential {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(scope, "scope");
    if (accessKeyId.isEmpty() || accessKeyId.contains("/")) {
      throw new IllegalArgumentException("access key id must be non-empty and contain no '/'");
    }
  }

  /**
   * Parses {@code AK/yyyyMMdd/region/service/aws4_request}; the region and service are only checked
   * for shape here, against the gateway's by {@link SigV4}.
   */
  static Credential parse(String text, AuthMechanism mechanism) {
    String[] parts = text.split("/", -1);
    if (parts.length != 5
        || parts[0].isEmpty()
        || !parts[1].matches("[0-9]{8}")
        || parts[2].isEmpty()
        || parts[3].isEmpty()) {
      throw mechanism.malformedCredential(
          "the Credential is mal-formed; expecting"
              + " \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    }
    if (!parts[4].equals(CredentialScope.TERMINATOR)) {
      throw mechanism.malformedCredential(
          "incorrect terminal \"" + parts[4] + "\". This endpoint uses \"aws4_request\".");
    }
    return new Credential(parts[0], new CredentialScope(parts[1], parts[2], parts[3]));
  }

  @Override
  public String toString() {
    return accessKeyId + "/" + scope;
  }
}
