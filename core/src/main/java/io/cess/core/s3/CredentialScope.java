package io.cess.core.s3;

import java.util.Objects;

/**
 * The scope a SigV4 signature is bound to: the UTC day ({@code yyyyMMdd}), the region and the
 * service, written {@code 20130524/us-east-1/s3/aws4_request}. The signing key is derived from the
 * secret and this scope, so a signature is worthless for another day, region or service.
 */
public record CredentialScope(String date, String region, String service) {
  static final String TERMINATOR = "aws4_request";

  public CredentialScope {
    Objects.requireNonNull(date, "date");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(service, "service");
    if (!date.matches("[0-9]{8}")) {
      throw new IllegalArgumentException("scope date must be yyyyMMdd, is '" + date + "'");
    }
    if (region.isEmpty() || service.isEmpty() || region.contains("/") || service.contains("/")) {
      throw new IllegalArgumentException("scope region and service must be non-empty, no '/'");
    }
  }

  /** {@code date/region/service/aws4_request}, as it appears in the string to sign. */
  @Override
  public String toString() {
    return date + "/" + region + "/" + service + "/" + TERMINATOR;
  }
}
