package io.cess.http.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.s3.QueryParameter;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.SigV4Signer;
import io.cess.http.routes.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The S3-compatible API against three in-JVM nodes and the real Cassandra: an account mints an
 * access key, then SigV4-signed requests (headers and presigned URLs) create a bucket and put,
 * list, read, range-read and delete objects; wrong secrets, bad digests, expired URLs and other
 * accounts' buckets get S3's error codes, and nothing is stored by a refused request.
 */
public class S3ApiIT {

  private static final Map<String, String> OVERRIDES = Map.of(
      "cess.gateway.segment-size", "1MiB",
      "akka.coordinated-shutdown.exit-jvm", "off",
      "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");

  private static TestCluster cluster;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String REGION = "us-east-1";
  private static String accessKeyId;
  private static String secret;
  private static SigV4Signer signer;
  private static SigV4Signer otherAccount;
  private final Random random = new Random(RUN.hashCode());

  @BeforeClass
  public static void startCluster() throws Exception {
    Path work = TestCluster.workDir().resolve("s3-" + RUN);
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(work, 3, OVERRIDES);
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    cluster.awaitMiners(6, Duration.ofSeconds(30));
    JsonNode mine = newAccountKey();
    accessKeyId = mine.path("accessKeyId").asText();
    secret = mine.path("secretAccessKey").asText();
    signer = new SigV4Signer(accessKeyId, secret, REGION);
    JsonNode other = newAccountKey();
    otherAccount = new SigV4Signer(other.path("accessKeyId").asText(), other.path("secretAccessKey").asText(), REGION);
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A new account and one access key of it, minted through the signed native API. */
  private static JsonNode newAccountKey() throws Exception {
    AccountKeys keys = AccountKeys.generate();
    byte[] body = ("{\"signingKey\":\"" + keys.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, nativeSigned(keys, "POST", "/v1/accounts", body).statusCode());
    HttpResponse<byte[]> minted = nativeSigned(keys, "POST", "/v1/accounts/" + keys.accountId() + "/keys", new byte[0]);
    assertEquals(new String(minted.body(), StandardCharsets.UTF_8), 201, minted.statusCode());
    return Json.MAPPER.readTree(minted.body());
  }

  private static HttpResponse<byte[]> nativeSigned(AccountKeys keys, String method, String target, byte[] body) throws Exception {
    return http.send(TestCluster.signed(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)), keys, method, target, Sha256.hex(body))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String host(int node) {
    return URI.create(cluster.url(node)).getAuthority();
  }

  /** A SigV4-signed request as the AWS SDKs send it: payload hash, date and host signed. */
  private static HttpResponse<byte[]> s3(SigV4Signer by, int node, String method, String rawTarget, byte[] body, Map<String, String> extra)
      throws Exception {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("host", host(node));
    headers.put("x-amz-date", io.cess.core.s3.AmzDate.format(Instant.now()));
    headers.put("x-amz-content-sha256", Sha256.hex(body));
    headers.putAll(extra);
    S3Request signed = by.sign(S3Request.of(method, rawTarget, headers));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url(node) + rawTarget)).timeout(Duration.ofSeconds(60));
    signed.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return http.send(b.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> s3(int node, String method, String rawTarget, byte[] body) throws Exception {
    return s3(signer, node, method, rawTarget, body, Map.of());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static void assertError(HttpResponse<byte[]> r, int status, String code) {
    assertEquals(text(r), status, r.statusCode());
    assertTrue(text(r), text(r).contains("<Code>" + code + "</Code>"));
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  @Test
  public void bucketsAndObjectsRoundTripThroughSigV4() throws Exception {
    String bucket = "s3-" + RUN;
    byte[] none = new byte[0];
    HttpResponse<byte[]> created = s3(1, "PUT", "/" + bucket, none);
    assertEquals(text(created), 200, created.statusCode());
    assertError(s3(2, "PUT", "/" + bucket, none), 409, "BucketAlreadyOwnedByYou");
    assertError(s3(otherAccount, 2, "PUT", "/" + bucket, none, Map.of()), 409, "BucketAlreadyExists");
    assertEquals(200, s3(3, "HEAD", "/" + bucket, none).statusCode());
    assertError(s3(1, "GET", "/nosuch-" + RUN + "?list-type=2", none), 404, "NoSuchBucket");
    assertTrue(text(s3(2, "GET", "/", none)).contains("<Name>" + bucket + "</Name>"));

    byte[] content = randomBytes(2 * 1024 * 1024 + 77);
    byte[] md5 = MessageDigest.getInstance("MD5").digest(content);
    HttpResponse<byte[]> put = s3(signer, 1, "PUT", "/" + bucket + "/dir/a%20file.bin", content,
        Map.of("content-md5", Base64.getEncoder().encodeToString(md5), "x-amz-meta-color", "blue", "content-type", "image/png"));
    assertEquals(text(put), 200, put.statusCode());
    assertEquals("\"" + HexFormat.of().formatHex(md5) + "\"", put.headers().firstValue("etag").orElse(""));
    assertEquals(200, s3(2, "PUT", "/" + bucket + "/top.txt", "hello".getBytes(StandardCharsets.UTF_8)).statusCode());

    HttpResponse<byte[]> got = s3(3, "GET", "/" + bucket + "/dir/a%20file.bin", none);
    assertEquals(200, got.statusCode());
    assertArrayEquals(content, got.body());
    assertEquals("blue", got.headers().firstValue("x-amz-meta-color").orElse(""));
    assertEquals("image/png", got.headers().firstValue("content-type").orElse(""));
    HttpResponse<byte[]> ranged = s3(signer, 2, "GET", "/" + bucket + "/dir/a%20file.bin", none, Map.of("range", "bytes=1048570-1048580"));
    assertEquals(206, ranged.statusCode());
    assertArrayEquals(java.util.Arrays.copyOfRange(content, 1048570, 1048581), ranged.body());
    HttpResponse<byte[]> head = s3(1, "HEAD", "/" + bucket + "/dir/a%20file.bin", none);
    assertEquals(String.valueOf(content.length), head.headers().firstValue("content-length").orElse(""));

    String listing = text(s3(1, "GET", "/" + bucket + "?list-type=2&delimiter=%2F", none));
    assertTrue(listing, listing.contains("<Key>top.txt</Key>"));
    assertTrue(listing, listing.contains("<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"));
    String page1 = text(s3(1, "GET", "/" + bucket + "?list-type=2&max-keys=1", none));
    assertTrue(page1, page1.contains("<IsTruncated>true</IsTruncated>") && page1.contains("<Key>dir/a file.bin</Key>"));
    String token = page1.replaceAll("(?s).*<NextContinuationToken>([^<]+)</NextContinuationToken>.*", "$1");
    String page2 = text(s3(1, "GET", "/" + bucket + "?continuation-token=" + token + "&list-type=2&max-keys=1", none));
    assertTrue(page2, page2.contains("<Key>top.txt</Key>") && page2.contains("<IsTruncated>false</IsTruncated>"));

    assertError(s3(otherAccount, 1, "GET", "/" + bucket + "/top.txt", none, Map.of()), 403, "AccessDenied");
    assertError(s3(1, "DELETE", "/" + bucket, none), 409, "BucketNotEmpty");
    assertEquals(204, s3(2, "DELETE", "/" + bucket + "/top.txt", none).statusCode());
    assertEquals(204, s3(2, "DELETE", "/" + bucket + "/dir/a%20file.bin", none).statusCode());
    assertError(s3(3, "GET", "/" + bucket + "/top.txt", none), 404, "NoSuchKey");
    assertEquals(204, s3(1, "DELETE", "/" + bucket, none).statusCode());
    assertEquals("a HEAD error has no body", 404, s3(1, "HEAD", "/" + bucket + "/x", none).statusCode());
  }

  @Test
  public void multipartUploadsAssembleTheirPartsInOrder() throws Exception {
    String bucket = "s3-mp-" + RUN;
    byte[] none = new byte[0];
    assertEquals(200, s3(1, "PUT", "/" + bucket, none).statusCode());
    String target = "/" + bucket + "/big.bin";
    String uploadId = uploadIdOf(s3(2, "POST", target + "?uploads", none));
    byte[] part1 = randomBytes(5 * 1024 * 1024);
    byte[] part2 = randomBytes(1024 * 1024 + 3);
    // parts may arrive in any order, from any gateway
    String etag2 = s3(3, "PUT", target + "?partNumber=2&uploadId=" + uploadId, part2).headers().firstValue("etag").orElseThrow();
    String etag1 = s3(1, "PUT", target + "?partNumber=1&uploadId=" + uploadId, part1).headers().firstValue("etag").orElseThrow();
    String parts = text(s3(2, "GET", target + "?uploadId=" + uploadId, none));
    assertTrue(parts, parts.contains("<PartNumber>1</PartNumber>") && parts.contains("<PartNumber>2</PartNumber>"));

    byte[] completion = ("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etag1 + "</ETag></Part>"
        + "<Part><PartNumber>2</PartNumber><ETag>" + etag2 + "</ETag></Part></CompleteMultipartUpload>").getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> completed = s3(1, "POST", target + "?uploadId=" + uploadId, completion);
    assertEquals(text(completed), 200, completed.statusCode());
    MessageDigest md5 = MessageDigest.getInstance("MD5");
    md5.update(MessageDigest.getInstance("MD5").digest(part1));
    md5.update(MessageDigest.getInstance("MD5").digest(part2));
    String expectedEtag = HexFormat.of().formatHex(md5.digest()) + "-2";
    assertTrue(text(completed), text(completed).contains("<ETag>&quot;" + expectedEtag + "&quot;</ETag>"));

    HttpResponse<byte[]> got = s3(2, "GET", target, none);
    byte[] whole = new byte[part1.length + part2.length];
    System.arraycopy(part1, 0, whole, 0, part1.length);
    System.arraycopy(part2, 0, whole, part1.length, part2.length);
    assertArrayEquals(whole, got.body());
    assertEquals("\"" + expectedEtag + "\"", got.headers().firstValue("etag").orElse(""));
    assertError(s3(3, "POST", target + "?uploadId=" + uploadId, completion), 404, "NoSuchUpload");

    // an aborted upload takes no more parts; parts too small are refused at completion
    String aborted = uploadIdOf(s3(1, "POST", "/" + bucket + "/other?uploads", none));
    String small = s3(1, "PUT", "/" + bucket + "/other?partNumber=1&uploadId=" + aborted, randomBytes(1000)).headers().firstValue("etag").orElseThrow();
    s3(1, "PUT", "/" + bucket + "/other?partNumber=2&uploadId=" + aborted, randomBytes(1000));
    String tooSmall = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + small + "</ETag></Part>"
        + "<Part><PartNumber>2</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>";
    assertError(s3(2, "POST", "/" + bucket + "/other?uploadId=" + aborted, tooSmall.getBytes(StandardCharsets.UTF_8)), 400, "EntityTooSmall");
    assertEquals(204, s3(2, "DELETE", "/" + bucket + "/other?uploadId=" + aborted, none).statusCode());
    assertError(s3(3, "PUT", "/" + bucket + "/other?partNumber=3&uploadId=" + aborted, randomBytes(10)), 404, "NoSuchUpload");
    assertError(s3(3, "GET", "/" + bucket + "/other", none), 404, "NoSuchKey");
  }

  @Test
  public void theAwsSdkForJavaWorksUnchanged() throws Exception {
    try (software.amazon.awssdk.services.s3.S3Client sdk = software.amazon.awssdk.services.s3.S3Client.builder()
        .endpointOverride(URI.create(cluster.url(2)))
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(accessKeyId, secret)))
        .build()) {
      String bucket = "s3-sdk-" + RUN;
      sdk.createBucket(b -> b.bucket(bucket));
      byte[] content = randomBytes(1024 * 1024 + 11);
      // the SDK's defaults: a CRC32 trailer on an aws-chunked body
      sdk.putObject(b -> b.bucket(bucket).key("docs/a.bin").metadata(Map.of("owner", "sdk")),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(content));
      assertArrayEquals(content, sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/a.bin")).asByteArray());
      assertEquals("sdk", sdk.headObject(b -> b.bucket(bucket).key("docs/a.bin")).metadata().get("owner"));
      assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, 20),
          sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/a.bin").range("bytes=10-19")).asByteArray());
      var listing = sdk.listObjectsV2(b -> b.bucket(bucket).delimiter("/"));
      assertEquals(List.of("docs/"), listing.commonPrefixes().stream().map(p -> p.prefix()).toList());

      String uploadId = sdk.createMultipartUpload(b -> b.bucket(bucket).key("big.bin")).uploadId();
      byte[] p1 = randomBytes(5 * 1024 * 1024);
      byte[] p2 = randomBytes(333);
      String e1 = sdk.uploadPart(b -> b.bucket(bucket).key("big.bin").uploadId(uploadId).partNumber(1),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(p1)).eTag();
      String e2 = sdk.uploadPart(b -> b.bucket(bucket).key("big.bin").uploadId(uploadId).partNumber(2),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(p2)).eTag();
      sdk.completeMultipartUpload(b -> b.bucket(bucket).key("big.bin").uploadId(uploadId).multipartUpload(m -> m.parts(
          software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(e1).build(),
          software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(e2).build())));
      byte[] big = sdk.getObjectAsBytes(b -> b.bucket(bucket).key("big.bin")).asByteArray();
      assertEquals(p1.length + p2.length, big.length);
      assertArrayEquals(p2, java.util.Arrays.copyOfRange(big, p1.length, big.length));

      var missing = org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class,
          () -> sdk.getObjectAsBytes(b -> b.bucket(bucket).key("nope")));
      assertEquals(404, missing.statusCode());

      // conditional reads
      String etag = sdk.headObject(b -> b.bucket(bucket).key("docs/a.bin")).eTag();
      assertArrayEquals(content, sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/a.bin").ifMatch(etag)).asByteArray());
      var changed = org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
          () -> sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/a.bin").ifMatch("\"0000\"")));
      assertEquals(412, changed.statusCode());
      var unchanged = org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
          () -> sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/a.bin").ifNoneMatch(etag)));
      assertEquals(304, unchanged.statusCode());

      // copy, then delete several keys at once
      sdk.copyObject(b -> b.sourceBucket(bucket).sourceKey("docs/a.bin").destinationBucket(bucket).destinationKey("docs/copy.bin"));
      assertArrayEquals(content, sdk.getObjectAsBytes(b -> b.bucket(bucket).key("docs/copy.bin")).asByteArray());
      assertEquals("sdk", sdk.headObject(b -> b.bucket(bucket).key("docs/copy.bin")).metadata().get("owner"));
      var deleted = sdk.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(
          software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key("docs/a.bin").build(),
          software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key("docs/copy.bin").build(),
          software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key("big.bin").build())));
      assertEquals(3, deleted.deleted().size());
      assertEquals(0, sdk.listObjectsV2(b -> b.bucket(bucket)).keyCount().intValue());
      sdk.deleteBucket(b -> b.bucket(bucket));
    }
  }

  private software.amazon.awssdk.services.s3.S3Client sdk(URI endpoint, boolean pathStyle) {
    return software.amazon.awssdk.services.s3.S3Client.builder()
        .endpointOverride(endpoint)
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .forcePathStyle(pathStyle)
        // *.s3.localhost to loopback, whatever this machine's resolver says about it
        .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder().dnsResolver(new LoopbackLocalhost()))
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(accessKeyId, secret)))
        .build();
  }

  /** Resolves {@code localhost} and every {@code *.localhost} to 127.0.0.1 (as RFC 6761 lets resolvers do), nothing else but 127.0.0.1 itself. */
  private static final class LoopbackLocalhost implements org.apache.hc.client5.http.DnsResolver {
    @Override
    public java.net.InetAddress[] resolve(String host) throws java.net.UnknownHostException {
      if (host.equals("127.0.0.1") || host.equals("localhost") || host.endsWith(".localhost")) {
        return new java.net.InetAddress[] {java.net.InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
      }
      throw new java.net.UnknownHostException(host + " is not under localhost");
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }

  @Test
  public void virtualHostedStyleAddressesTheBucketByHost() throws Exception {
    URI endpoint = URI.create("http://s3.localhost:" + URI.create(cluster.url(3)).getPort());
    try (software.amazon.awssdk.services.s3.S3Client virtual = sdk(endpoint, false);
        software.amazon.awssdk.services.s3.S3Client pathStyle = sdk(URI.create(cluster.url(1)), true)) {
      String bucket = "s3-vhost-" + RUN;
      virtual.createBucket(b -> b.bucket(bucket));
      byte[] content = randomBytes(70_000);
      virtual.putObject(b -> b.bucket(bucket).key("dir/with space+plus.bin"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(content));
      // the same object either way: the bucket from the Host or from the path
      assertArrayEquals(content, pathStyle.getObjectAsBytes(b -> b.bucket(bucket).key("dir/with space+plus.bin")).asByteArray());
      assertArrayEquals(content, virtual.getObjectAsBytes(b -> b.bucket(bucket).key("dir/with space+plus.bin")).asByteArray());
      assertEquals(List.of("dir/with space+plus.bin"),
          virtual.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).toList());
      assertTrue(virtual.listBuckets().buckets().stream().anyMatch(x -> x.name().equals(bucket)));
      assertEquals(404, org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.NoSuchBucketException.class,
          () -> virtual.listObjectsV2(b -> b.bucket("nosuch-" + RUN))).statusCode());
      virtual.deleteObject(b -> b.bucket(bucket).key("dir/with space+plus.bin"));
      virtual.deleteBucket(b -> b.bucket(bucket));
      assertEquals(404, s3(1, "HEAD", "/" + bucket, new byte[0]).statusCode());
    }
  }

  @Test
  public void multipartUploadsAreListedAndPartsCopiedFromObjects() throws Exception {
    try (software.amazon.awssdk.services.s3.S3Client sdk = sdk(URI.create(cluster.url(1)), true)) {
      String bucket = "s3-mpx-" + RUN;
      sdk.createBucket(b -> b.bucket(bucket));
      byte[] source = randomBytes(6 * 1024 * 1024 + 5);
      sdk.putObject(b -> b.bucket(bucket).key("source.bin"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(source));

      String first = sdk.createMultipartUpload(b -> b.bucket(bucket).key("logs/a")).uploadId();
      String second = sdk.createMultipartUpload(b -> b.bucket(bucket).key("logs/a")).uploadId();
      String other = sdk.createMultipartUpload(b -> b.bucket(bucket).key("copy.bin")).uploadId();
      var all = sdk.listMultipartUploads(b -> b.bucket(bucket));
      assertEquals(List.of("copy.bin#" + other, "logs/a#" + first, "logs/a#" + second),
          all.uploads().stream().map(u -> u.key() + "#" + u.uploadId()).toList());
      assertEquals(Boolean.FALSE, all.isTruncated());
      var page = sdk.listMultipartUploads(b -> b.bucket(bucket).prefix("logs/").maxUploads(1));
      assertEquals(List.of(first), page.uploads().stream().map(u -> u.uploadId()).toList());
      assertEquals(Boolean.TRUE, page.isTruncated());
      var rest = sdk.listMultipartUploads(b -> b.bucket(bucket).prefix("logs/")
          .keyMarker(page.nextKeyMarker()).uploadIdMarker(page.nextUploadIdMarker()));
      assertEquals(List.of(second), rest.uploads().stream().map(u -> u.uploadId()).toList());
      assertEquals(List.of("logs/"),
          sdk.listMultipartUploads(b -> b.bucket(bucket).delimiter("/")).commonPrefixes().stream().map(p -> p.prefix()).toList());

      // parts copied from an object: a range, then the rest
      var part1 = sdk.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("source.bin").destinationBucket(bucket)
          .destinationKey("copy.bin").uploadId(other).partNumber(1).copySourceRange("bytes=0-5242879"));
      var part2 = sdk.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("source.bin").destinationBucket(bucket)
          .destinationKey("copy.bin").uploadId(other).partNumber(2).copySourceRange("bytes=5242880-" + (source.length - 1)));
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      assertEquals("\"" + HexFormat.of().formatHex(md5.digest(java.util.Arrays.copyOfRange(source, 0, 5242880))) + "\"",
          part1.copyPartResult().eTag());
      var badRange = org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
          () -> sdk.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("source.bin").destinationBucket(bucket)
              .destinationKey("copy.bin").uploadId(other).partNumber(3).copySourceRange("bytes=0-" + source.length)));
      assertEquals("InvalidArgument", badRange.awsErrorDetails().errorCode());
      var missing = org.junit.Assert.assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
          () -> sdk.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("nope").destinationBucket(bucket)
              .destinationKey("copy.bin").uploadId(other).partNumber(3)));
      assertEquals(404, missing.statusCode());
      sdk.completeMultipartUpload(b -> b.bucket(bucket).key("copy.bin").uploadId(other).multipartUpload(m -> m.parts(
          software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1).eTag(part1.copyPartResult().eTag()).build(),
          software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(2).eTag(part2.copyPartResult().eTag()).build())));
      assertArrayEquals(source, sdk.getObjectAsBytes(b -> b.bucket(bucket).key("copy.bin")).asByteArray());

      // another account may not copy from this bucket into its own upload
      String foreignBucket = "s3-mpx-other-" + RUN;
      assertEquals(200, s3(otherAccount, 2, "PUT", "/" + foreignBucket, new byte[0], Map.of()).statusCode());
      String foreign = uploadIdOf(s3(otherAccount, 2, "POST", "/" + foreignBucket + "/stolen?uploads", new byte[0], Map.of()));
      assertError(s3(otherAccount, 2, "PUT", "/" + foreignBucket + "/stolen?partNumber=1&uploadId=" + foreign, new byte[0],
          Map.of("x-amz-copy-source", "/" + bucket + "/source.bin")), 403, "AccessDenied");

      // completed and aborted uploads are no longer listed
      sdk.abortMultipartUpload(b -> b.bucket(bucket).key("logs/a").uploadId(first));
      assertEquals(List.of(second),
          sdk.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream().map(u -> u.uploadId()).toList());
      sdk.abortMultipartUpload(b -> b.bucket(bucket).key("logs/a").uploadId(second));
      assertEquals(0, sdk.listMultipartUploads(b -> b.bucket(bucket)).uploads().size());
    }
  }

  @Test
  public void flexibleChecksumsAreVerifiedAndAMismatchStoresNothing() throws Exception {
    String bucket = "s3-sum-" + RUN;
    byte[] none = new byte[0];
    assertEquals(200, s3(1, "PUT", "/" + bucket, none).statusCode());
    byte[] content = randomBytes(1024 * 1024 + 99);
    byte[] changed = content.clone();
    changed[12345] ^= 1;
    io.cess.core.s3.ChecksumAlgorithm sha256 = io.cess.core.s3.ChecksumAlgorithm.SHA256;

    // a header: checked, echoed; a body that does not match is BadDigest and leaves nothing
    HttpResponse<byte[]> put = s3(signer, 1, "PUT", "/" + bucket + "/h", content,
        Map.of("x-amz-checksum-sha256", io.cess.core.s3.Checksums.base64(sha256, content)));
    assertEquals(text(put), 200, put.statusCode());
    assertEquals(io.cess.core.s3.Checksums.base64(sha256, content), put.headers().firstValue("x-amz-checksum-sha256").orElse(""));
    HttpResponse<byte[]> bad = s3(signer, 2, "PUT", "/" + bucket + "/h", changed,
        Map.of("x-amz-checksum-sha256", io.cess.core.s3.Checksums.base64(sha256, content)));
    assertError(bad, 400, "BadDigest");
    assertTrue(text(bad), text(bad).contains("The SHA256 you specified did not match the calculated checksum."));
    assertArrayEquals("the object before the refused put is still there", content, s3(3, "GET", "/" + bucket + "/h", none).body());
    assertError(s3(signer, 2, "PUT", "/" + bucket + "/h2", changed,
        Map.of("x-amz-checksum-crc32c", io.cess.core.s3.Checksums.base64(io.cess.core.s3.ChecksumAlgorithm.CRC32C, content))), 400, "BadDigest");
    assertError(s3(3, "GET", "/" + bucket + "/h2", none), 404, "NoSuchKey");

    // a trailer (x-amz-sdk-checksum-algorithm without a value): checked when the body ends
    io.cess.core.s3.ChecksumAlgorithm crc64 = io.cess.core.s3.ChecksumAlgorithm.CRC64NVME;
    HttpResponse<byte[]> trailed = s3(signer, 1, "PUT", "/" + bucket + "/t", trailerBody(content, crc64, io.cess.core.s3.Checksums.base64(crc64, content)),
        trailerHeaders(content.length, crc64));
    assertEquals(text(trailed), 200, trailed.statusCode());
    assertEquals(io.cess.core.s3.Checksums.base64(crc64, content), trailed.headers().firstValue("x-amz-checksum-crc64nvme").orElse(""));
    assertArrayEquals(content, s3(2, "GET", "/" + bucket + "/t", none).body());
    assertError(s3(signer, 1, "PUT", "/" + bucket + "/t2", trailerBody(changed, crc64, io.cess.core.s3.Checksums.base64(crc64, content)),
        trailerHeaders(content.length, crc64)), 400, "BadDigest");
    assertError(s3(3, "GET", "/" + bucket + "/t2", none), 404, "NoSuchKey");

    // a part: the same, and a refused part is not listed
    String target = "/" + bucket + "/mp";
    String uploadId = uploadIdOf(s3(2, "POST", target + "?uploads", none));
    assertError(s3(signer, 3, "PUT", target + "?partNumber=1&uploadId=" + uploadId, trailerBody(changed, crc64, io.cess.core.s3.Checksums.base64(crc64, content)),
        trailerHeaders(content.length, crc64)), 400, "BadDigest");
    assertTrue(!text(s3(1, "GET", target + "?uploadId=" + uploadId, none)).contains("<Part>"));
    HttpResponse<byte[]> part = s3(signer, 3, "PUT", target + "?partNumber=1&uploadId=" + uploadId, content,
        Map.of("x-amz-checksum-crc32", io.cess.core.s3.Checksums.base64(io.cess.core.s3.ChecksumAlgorithm.CRC32, content)));
    assertEquals(text(part), 200, part.statusCode());
    assertEquals(io.cess.core.s3.Checksums.base64(io.cess.core.s3.ChecksumAlgorithm.CRC32, content),
        part.headers().firstValue("x-amz-checksum-crc32").orElse(""));
    assertEquals(204, s3(1, "DELETE", target + "?uploadId=" + uploadId, none).statusCode());

    // the SDK with another algorithm than its default
    try (software.amazon.awssdk.services.s3.S3Client sdk = sdk(URI.create(cluster.url(2)), true)) {
      var answer = sdk.putObject(b -> b.bucket(bucket).key("sdk").checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA1),
          software.amazon.awssdk.core.sync.RequestBody.fromBytes(content));
      assertEquals(io.cess.core.s3.Checksums.base64(io.cess.core.s3.ChecksumAlgorithm.SHA1, content), answer.checksumSHA1());
    }
  }

  /** An unsigned aws-chunked body of 64 KiB chunks with a checksum trailer, as the AWS SDKs send it. */
  private static byte[] trailerBody(byte[] content, io.cess.core.s3.ChecksumAlgorithm algorithm, String value) {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (int at = 0; at < content.length; at += 65536) {
      int n = Math.min(65536, content.length - at);
      body.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      body.write(content, at, n);
      body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    body.writeBytes(("0\r\n" + algorithm.headerName() + ":" + value + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return body.toByteArray();
  }

  private static Map<String, String> trailerHeaders(int decodedLength, io.cess.core.s3.ChecksumAlgorithm algorithm) {
    return Map.of(
        "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "content-encoding", "aws-chunked",
        "x-amz-decoded-content-length", Integer.toString(decodedLength),
        "x-amz-trailer", algorithm.headerName(),
        "x-amz-sdk-checksum-algorithm", algorithm.name());
  }

  private static String uploadIdOf(HttpResponse<byte[]> initiated) {
    assertEquals(text(initiated), 200, initiated.statusCode());
    return text(initiated).replaceAll("(?s).*<UploadId>([^<]+)</UploadId>.*", "$1");
  }

  @Test
  public void refusedRequestsGetS3CodesAndStoreNothing() throws Exception {
    String bucket = "s3-neg-" + RUN;
    byte[] none = new byte[0];
    assertEquals(200, s3(1, "PUT", "/" + bucket, none).statusCode());
    byte[] content = "some bytes".getBytes(StandardCharsets.UTF_8);

    SigV4Signer wrongSecret = new SigV4Signer(accessKeyId, "x".repeat(40), REGION);
    assertError(s3(wrongSecret, 1, "PUT", "/" + bucket + "/k", content, Map.of()), 403, "SignatureDoesNotMatch");
    SigV4Signer unknown = new SigV4Signer("CESSNOSUCHKEY0000000", "x".repeat(40), REGION);
    assertError(s3(unknown, 1, "GET", "/" + bucket, none, Map.of()), 403, "InvalidAccessKeyId");
    assertError(s3(signer, 2, "PUT", "/" + bucket + "/k", content,
        Map.of("content-md5", Base64.getEncoder().encodeToString(new byte[16]))), 400, "BadDigest");
    assertError(s3(2, "GET", "/" + bucket + "/k", none), 404, "NoSuchKey");

    // presigned: good until it expires
    assertEquals(200, s3(1, "PUT", "/" + bucket + "/shared", content).statusCode());
    assertEquals(200, http.send(HttpRequest.newBuilder(presigned(3, "/" + bucket + "/shared", Instant.now(), Duration.ofMinutes(5))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    HttpResponse<byte[]> expired = http.send(HttpRequest.newBuilder(
        presigned(3, "/" + bucket + "/shared", Instant.now().minus(Duration.ofMinutes(10)), Duration.ofSeconds(60))).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertError(expired, 403, "AccessDenied");
  }

  private static URI presigned(int node, String path, Instant at, Duration expires) {
    S3Request request = S3Request.of("GET", path, Map.of("host", host(node)));
    List<QueryParameter> query = signer.presign(request, at, expires);
    return URI.create(cluster.url(node) + path + "?" + QueryParameter.toRawQuery(query));
  }
}
