package io.cess.core.s3;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The two ways a SigV4 request carries its signature, which S3 reports malformed input of
 * differently: an {@code Authorization} header ({@code AuthorizationHeaderMalformed}) or presigned
 * query parameters ({@code AuthorizationQueryParametersError}).
 */
enum AuthMechanism {
  HEADER(
      S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
      "The authorization header is malformed; ",
      "The authorization header is malformed; "),
  PRESIGNED(
      S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
      "",
      "Error parsing the X-Amz-Credential parameter; ");

  private final S3ErrorCode malformedCode;
  private final String messagePrefix;
  private final String credentialMessagePrefix;

  AuthMechanism(S3ErrorCode malformedCode, String messagePrefix, String credentialMessagePrefix) {
    this.malformedCode = malformedCode;
    this.messagePrefix = messagePrefix;
    this.credentialMessagePrefix = credentialMessagePrefix;
  }

  S3AuthException malformed(String detail) {
    return new S3AuthException(malformedCode, messagePrefix + detail);
  }

  /** A malformed or inapplicable credential, which S3 words differently per mechanism. */
  S3AuthException malformedCredential(String detail) {
    return new S3AuthException(malformedCode, credentialMessagePrefix + detail);
  }

  /**
   * The {@code SignedHeaders} list ({@code host;range;x-amz-date}): lower-case names, no empty or
   * repeated one. The order is kept as sent, since the client canonicalized in that order (every
   * SDK sorts, as the specification asks).
   */
  List<String> parseSignedHeaders(String text) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : text.split(";", -1)) {
      if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT)) || !seen.add(name)) {
        throw malformed(
            "the signed headers must be distinct lower-case names separated by ';', are '"
                + text
                + "'.");
      }
      names.add(name);
    }
    return List.copyOf(names);
  }
}
