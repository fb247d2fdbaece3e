package io.cess.core.s3;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Signs S3 requests with AWS Signature Version 4 as the AWS SDKs do, through the same {@link
 * CanonicalRequest} and {@link SigningKey} code that {@link SigV4} verifies with: an {@code
 * Authorization} header over every header the request carries, or a presigned URL's query
 * parameters. The gateway uses it to hand out presigned URLs; tests use it to make requests.
 * Instances are immutable and safe to share between threads.
 */
public final class SigV4Signer {
  private static final String SERVICE = "s3";

  private final String accessKeyId;
  private final String secretAccessKey;
  private final String region;

  public SigV4Signer(String accessKeyId, String secretAccessKey, String region) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    this.region = Objects.requireNonNull(region, "region");
    if (accessKeyId.isEmpty() || accessKeyId.contains("/") || region.isEmpty()) {
      throw new IllegalArgumentException("access key id and region must be non-empty, no '/'");
    }
  }

  /**
   * The request with an {@code Authorization} header added that signs all its headers. The request
   * must carry {@code host}, {@code x-amz-date} and {@code x-amz-content-sha256}.
   */
  public S3Request sign(S3Request request) {
    return request.withHeader("Authorization", authorization(request));
  }

  /** The {@code Authorization} header value {@link #sign} adds. */
  public String authorization(S3Request request) {
    String amzDate = required(request, "x-amz-date");
    if (AmzDate.parse(amzDate).isEmpty()) {
      throw new IllegalArgumentException("x-amz-date is not yyyyMMdd'T'HHmmss'Z': " + amzDate);
    }
    String payloadHash = ContentSha256.parse(required(request, ContentSha256.HEADER)).headerValue();
    required(request, "host");
    CredentialScope scope = scope(amzDate);
    List<String> signedHeaders = signedHeaders(request);
    String signature =
        SigningKey.derive(secretAccessKey, scope)
            .requestSignature(request, signedHeaders, payloadHash, amzDate);
    return AuthorizationHeader.ALGORITHM
        + " Credential="
        + accessKeyId
        + "/"
        + scope
        + ", SignedHeaders="
        + String.join(";", signedHeaders)
        + ", Signature="
        + signature;
  }

  /**
   * The query parameters of a presigned URL for the request: its own, then {@code X-Amz-Algorithm},
   * {@code X-Amz-Credential}, {@code X-Amz-Date}, {@code X-Amz-Expires}, {@code
   * X-Amz-SignedHeaders} and {@code X-Amz-Signature}. Every header of the request is signed, so it
   * should carry only {@code host} unless the URL's user will send the others exactly so. Render
   * with {@link QueryParameter#toRawQuery}.
   *
   * @param expires 1 second to 7 days
   */
  public List<QueryParameter> presign(S3Request request, Instant time, Duration expires) {
    long expiresSeconds = expires.getSeconds();
    if (expiresSeconds < 1 || expiresSeconds > PresignedQuery.MAX_EXPIRES_SECONDS) {
      throw new IllegalArgumentException("expires must be 1 s to 7 days, is " + expires);
    }
    required(request, "host");
    String amzDate = AmzDate.format(time);
    CredentialScope scope = scope(amzDate);
    List<String> signedHeaders = signedHeaders(request);
    List<QueryParameter> query = new ArrayList<>(request.query());
    query.add(new QueryParameter(PresignedQuery.ALGORITHM, AuthorizationHeader.ALGORITHM));
    query.add(new QueryParameter(PresignedQuery.CREDENTIAL, accessKeyId + "/" + scope));
    query.add(new QueryParameter(PresignedQuery.DATE, amzDate));
    query.add(new QueryParameter(PresignedQuery.EXPIRES, Long.toString(expiresSeconds)));
    query.add(new QueryParameter(PresignedQuery.SIGNED_HEADERS, String.join(";", signedHeaders)));
    S3Request toSign = request.withQuery(query);
    String signature =
        SigningKey.derive(secretAccessKey, scope)
            .requestSignature(
                toSign, signedHeaders, ContentSha256.forPresigned(request).headerValue(), amzDate);
    query.add(new QueryParameter(PresignedQuery.SIGNATURE, signature));
    return List.copyOf(query);
  }

  private CredentialScope scope(String amzDate) {
    return new CredentialScope(amzDate.substring(0, 8), region, SERVICE);
  }

  /** Every header name of the request but {@code authorization}, lower-case and sorted. */
  private static List<String> signedHeaders(S3Request request) {
    return request.headers().keySet().stream()
        .map(name -> name.toLowerCase(Locale.ROOT))
        .filter(name -> !name.equals("authorization"))
        .sorted()
        .toList();
  }

  private static String required(S3Request request, String name) {
    return request
        .header(name)
        .orElseThrow(() -> new IllegalArgumentException("the request must carry " + name));
  }
}
