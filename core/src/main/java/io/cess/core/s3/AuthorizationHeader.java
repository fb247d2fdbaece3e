package io.cess.core.s3;

import java.util.List;
import java.util.Objects;

/**
 * A parsed SigV4 {@code Authorization} header:
 *
 * <pre>
 * AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,
 *     SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8...db41
 * </pre>
 *
 * (one line; the comma-separated parts may carry spaces after the commas and come in any order).
 * Any other scheme, Signature Version 2's {@code AWS AK:sig} included, is refused as S3 refuses it
 * in regions that only speak SigV4.
 */
public record AuthorizationHeader(
    Credential credential, List<String> signedHeaders, String signature) {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";

  public AuthorizationHeader {
    Objects.requireNonNull(credential, "credential");
    signedHeaders = List.copyOf(signedHeaders);
    Objects.requireNonNull(signature, "signature");
  }

  /**
   * @throws S3AuthException {@code InvalidRequest} for another scheme, {@code
   *     AuthorizationHeaderMalformed} for a SigV4 header that does not parse
   */
  public static AuthorizationHeader parse(String value) {
    String text = value.strip();
    int space = text.indexOf(' ');
    String algorithm = space < 0 ? text : text.substring(0, space);
    if (!algorithm.equals(ALGORITHM)) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_REQUEST,
          "The authorization mechanism you have provided is not supported."
              + " Please use AWS4-HMAC-SHA256.");
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String part : text.substring(space + 1).split(",", -1)) {
      String component = part.strip();
      int equals = component.indexOf('=');
      String key = equals < 0 ? component : component.substring(0, equals);
      String componentValue = equals < 0 ? null : component.substring(equals + 1);
      switch (key) {
        case "Credential" -> credential = once(credential, componentValue, key);
        case "SignedHeaders" -> signedHeaders = once(signedHeaders, componentValue, key);
        case "Signature" -> signature = once(signature, componentValue, key);
        default -> throw AuthMechanism.HEADER.malformed("unexpected component '" + key + "'.");
      }
    }
    if (credential == null || signedHeaders == null || signature == null) {
      throw AuthMechanism.HEADER.malformed(
          "it must have the components Credential, SignedHeaders and Signature.");
    }
    return new AuthorizationHeader(
        Credential.parse(credential, AuthMechanism.HEADER),
        AuthMechanism.HEADER.parseSignedHeaders(signedHeaders),
        signature);
  }

  private static String once(String earlier, String value, String key) {
    if (value == null || value.isEmpty() || earlier != null) {
      throw AuthMechanism.HEADER.malformed(key + " must appear once, with a value.");
    }
    return value;
  }
}
