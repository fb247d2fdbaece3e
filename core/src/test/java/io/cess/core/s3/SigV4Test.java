package io.cess.core.s3;

import static io.cess.core.s3.AwsExamples.AMZ_DATE;
import static io.cess.core.s3.AwsExamples.EMPTY_SHA256;
import static io.cess.core.s3.AwsExamples.TIME;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.Test;

/**
 * The S3 SigV4 examples AWS publishes (Authorization header: GET object with Range, PUT object, GET
 * bucket lifecycle, GET bucket list; query string: the presigned GET), their canonical requests and
 * signatures, and the refusals around them.
 */
public class SigV4Test {
  private static final String HOST = "examplebucket.s3.amazonaws.com";

  // --- The published examples -------------------------------------------------------------------

  private static S3Request getObjectWithRange() {
    return S3Request.of(
        "GET",
        "/test.txt",
        headers(
            "Host", HOST,
            "Range", "bytes=0-9",
            "x-amz-content-sha256", EMPTY_SHA256,
            "x-amz-date", AMZ_DATE));
  }

  private static S3Request putObject(String rawPath) {
    return S3Request.of(
        "PUT",
        rawPath,
        headers(
            "Host", HOST,
            "Date", "Fri, 24 May 2013 00:00:00 GMT",
            "x-amz-date", AMZ_DATE,
            "x-amz-storage-class", "REDUCED_REDUNDANCY",
            "x-amz-content-sha256",
                "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"));
  }

  private static S3Request bucketGet(String rawTarget) {
    return S3Request.of(
        "GET",
        rawTarget,
        headers("Host", HOST, "x-amz-content-sha256", EMPTY_SHA256, "x-amz-date", AMZ_DATE));
  }

  @Test
  public void getObjectWithRangeCanonicalRequestAndSignatureAreThePublishedOnes() {
    S3Request request = getObjectWithRange();
    List<String> signed = List.of("host", "range", "x-amz-content-sha256", "x-amz-date");
    String canonical = CanonicalRequest.build(request, signed, EMPTY_SHA256);
    assertEquals(
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            + "x-amz-content-sha256:"
            + EMPTY_SHA256
            + "\nx-amz-date:20130524T000000Z\n\n"
            + "host;range;x-amz-content-sha256;x-amz-date\n"
            + EMPTY_SHA256,
        canonical);
    assertEquals(
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
        Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            + "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
        AwsExamples.signingKey().requestStringToSign(AMZ_DATE, canonical));
    assertEquals(
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        AwsExamples.signer().authorization(request));
  }

  @Test
  public void thePublishedGetObjectAuthorizationHeaderVerifies() {
    S3Request request =
        getObjectWithRange()
            .withHeader(
                "Authorization",
                "AWS4-HMAC-SHA256"
                    + " Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                    + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                    + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    VerifiedRequest verified = AwsExamples.verifier().verify(request);
    assertEquals("AKIAIOSFODNN7EXAMPLE", verified.accessKeyId());
    assertEquals(TIME, verified.requestTime());
    assertEquals(ContentSha256.Kind.SHA256, verified.contentSha256().kind());
    assertFalse(verified.presigned());
  }

  @Test
  public void putObjectSignsTheDollarSignEncodedOnceWhicheverWayTheClientSentIt() {
    String expected =
        "PUT\n"
            + "/test%24file.text\n\n"
            + "date:Fri, 24 May 2013 00:00:00 GMT\n"
            + "host:examplebucket.s3.amazonaws.com\n"
            + "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\n"
            + "x-amz-date:20130524T000000Z\n"
            + "x-amz-storage-class:REDUCED_REDUNDANCY\n\n"
            + "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n"
            + "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
    List<String> signed =
        List.of("date", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-storage-class");
    for (String rawPath : List.of("/test$file.text", "/test%24file.text", "/test%24file%2etext")) {
      S3Request request = putObject(rawPath);
      String canonical =
          CanonicalRequest.build(
              request, signed, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
      assertEquals(rawPath, expected, canonical);
      assertEquals(
          "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
          Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
      String authorization = AwsExamples.signer().authorization(request);
      assertTrue(
          authorization,
          authorization.endsWith(
              "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
      AwsExamples.verifier().verify(request.withHeader("Authorization", authorization));
    }
  }

  @Test
  public void putObjectBodyMustMatchItsSignedSha256() {
    S3Request request = AwsExamples.signer().sign(putObject("/test$file.text"));
    ContentSha256 content = AwsExamples.verifier().verify(request).contentSha256();
    content.verify(
        Sha256.newDigest().digest("Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8)));
    S3AuthException refused =
        assertThrows(
            S3AuthException.class,
            () -> content.verify(Sha256.newDigest().digest("Welcome to Amazon S4.".getBytes())));
    assertEquals("XAmzContentSHA256Mismatch", refused.errorCode());
    assertEquals(400, refused.httpStatus());
  }

  @Test
  public void getBucketLifecycleSignsTheValuelessParameterAsNameEquals() {
    S3Request request = bucketGet("/?lifecycle");
    List<String> signed = List.of("host", "x-amz-content-sha256", "x-amz-date");
    String canonical = CanonicalRequest.build(request, signed, EMPTY_SHA256);
    assertTrue(canonical, canonical.startsWith("GET\n/\nlifecycle=\nhost:"));
    assertEquals(
        "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
        Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
    assertSignature(request, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  }

  @Test
  public void listObjectsSortsTheQueryParameters() {
    for (String target : List.of("/?max-keys=2&prefix=J", "/?prefix=J&max-keys=2")) {
      S3Request request = bucketGet(target);
      List<String> signed = List.of("host", "x-amz-content-sha256", "x-amz-date");
      String canonical = CanonicalRequest.build(request, signed, EMPTY_SHA256);
      assertTrue(canonical, canonical.startsWith("GET\n/\nmax-keys=2&prefix=J\nhost:"));
      assertEquals(
          "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
          Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
      assertSignature(request, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }
  }

  private static void assertSignature(S3Request request, String signature) {
    String authorization = AwsExamples.signer().authorization(request);
    assertTrue(authorization, authorization.endsWith("Signature=" + signature));
    AwsExamples.verifier().verify(request.withHeader("Authorization", authorization));
  }

  // --- Presigned URLs ---------------------------------------------------------------------------

  private static final String PUBLISHED_PRESIGNED_QUERY =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256"
          + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
          + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
          + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

  private static S3Request presignedGet(String rawQuery) {
    return S3Request.of("GET", "/test.txt?" + rawQuery, headers("Host", HOST));
  }

  @Test
  public void presignedUrlIsThePublishedOne() {
    S3Request request = S3Request.of("GET", "/test.txt", headers("Host", HOST));
    List<QueryParameter> query =
        AwsExamples.signer().presign(request, TIME, Duration.ofSeconds(86_400));
    assertEquals(PUBLISHED_PRESIGNED_QUERY, QueryParameter.toRawQuery(query));
    String canonical =
        CanonicalRequest.build(request.withQuery(query), List.of("host"), "UNSIGNED-PAYLOAD");
    assertEquals(
        "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
            + "%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
            + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com"
            + "\n\nhost\nUNSIGNED-PAYLOAD",
        canonical);
    assertEquals(
        "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04",
        Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  public void thePublishedPresignedUrlVerifiesUntilItExpires() {
    S3Request request = presignedGet(PUBLISHED_PRESIGNED_QUERY);
    VerifiedRequest verified = AwsExamples.verifierAt(TIME.plusSeconds(3600)).verify(request);
    assertTrue(verified.presigned());
    assertEquals(ContentSha256.Kind.UNSIGNED, verified.contentSha256().kind());
    AwsExamples.verifierAt(TIME.plusSeconds(86_400)).verify(request);

    S3AuthException expired =
        assertThrows(
            S3AuthException.class,
            () -> AwsExamples.verifierAt(TIME.plusSeconds(86_401)).verify(request));
    assertEquals("AccessDenied", expired.errorCode());
    assertEquals("Request has expired", expired.getMessage());
    assertEquals(403, expired.httpStatus());
  }

  @Test
  public void presignedUrlFromTheFutureIsNotValidYet() {
    S3AuthException early =
        assertThrows(
            S3AuthException.class,
            () ->
                AwsExamples.verifierAt(TIME.minus(Duration.ofMinutes(16)))
                    .verify(presignedGet(PUBLISHED_PRESIGNED_QUERY)));
    assertEquals("AccessDenied", early.errorCode());
    AwsExamples.verifierAt(TIME.minus(Duration.ofMinutes(15)))
        .verify(presignedGet(PUBLISHED_PRESIGNED_QUERY));
  }

  @Test
  public void presignedUrlWithATamperedPartIsRefused() {
    Map<String, String> tampered =
        Map.of(
            "a tampered signature", PUBLISHED_PRESIGNED_QUERY.replace("d404", "d405"),
            "a longer expiry", PUBLISHED_PRESIGNED_QUERY.replace("86400", "86401"),
            "another object", PUBLISHED_PRESIGNED_QUERY + "&x-id=GetObject");
    tampered.forEach(
        (what, query) -> {
          S3AuthException refused =
              assertThrows(
                  what,
                  S3AuthException.class,
                  () -> AwsExamples.verifier().verify(presignedGet(query)));
          assertEquals(what, "SignatureDoesNotMatch", refused.errorCode());
        });
    S3AuthException otherPath =
        assertThrows(
            S3AuthException.class,
            () ->
                AwsExamples.verifier()
                    .verify(
                        S3Request.of(
                            "GET",
                            "/test2.txt?" + PUBLISHED_PRESIGNED_QUERY,
                            headers("Host", HOST))));
    assertEquals("SignatureDoesNotMatch", otherPath.errorCode());
  }

  @Test
  public void presignedExpiryMustBeOneSecondToAWeek() {
    for (String expires : List.of("0", "-1", "604801", "86400s", "")) {
      S3AuthException refused =
          assertThrows(
              expires,
              S3AuthException.class,
              () ->
                  AwsExamples.verifier()
                      .verify(
                          presignedGet(
                              PUBLISHED_PRESIGNED_QUERY.replace(
                                  "X-Amz-Expires=86400", "X-Amz-Expires=" + expires))));
      assertEquals(expires, "AuthorizationQueryParametersError", refused.errorCode());
    }
    S3Request week = S3Request.of("GET", "/test.txt", headers("Host", HOST));
    List<QueryParameter> query =
        AwsExamples.signer().presign(week, TIME, Duration.ofSeconds(604_800));
    AwsExamples.verifierAt(TIME.plusSeconds(604_800)).verify(week.withQuery(query));
    assertThrows(
        IllegalArgumentException.class,
        () -> AwsExamples.signer().presign(week, TIME, Duration.ofSeconds(604_801)));
  }

  @Test
  public void presignedQueryMissingAParameterIsRefused() {
    for (String parameter :
        List.of("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature")) {
      String query = PUBLISHED_PRESIGNED_QUERY.replace(parameter + "=", "Not-" + parameter + "=");
      S3AuthException refused =
          assertThrows(
              parameter,
              S3AuthException.class,
              () -> AwsExamples.verifier().verify(presignedGet(query)));
      assertEquals(parameter, "AuthorizationQueryParametersError", refused.errorCode());
    }
  }

  @Test
  public void presignedUrlMayNotAlsoCarryAnAuthorizationHeader() {
    S3Request both =
        presignedGet(PUBLISHED_PRESIGNED_QUERY)
            .withHeader("Authorization", "AWS4-HMAC-SHA256 Credential=x");
    assertEquals(
        "InvalidArgument",
        assertThrows(S3AuthException.class, () -> AwsExamples.verifier().verify(both)).errorCode());
  }

  // --- Refusals of header-signed requests -------------------------------------------------------

  private static S3Request signedGet() {
    return AwsExamples.signer().sign(getObjectWithRange());
  }

  private static S3AuthException refusal(SigV4 verifier, S3Request request) {
    return assertThrows(S3AuthException.class, () -> verifier.verify(request));
  }

  private static S3AuthException refusal(S3Request request) {
    return refusal(AwsExamples.verifier(), request);
  }

  /** {@code request} with its Authorization header value transformed. */
  private static S3Request withAuthorization(S3Request request, UnaryOperator<String> change) {
    Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
    headers.put("Authorization", List.of(change.apply(request.header("authorization").get())));
    return new S3Request(request.method(), request.rawPath(), request.query(), headers);
  }

  @Test
  public void wrongSecretDoesNotMatch() {
    S3Request signedWithWrongSecret =
        new SigV4Signer(AwsExamples.ACCESS_KEY_ID, "not-the-secret", "us-east-1")
            .sign(getObjectWithRange());
    S3AuthException refused = refusal(signedWithWrongSecret);
    assertEquals("SignatureDoesNotMatch", refused.errorCode());
    assertEquals(403, refused.httpStatus());
  }

  @Test
  public void tamperedSignatureDoesNotMatch() {
    S3Request request = withAuthorization(signedGet(), a -> a.replace("db41", "db40"));
    assertEquals("SignatureDoesNotMatch", refusal(request).errorCode());
    S3Request shortened = withAuthorization(signedGet(), a -> a.substring(0, a.length() - 1));
    assertEquals("SignatureDoesNotMatch", refusal(shortened).errorCode());
  }

  @Test
  public void changedSignedHeaderPathOrMethodDoesNotMatch() {
    S3Request signed = signedGet();
    Map<String, List<String>> headers = new LinkedHashMap<>(signed.headers());
    headers.put("Range", List.of("bytes=0-99"));
    List<S3Request> changed =
        List.of(
            new S3Request("GET", "/test.txt", List.of(), headers),
            new S3Request("GET", "/test.txT", List.of(), signed.headers()),
            new S3Request("GET", "/test.txt/", List.of(), signed.headers()),
            new S3Request("GET", "//test.txt", List.of(), signed.headers()),
            new S3Request("HEAD", "/test.txt", List.of(), signed.headers()),
            new S3Request(
                "GET", "/test.txt", List.of(new QueryParameter("acl", "")), signed.headers()));
    for (S3Request request : changed) {
      assertEquals(request.toString(), "SignatureDoesNotMatch", refusal(request).errorCode());
    }
  }

  @Test
  public void headerValueWhitespaceIsCanonicalizedAway() {
    Map<String, List<String>> headers = new LinkedHashMap<>(signedGet().headers());
    headers.put("Range", List.of("  bytes=0-9 \t "));
    AwsExamples.verifier().verify(new S3Request("GET", "/test.txt", List.of(), headers));
  }

  @Test
  public void unknownAccessKeyIsInvalidAccessKeyId() {
    S3Request request =
        new SigV4Signer("AKIANOBODY", AwsExamples.SECRET_ACCESS_KEY, "us-east-1")
            .sign(getObjectWithRange());
    S3AuthException refused = refusal(request);
    assertEquals("InvalidAccessKeyId", refused.errorCode());
    assertEquals(403, refused.httpStatus());
  }

  @Test
  public void clockSkewOfMoreThanFifteenMinutesIsRefusedEitherWay() {
    S3Request request = signedGet();
    Duration fifteen = Duration.ofMinutes(15);
    AwsExamples.verifierAt(TIME.plus(fifteen)).verify(request);
    AwsExamples.verifierAt(TIME.minus(fifteen)).verify(request);
    for (Instant now :
        List.of(TIME.plus(fifteen).plusSeconds(1), TIME.minus(fifteen).minusSeconds(1))) {
      S3AuthException refused = refusal(AwsExamples.verifierAt(now), request);
      assertEquals("RequestTimeTooSkewed", refused.errorCode());
      assertEquals(403, refused.httpStatus());
    }
  }

  @Test
  public void theDateHeaderServesWhenThereIsNoXAmzDate() {
    S3Request request =
        S3Request.of(
            "GET",
            "/test.txt",
            headers(
                "Host",
                HOST,
                "Date",
                "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-content-sha256",
                EMPTY_SHA256));
    List<String> signed = List.of("date", "host", "x-amz-content-sha256");
    String signature =
        AwsExamples.signingKey().requestSignature(request, signed, EMPTY_SHA256, AMZ_DATE);
    S3Request authorized =
        request.withHeader(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential="
                + AwsExamples.CREDENTIAL_SCOPE
                + ",SignedHeaders=date;host;x-amz-content-sha256,Signature="
                + signature);
    assertEquals(TIME, AwsExamples.verifier().verify(authorized).requestTime());
    assertEquals(
        "RequestTimeTooSkewed",
        refusal(AwsExamples.verifierAt(TIME.plus(Duration.ofHours(1))), authorized).errorCode());

    S3Request dateNotSigned =
        request.withHeader(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential="
                + AwsExamples.CREDENTIAL_SCOPE
                + ",SignedHeaders=host;x-amz-content-sha256,Signature="
                + signature);
    assertEquals("AccessDenied", refusal(dateNotSigned).errorCode());
  }

  @Test
  public void missingOrUnreadableDateIsAccessDenied() {
    String authorization =
        "AWS4-HMAC-SHA256 Credential="
            + AwsExamples.CREDENTIAL_SCOPE
            + ",SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature="
            + "0".repeat(64);
    S3Request noDate =
        S3Request.of(
                "GET", "/test.txt", headers("Host", HOST, "x-amz-content-sha256", EMPTY_SHA256))
            .withHeader("Authorization", authorization);
    assertEquals("AccessDenied", refusal(noDate).errorCode());
    for (String date : List.of("20130524T250000Z", "2013-05-24T00:00:00Z", "20130524")) {
      S3Request unreadable = noDate.withHeader("x-amz-date", date);
      assertEquals(date, "AccessDenied", refusal(unreadable).errorCode());
    }
    S3Request twice = signedGet().withHeader("x-amz-date", AMZ_DATE);
    assertEquals("InvalidArgument", refusal(twice).errorCode());
  }

  @Test
  public void malformedAuthorizationHeadersAreAuthorizationHeaderMalformed() {
    String good = signedGet().header("authorization").get();
    List<String> malformed =
        List.of(
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 ",
            good.replace(", Signature=", ", Sig="),
            good.replaceFirst("Credential=[^,]*,", ""),
            good + ", Signature=" + "0".repeat(64),
            good.replace("/20130524/", "/2013-05-24/"),
            good.replace("/aws4_request", "/aws5_request"),
            good.replace("AKIAIOSFODNN7EXAMPLE/", "AKIAIOSFODNN7EXAMPLE/x/"),
            good.replace("SignedHeaders=host;", "SignedHeaders=Host;"),
            good.replace("SignedHeaders=host;", "SignedHeaders=host;;"),
            good.replace("SignedHeaders=host;", "SignedHeaders=host;host;"),
            good + ", Foo=bar");
    for (String value : malformed) {
      S3AuthException refused = refusal(withAuthorization(signedGet(), a -> value));
      assertEquals(value, "AuthorizationHeaderMalformed", refused.errorCode());
      assertEquals(value, 400, refused.httpStatus());
    }
  }

  @Test
  public void signatureVersion2IsNotSupported() {
    S3Request v2 =
        withAuthorization(
            signedGet(), a -> "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=");
    S3AuthException refused = refusal(v2);
    assertEquals("InvalidRequest", refused.errorCode());
    assertTrue(refused.getMessage().contains("Please use AWS4-HMAC-SHA256"));
  }

  @Test
  public void wrongRegionNamesTheExpectedOne() {
    S3Request request =
        new SigV4Signer(AwsExamples.ACCESS_KEY_ID, AwsExamples.SECRET_ACCESS_KEY, "eu-west-1")
            .sign(getObjectWithRange());
    S3AuthException refused = refusal(request);
    assertEquals("AuthorizationHeaderMalformed", refused.errorCode());
    assertTrue(refused.getMessage(), refused.getMessage().contains("expecting 'us-east-1'"));
  }

  @Test
  public void credentialDateMustBeTheRequestDay() {
    S3Request request = withAuthorization(signedGet(), a -> a.replace("/20130524/", "/20130523/"));
    assertEquals("AuthorizationHeaderMalformed", refusal(request).errorCode());
  }

  @Test
  public void otherServicesScopeIsRefused() {
    S3Request request = withAuthorization(signedGet(), a -> a.replace("/s3/", "/iam/"));
    assertEquals("AuthorizationHeaderMalformed", refusal(request).errorCode());
  }

  @Test
  public void unsignedAmzHeadersAreRefused() {
    S3Request request = signedGet().withHeader("x-amz-acl", "public-read");
    S3AuthException refused = refusal(request);
    assertEquals("AccessDenied", refused.errorCode());
    assertTrue(refused.getMessage(), refused.getMessage().endsWith("x-amz-acl"));
  }

  @Test
  public void hostMustBeSigned() {
    S3Request request =
        S3Request.of(
                "GET",
                "/test.txt",
                headers("Host", HOST, "x-amz-content-sha256", EMPTY_SHA256, "x-amz-date", AMZ_DATE))
            .withHeader(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + AwsExamples.CREDENTIAL_SCOPE
                    + ",SignedHeaders=x-amz-content-sha256;x-amz-date,Signature="
                    + "0".repeat(64));
    assertEquals("AccessDenied", refusal(request).errorCode());
  }

  @Test
  public void missingOrInvalidContentSha256IsRefused() {
    S3Request base =
        S3Request.of("GET", "/test.txt", headers("Host", HOST, "x-amz-date", AMZ_DATE));
    String authorization =
        "AWS4-HMAC-SHA256 Credential="
            + AwsExamples.CREDENTIAL_SCOPE
            + ",SignedHeaders=host;x-amz-date;x-amz-content-sha256,Signature="
            + "0".repeat(64);
    S3Request missing =
        withAuthorization(
            base.withHeader("Authorization", "x"),
            a -> authorization.replace(";x-amz-content-sha256", ""));
    assertEquals("InvalidRequest", refusal(missing).errorCode());
    for (String value :
        List.of("abc", EMPTY_SHA256 + "0", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")) {
      S3Request invalid =
          base.withHeader("x-amz-content-sha256", value).withHeader("Authorization", authorization);
      assertEquals(value, "InvalidArgument", refusal(invalid).errorCode());
    }
  }

  @Test
  public void streamingContentSha256ValuesAreRecognized() {
    Map<String, ContentSha256.Kind> kinds =
        Map.of(
            "UNSIGNED-PAYLOAD",
            ContentSha256.Kind.UNSIGNED,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            ContentSha256.Kind.STREAMING_SIGNED,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            ContentSha256.Kind.STREAMING_SIGNED_TRAILER,
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            ContentSha256.Kind.STREAMING_UNSIGNED_TRAILER,
            EMPTY_SHA256,
            ContentSha256.Kind.SHA256);
    kinds.forEach(
        (value, kind) -> {
          S3Request request =
              AwsExamples.signer()
                  .sign(
                      S3Request.of(
                          "PUT",
                          "/k",
                          headers(
                              "Host",
                              HOST,
                              "x-amz-date",
                              AMZ_DATE,
                              "x-amz-content-sha256",
                              value)));
          ContentSha256 content = AwsExamples.verifier().verify(request).contentSha256();
          assertEquals(value, kind, content.kind());
          assertEquals(value, content.headerValue());
        });
  }

  @Test
  public void anonymousAndTokenBearingRequestsAreRefused() {
    S3AuthException anonymous = refusal(getObjectWithRange());
    assertEquals("AccessDenied", anonymous.errorCode());
    S3Request withToken =
        AwsExamples.signer().sign(getObjectWithRange().withHeader("x-amz-security-token", "t"));
    assertEquals("InvalidToken", refusal(withToken).errorCode());
  }

  @Test
  public void twoAuthorizationHeadersAreMalformed() {
    S3Request request = signedGet().withHeader("Authorization", "AWS4-HMAC-SHA256 x");
    assertEquals("AuthorizationHeaderMalformed", refusal(request).errorCode());
  }

  @Test
  public void verificationRefusesNothingItSigned() {
    // Property: whatever key, query and header values a client uses, a request the signer signs
    // verifies, and the key's raw encoding (clients differ in what they leave unencoded) does not
    // matter.
    Random random = new Random(20130524);
    String alphabet = "aZ09-_.~ !$&'()*+,;=:@/%?#[]\"<>\\^`{|}\u00e9\u4e2d\ud83d\ude00";
    SigV4Signer signer = AwsExamples.signer();
    SigV4 verifier = AwsExamples.verifier();
    for (int round = 0; round < 300; round++) {
      String key = randomText(random, alphabet, 1 + random.nextInt(20));
      String value = randomText(random, alphabet, random.nextInt(10));
      String headerValue = randomText(random, "ab \t", random.nextInt(8));
      List<QueryParameter> query =
          List.of(new QueryParameter("prefix", value), new QueryParameter("list-type", "2"));
      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("Host", List.of(HOST));
      headers.put("x-amz-date", List.of(AMZ_DATE));
      headers.put("x-amz-content-sha256", List.of("UNSIGNED-PAYLOAD"));
      headers.put("x-amz-meta-note", List.of(headerValue));
      String encodedKey = UriEncoding.encode(key, false);
      S3Request request =
          signer.sign(new S3Request("PUT", "/bucket/" + encodedKey, query, headers));
      verifier.verify(request);
      String looselyEncodedKey = encodedKey.replace("%24", "$").replace("~", "%7e");
      verifier.verify(
          new S3Request("PUT", "/bucket/" + looselyEncodedKey, query, request.headers()));
      List<QueryParameter> parsed = QueryParameter.parseRawQuery(QueryParameter.toRawQuery(query));
      assertEquals(query, parsed);
      S3Request otherKey =
          new S3Request("PUT", "/bucket/" + encodedKey + "x", query, request.headers());
      assertThrows(S3AuthException.class, () -> verifier.verify(otherKey));
    }
  }

  private static String randomText(Random random, String alphabet, int codePoints) {
    int[] available = alphabet.codePoints().toArray();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < codePoints; i++) {
      text.appendCodePoint(available[random.nextInt(available.length)]);
    }
    return text.toString();
  }

  static Map<String, String> headers(String... namesAndValues) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  public void errorCodesCarryTheirHttpStatus() {
    assertEquals(403, S3ErrorCode.SIGNATURE_DOES_NOT_MATCH.httpStatus());
    assertEquals("XAmzContentSHA256Mismatch", S3ErrorCode.X_AMZ_CONTENT_SHA256_MISMATCH.code());
    assertEquals(411, S3ErrorCode.MISSING_CONTENT_LENGTH.httpStatus());
  }
}
