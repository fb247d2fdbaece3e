package io.cess.core.s3;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies AWS Signature Version 4 on S3 requests, both the {@code Authorization} header form and
 * presigned URLs, as S3 does: the credential scope must name this gateway's region, service {@code
 * s3} and the request's day; the request time ({@code x-amz-date}, else {@code Date}) must be
 * within {@link #MAX_CLOCK_SKEW} of the clock; a presigned URL must not have expired; {@code host},
 * every {@code x-amz-*} header present and the header that carries the time must be signed; and the
 * signature, computed over the {@link CanonicalRequest} with the secret from {@link SecretKeys},
 * must match (compared in constant time).
 *
 * <p>Verifying the headers does not verify the body: the returned {@link VerifiedRequest} says how
 * (a SHA-256 to compare at the end, an aws-chunked body to decode, or nothing). Anonymous requests
 * are refused. Session tokens are refused too, since this gateway issues none. Instances are
 * immutable and safe to share between threads.
 */
public final class SigV4 {
  /** The furthest a request time may be from the gateway's clock, as on S3. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

  private static final String SERVICE = "s3";

  private final String region;
  private final SecretKeys secretKeys;
  private final Clock clock;

  /**
   * @param region the region clients must sign for (for example {@code us-east-1}); a request
   *     signed for another is told which one to use, and the AWS SDKs then retry with it
   */
  public SigV4(String region, SecretKeys secretKeys, Clock clock) {
    this.region = Objects.requireNonNull(region, "region");
    this.secretKeys = Objects.requireNonNull(secretKeys, "secretKeys");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (region.isBlank() || region.contains("/")) {
      throw new IllegalArgumentException(
          "region must be non-blank without '/', is '" + region + "'");
    }
  }

  /**
   * @throws S3AuthException with the S3 error code for whatever is wrong, the first found
   */
  public VerifiedRequest verify(S3Request request) {
    List<String> authorization = request.headerValues("authorization");
    boolean presigned = PresignedQuery.isPresigned(request);
    if (!authorization.isEmpty() && presigned) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_ARGUMENT,
          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature"
              + " query string parameter or the Authorization header should be specified");
    }
    if (!request.headerValues("x-amz-security-token").isEmpty()
        || request.hasQueryParameter(PresignedQuery.SECURITY_TOKEN)) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_TOKEN, "The provided token is malformed or otherwise invalid.");
    }
    if (presigned) {
      return verifyPresigned(request);
    }
    if (authorization.size() == 1) {
      return verifyAuthorizationHeader(request, authorization.get(0));
    }
    if (authorization.size() > 1) {
      throw AuthMechanism.HEADER.malformed("there must be one Authorization header.");
    }
    throw new S3AuthException(
        S3ErrorCode.ACCESS_DENIED,
        "Anonymous access is not allowed: sign requests with AWS Signature Version 4.");
  }

  private VerifiedRequest verifyAuthorizationHeader(S3Request request, String headerValue) {
    AuthorizationHeader authorization = AuthorizationHeader.parse(headerValue);
    Credential credential = authorization.credential();
    checkScope(credential.scope(), AuthMechanism.HEADER);
    RequestTime time = requestTime(request);
    if (!time.amzDate().startsWith(credential.scope().date())) {
      throw AuthMechanism.HEADER.malformedCredential(
          "Invalid credential date \""
              + credential.scope().date()
              + "\". This date is not the same as X-Amz-Date: \""
              + time.amzDate()
              + "\".");
    }
    Duration skew = Duration.between(time.instant(), clock.instant()).abs();
    if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new S3AuthException(
          S3ErrorCode.REQUEST_TIME_TOO_SKEWED,
          "The difference between the request time and the server's time is too large.");
    }
    checkSignedHeaders(request, authorization.signedHeaders(), time.headerName());
    ContentSha256 content =
        ContentSha256.parse(
            request
                .header(ContentSha256.HEADER)
                .orElseThrow(
                    () ->
                        new S3AuthException(
                            S3ErrorCode.INVALID_REQUEST,
                            "Missing required header for this request: x-amz-content-sha256")));
    return checkSignature(
        request,
        credential,
        authorization.signedHeaders(),
        content,
        time,
        authorization.signature(),
        false);
  }

  private VerifiedRequest verifyPresigned(S3Request request) {
    PresignedQuery query = PresignedQuery.parse(request);
    Credential credential = query.credential();
    checkScope(credential.scope(), AuthMechanism.PRESIGNED);
    if (!query.amzDate().startsWith(credential.scope().date())) {
      throw AuthMechanism.PRESIGNED.malformedCredential(
          "Invalid credential date \""
              + credential.scope().date()
              + "\". This date is not the same as X-Amz-Date: \""
              + query.amzDate()
              + "\".");
    }
    Instant now = clock.instant();
    if (query.date().isAfter(now.plus(MAX_CLOCK_SKEW))) {
      throw new S3AuthException(S3ErrorCode.ACCESS_DENIED, "Request is not valid yet");
    }
    if (now.isAfter(query.date().plusSeconds(query.expiresSeconds()))) {
      throw new S3AuthException(S3ErrorCode.ACCESS_DENIED, "Request has expired");
    }
    checkSignedHeaders(request, query.signedHeaders(), null);
    return checkSignature(
        request,
        credential,
        query.signedHeaders(),
        ContentSha256.forPresigned(request),
        new RequestTime(query.amzDate(), query.date(), PresignedQuery.DATE),
        query.signature(),
        true);
  }

  private void checkScope(CredentialScope scope, AuthMechanism mechanism) {
    if (!scope.region().equals(region)) {
      throw mechanism.malformedCredential(
          "the region '" + scope.region() + "' is wrong; expecting '" + region + "'");
    }
    if (!scope.service().equals(SERVICE)) {
      throw mechanism.malformedCredential(
          "incorrect service \"" + scope.service() + "\". This endpoint belongs to \"s3\".");
    }
  }

  /** The request time: {@code x-amz-date} if present, else the {@code Date} header. */
  private static RequestTime requestTime(S3Request request) {
    Optional<String> amzDate = request.header("x-amz-date");
    if (amzDate.isPresent()) {
      Instant instant = AmzDate.parse(amzDate.get()).orElseThrow(SigV4::invalidDate);
      return new RequestTime(amzDate.get(), instant, "x-amz-date");
    }
    Instant instant =
        request.header("date").flatMap(AmzDate::parseHttpDate).orElseThrow(SigV4::invalidDate);
    return new RequestTime(AmzDate.format(instant), instant, "date");
  }

  private static S3AuthException invalidDate() {
    return new S3AuthException(
        S3ErrorCode.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header");
  }

  /**
   * {@code host} must be signed, as must every {@code x-amz-*} header present (else it could be
   * added or altered in flight: an ACL, a storage class, metadata) and the header carrying the
   * request time (else the signature could be replayed under a fresh time). Every signed header
   * must be present.
   */
  private static void checkSignedHeaders(
      S3Request request, List<String> signedHeaders, String timeHeader) {
    if (!signedHeaders.contains("host")) {
      throw new S3AuthException(
          S3ErrorCode.ACCESS_DENIED, "The host header must be among the signed headers.");
    }
    for (String name : request.headers().keySet()) {
      String lower = name.toLowerCase(Locale.ROOT);
      boolean mustBeSigned = lower.startsWith("x-amz-") || lower.equals(timeHeader);
      if (mustBeSigned && !signedHeaders.contains(lower)) {
        throw new S3AuthException(
            S3ErrorCode.ACCESS_DENIED,
            "There were headers present in the request which were not signed: " + lower);
      }
    }
    for (String name : signedHeaders) {
      if (request.headerValues(name).isEmpty()) {
        throw new S3AuthException(
            S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
            "The request signature we calculated does not match the signature you provided:"
                + " the signed header "
                + name
                + " is not in the request.");
      }
    }
  }

  private VerifiedRequest checkSignature(
      S3Request request,
      Credential credential,
      List<String> signedHeaders,
      ContentSha256 content,
      RequestTime time,
      String claimedSignature,
      boolean presigned) {
    String secret =
        secretKeys
            .secretKeyFor(credential.accessKeyId())
            .orElseThrow(
                () ->
                    new S3AuthException(
                        S3ErrorCode.INVALID_ACCESS_KEY_ID,
                        "The AWS Access Key Id you provided does not exist in our records."));
    SigningKey key = SigningKey.derive(secret, credential.scope());
    String signature =
        key.requestSignature(request, signedHeaders, content.headerValue(), time.amzDate());
    if (!SigningKey.sameSignature(signature, claimedSignature)) {
      throw new S3AuthException(
          S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
          "The request signature we calculated does not match the signature you provided."
              + " Check your key and signing method.");
    }
    return new VerifiedRequest(
        credential, time.amzDate(), time.instant(), signature, key, content, presigned);
  }

  /** The request time as signed ({@code amzDate}), as an instant, and the header it came from. */
  private record RequestTime(String amzDate, Instant instant, String headerName) {}
}
