package io.cess.http.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.SigV4Signer;
import io.cess.http.routes.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The gateway against abusive or broken clients, on one node with the real Cassandra and tiny
 * limits: callers over their request budget get 429 with Retry-After (per account across the
 * native and S3 APIs, per client address when unsigned), oversize bodies 413, stalled or
 * trickling bodies 408, oversize headers and URIs 431 and 414, a client stalling in its headers
 * is disconnected; and no refused upload leaves an object or a shard file behind.
 */
public class ProtectionIT {

  private static final int RATE_PER_SECOND = 5;
  private static final int MAX_OBJECT_BYTES = 1024 * 1024;
  private static final int SEGMENT_BYTES = 64 * 1024;
  private static final Duration BODY_IDLE = Duration.ofSeconds(2);
  private static final Duration CONNECTION_IDLE = Duration.ofSeconds(5);

  private static final Map<String, String> OVERRIDES = Map.ofEntries(
      Map.entry("cess.gateway.segment-size", SEGMENT_BYTES / 1024 + "KiB"),
      Map.entry("cess.gateway.max-object-size", MAX_OBJECT_BYTES / 1024 + "KiB"),
      // one node, one copy: the limits are under test here, not placement
      Map.entry("cess.gateway.default-policy", "replicas:1"),
      // raw-socket uploads stay unsigned (the dev switch): limits are under test, not signatures,
      // and unsigned requests are what the per-address budget is for
      Map.entry("cess.http.auth.require", "off"),
      Map.entry("cess.http.rate-limit.requests-per-second", Integer.toString(RATE_PER_SECOND)),
      Map.entry("cess.http.rate-limit.burst", "20"),
      Map.entry("cess.http.body-idle-timeout", BODY_IDLE.toSeconds() + "s"),
      Map.entry("cess.http.body-min-rate.bytes-per-second", "4KiB"),
      Map.entry("cess.http.body-min-rate.window", "3s"),
      Map.entry("akka.http.server.idle-timeout", CONNECTION_IDLE.toSeconds() + "s"),
      Map.entry("akka.coordinated-shutdown.exit-jvm", "off"),
      Map.entry("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"));

  private static TestCluster cluster;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String BUCKET = "protect-" + RUN;
  private static final String S3_BUCKET = "protect-s3-" + RUN;
  private static final String REGION = "us-east-1";
  private static AccountKeys account;
  private static SigV4Signer signer;
  private final Random random = new Random(RUN.hashCode());

  @BeforeClass
  public static void startCluster() throws Exception {
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(TestCluster.workDir().resolve("protection-" + RUN), 1, OVERRIDES);
    cluster.start(1);
    cluster.awaitMiners(2, Duration.ofSeconds(30));
    account = AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + account.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, nativeSigned("POST", "/v1/accounts", registration).statusCode());
    HttpResponse<byte[]> minted = nativeSigned("POST", "/v1/accounts/" + account.accountId() + "/keys", new byte[0]);
    assertEquals(text(minted), 201, minted.statusCode());
    JsonNode key = Json.MAPPER.readTree(minted.body());
    signer = new SigV4Signer(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText(), REGION);
    assertEquals(200, s3("PUT", "/" + S3_BUCKET, new byte[0]).statusCode());
    assertEquals(201, anonymous("PUT", "/v1/buckets/" + BUCKET + "/objects/kept", new byte[] {1, 2, 3}).statusCode());
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ------------------------------------------------------------------ rate limits

  @Test
  public void anAccountOverItsBudgetGets429WithRetryAfterOnBothApisUntilItRefills() throws Exception {
    HttpResponse<byte[]> refused = null;
    int admitted = 0;
    long refusedAt = 0;
    for (int i = 0; i < 60 && refused == null; i++) {
      refusedAt = System.nanoTime(); // no later than the gateway charged the request
      // a distinct target per request: identical signed requests within a second are replays
      HttpResponse<byte[]> r = nativeSigned("GET", "/v1/buckets/" + BUCKET + "/objects?prefix=n" + i, new byte[0]);
      if (r.statusCode() == 429) {
        refused = r;
      } else {
        assertEquals(text(r), 200, r.statusCode());
        admitted++;
      }
    }
    assertNotNull("60 signed requests at once were all admitted", refused);
    assertTrue("the burst of 20 (less the key minted) is admitted first, was " + admitted, admitted >= 18);
    assertEquals("SlowDown", Json.MAPPER.readTree(refused.body()).path("code").asText());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertEquals("one request refills in 1/5 s, rounded up to whole seconds", 1, retryAfter);

    // the same account through S3: the budget is the account's, whichever API it uses, so S3 is
    // refused too after at most what refilled meanwhile (a budget of its own would admit 20)
    HttpResponse<byte[]> s3Refused = null;
    int s3Admitted = 0;
    for (int i = 0; i < 40 && s3Refused == null; i++) {
      HttpResponse<byte[]> r = s3("GET", "/" + S3_BUCKET + "?list-type=2&n=" + i, new byte[0]);
      if (r.statusCode() == 429) {
        s3Refused = r;
      } else {
        assertEquals(text(r), 200, r.statusCode());
        s3Admitted++;
      }
    }
    assertNotNull("the account's S3 requests were all admitted", s3Refused);
    double refilled = RATE_PER_SECOND * (System.nanoTime() - refusedAt) / 1e9;
    assertTrue("S3 admitted " + s3Admitted + " with " + refilled + " refilled", s3Admitted <= Math.ceil(refilled));
    assertTrue(text(s3Refused), text(s3Refused).contains("<Code>SlowDown</Code>"));
    assertEquals("1", s3Refused.headers().firstValue("Retry-After").orElseThrow());

    // another caller (unsigned, by address) is not affected
    assertEquals(200, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects", new byte[0]).statusCode());

    // after Retry-After the account is served again
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int status;
    do {
      Thread.sleep(retryAfter * 1000);
      status = s3("GET", "/" + S3_BUCKET + "?list-type=2", new byte[0]).statusCode();
    } while (status == 429 && System.nanoTime() < deadline);
    assertEquals(200, status);
  }

  @Test
  public void unsignedRequestsShareTheBudgetOfTheirClientAddress() throws Exception {
    // from 127.0.0.2: a budget of its own, apart from the other tests' unsigned requests
    InetAddress client = InetAddress.getByName("127.0.0.2");
    RawResponse refused = null;
    long refusedAt = 0;
    for (int i = 0; i < 60 && refused == null; i++) {
      refusedAt = System.nanoTime();
      RawResponse r = raw(client, "GET /v1/buckets/" + BUCKET + "/objects HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      if (r.status() == 429) {
        refused = r;
      } else {
        assertEquals(r.body(), 200, r.status());
      }
    }
    assertNotNull("60 unsigned requests at once were all admitted", refused);
    assertEquals("SlowDown", Json.MAPPER.readTree(refused.body()).path("code").asText());
    assertEquals("1", refused.headers().get("retry-after"));
    // a forged X-Forwarded-For does not buy a fresh budget: admitted at most what refilled meanwhile
    int forgedAdmitted = 0;
    RawResponse forgedRefused = null;
    for (int i = 0; i < 40 && forgedRefused == null; i++) {
      RawResponse r = raw(client, "GET /v1/buckets/" + BUCKET + "/objects HTTP/1.1\r\nHost: localhost\r\n"
          + "X-Forwarded-For: 10.9.8." + i + "\r\nConnection: close\r\n\r\n");
      if (r.status() == 429) {
        forgedRefused = r;
      } else {
        assertEquals(r.body(), 200, r.status());
        forgedAdmitted++;
      }
    }
    assertNotNull("requests with forged X-Forwarded-For were all admitted", forgedRefused);
    double refilled = RATE_PER_SECOND * (System.nanoTime() - refusedAt) / 1e9;
    assertTrue("forged admitted " + forgedAdmitted + " with " + refilled + " refilled", forgedAdmitted <= Math.ceil(refilled));
    assertEquals("127.0.0.1 has a budget of its own", 200, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects", new byte[0]).statusCode());
  }

  // ------------------------------------------------------------------ body size

  @Test
  public void aDeclaredOversizeBodyIs413OnBothApisAndStoresNothing() throws Exception {
    List<String> before = listing();
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("PUT /v1/buckets/" + BUCKET + "/objects/too-big HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nContent-Length: " + (MAX_OBJECT_BYTES + 1) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(randomBytes(1000));
      RawResponse r = readResponse(s.getInputStream());
      assertNotNull("no response to an oversize upload", r);
      assertEquals(r.body(), 413, r.status());
      assertEquals("EntityTooLarge", Json.MAPPER.readTree(r.body()).path("code").asText());
    }
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(s3Head("PUT", "/" + S3_BUCKET + "/too-big", 2L * MAX_OBJECT_BYTES).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(randomBytes(1000));
      RawResponse r = readResponse(s.getInputStream());
      assertNotNull("no response to an oversize S3 upload", r);
      assertEquals(r.body(), 413, r.status());
      assertTrue(r.body(), r.body().contains("<Code>EntityTooLarge</Code>"));
    }
    assertEquals(404, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects/too-big", new byte[0]).statusCode());
    assertEquals(404, s3("HEAD", "/" + S3_BUCKET + "/too-big", new byte[0]).statusCode());
    assertEquals(before, listing());
  }

  @Test
  public void aChunkedBodyThatOutgrowsTheLimitIs413AndItsStoredSegmentsAreRemoved() throws Exception {
    List<String> before = listing();
    long shardFiles = shardFiles();
    RawResponse r = null;
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/buckets/" + BUCKET + "/objects/grows-too-big HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      try {
        // 16 segments' worth pass (and are placed) before the limit is crossed
        for (int sent = 0; sent <= MAX_OBJECT_BYTES; sent += SEGMENT_BYTES) {
          out.write((Integer.toHexString(SEGMENT_BYTES) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(randomBytes(SEGMENT_BYTES));
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        r = readResponse(s.getInputStream());
      } catch (SocketException reset) {
        // the server may close while unread body bytes sit in its socket: a reset, not a response
      }
    }
    System.out.println("chunked oversize upload: " + (r == null ? "connection reset before the response was read" : "answered " + r.status()));
    if (r != null) {
      assertEquals(r.body(), 413, r.status());
      assertEquals("EntityTooLarge", Json.MAPPER.readTree(r.body()).path("code").asText());
    }
    assertEquals(404, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects/grows-too-big", new byte[0]).statusCode());
    assertEquals(before, listing());
    awaitShardFiles(shardFiles);
  }

  // ------------------------------------------------------------------ slow clients

  @Test
  public void aStalledNativeUploadIsCutWith408AndLeavesNothing() throws Exception {
    List<String> before = listing();
    long shardFiles = shardFiles();
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/buckets/" + BUCKET + "/objects/stalled HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nContent-Length: " + MAX_OBJECT_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      // three whole segments (placed on the miners) and a bit, then nothing
      out.write(randomBytes(3 * SEGMENT_BYTES + 1000));
      out.flush();
      long started = System.nanoTime();
      RawResponse r = readResponse(s.getInputStream());
      long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      assertNotNull("the connection was closed without a response", r);
      assertEquals(r.body(), 408, r.status());
      assertEquals("RequestTimeout", Json.MAPPER.readTree(r.body()).path("code").asText());
      System.out.println("stalled native upload answered 408 after " + waitedMillis + " ms");
      assertTrue("cut by the body idle timeout, not the connection's: " + waitedMillis + " ms",
          waitedMillis < CONNECTION_IDLE.toMillis());
    }
    assertEquals(404, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects/stalled", new byte[0]).statusCode());
    assertEquals(before, listing());
    awaitShardFiles(shardFiles);
  }

  @Test
  public void aStalledS3UploadIsCutWith408RequestTimeout() throws Exception {
    long shardFiles = shardFiles();
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(s3Head("PUT", "/" + S3_BUCKET + "/stalled", MAX_OBJECT_BYTES).getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(randomBytes(2 * SEGMENT_BYTES + 10));
      s.getOutputStream().flush();
      RawResponse r = readResponse(s.getInputStream());
      assertNotNull("the connection was closed without a response", r);
      assertEquals(r.body(), 408, r.status());
      assertTrue(r.body(), r.body().contains("<Code>RequestTimeout</Code>"));
    }
    assertEquals(404, s3("HEAD", "/" + S3_BUCKET + "/stalled", new byte[0]).statusCode());
    awaitShardFiles(shardFiles);
  }

  @Test
  public void aTricklingUploadIsCutWith408() throws Exception {
    List<String> before = listing();
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/buckets/" + BUCKET + "/objects/trickled HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nContent-Length: " + MAX_OBJECT_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      AtomicBoolean stop = new AtomicBoolean();
      // 100 bytes every 250 ms: never idle for the 2 s idle timeout, far below 4 KiB/s
      Thread trickle = new Thread(() -> {
        try {
          while (!stop.get()) {
            out.write(randomBytes(100));
            out.flush();
            Thread.sleep(250);
          }
        } catch (IOException | InterruptedException closed) {
          // the server cut the connection or the test ended: the trickle is over either way
        }
      }, "trickle");
      trickle.start();
      try {
        RawResponse r = readResponse(s.getInputStream());
        assertNotNull("the connection was closed without a response", r);
        assertEquals(r.body(), 408, r.status());
        JsonNode error = Json.MAPPER.readTree(r.body());
        assertEquals("RequestTimeout", error.path("code").asText());
        assertTrue(error.path("error").asText(), error.path("error").asText().contains("body-min-rate"));
      } finally {
        stop.set(true);
        trickle.join(5_000);
      }
    }
    assertEquals(404, anonymous("GET", "/v1/buckets/" + BUCKET + "/objects/trickled", new byte[0]).statusCode());
    assertEquals(before, listing());
  }

  @Test
  public void aClientStallingInItsHeadersIsDisconnectedAfterTheIdleTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("GET /v1/cluster HTTP/1.1\r\nHost: localhost\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      long started = System.nanoTime();
      RawResponse r;
      try {
        r = readResponse(s.getInputStream());
      } catch (SocketException reset) {
        r = null;
      }
      long waitedMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.println("client stalling in its headers disconnected after " + waitedMillis + " ms");
      assertNull("no response to a request that never ended its headers", r);
      assertTrue("closed by akka-http's idle-timeout (" + CONNECTION_IDLE + "): " + waitedMillis + " ms",
          waitedMillis < CONNECTION_IDLE.toMillis() + 5_000);
    }
  }

  // ------------------------------------------------------------------ headers and URIs

  @Test
  public void oversizeOrTooManyHeadersAre431AndAnOversizeUriIs414WithJsonErrors() throws Exception {
    RawResponse value = raw(InetAddress.getLoopbackAddress(), "GET /v1/cluster HTTP/1.1\r\nHost: localhost\r\nX-Big: "
        + "v".repeat(9000) + "\r\nConnection: close\r\n\r\n");
    assertEquals(value.body(), 431, value.status());
    RawResponse name = raw(InetAddress.getLoopbackAddress(), "GET /v1/cluster HTTP/1.1\r\nHost: localhost\r\nX-"
        + "n".repeat(200) + ": v\r\nConnection: close\r\n\r\n");
    assertEquals(name.body(), 431, name.status());
    RawResponse uri = raw(InetAddress.getLoopbackAddress(), "GET /v1/buckets/" + BUCKET + "/objects/" + "k".repeat(9000)
        + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assertEquals(uri.body(), 414, uri.status());
    assertEquals("UriTooLong", Json.MAPPER.readTree(uri.body()).path("code").asText());
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 70; i++) {
      many.append("X-Header-").append(i).append(": v\r\n");
    }
    RawResponse count = raw(InetAddress.getLoopbackAddress(), "GET /v1/cluster HTTP/1.1\r\nHost: localhost\r\n" + many
        + "Connection: close\r\n\r\n");
    assertEquals(count.body(), 431, count.status());
    for (RawResponse r : List.of(value, name, count)) {
      assertEquals(r.body(), "RequestHeaderFieldsTooLarge", Json.MAPPER.readTree(r.body()).path("code").asText());
    }
    // within the limits: a long (S3-sized) key and metadata header names are fine
    RawResponse fine = raw(InetAddress.getLoopbackAddress(), "GET /v1/buckets/" + BUCKET + "/objects/" + "k".repeat(1024)
        + " HTTP/1.1\r\nHost: localhost\r\nX-Amz-Meta-" + "m".repeat(100) + ": v\r\nConnection: close\r\n\r\n");
    assertEquals(fine.body(), 404, fine.status());
  }

  // ------------------------------------------------------------------ helpers

  private record RawResponse(int status, Map<String, String> headers, String body) {}

  /** One request on its own connection from {@code local}; the whole response. */
  private static RawResponse raw(InetAddress local, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), TestCluster.BASE_HTTP_PORT, local, 0)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      RawResponse r = readResponse(s.getInputStream());
      assertNotNull("no response to " + request.lines().findFirst().orElse(""), r);
      return r;
    }
  }

  /** The response on {@code in}, or null when the connection ends before a status line. */
  private static RawResponse readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      return null;
    }
    Map<String, String> headers = new TreeMap<>();
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new RawResponse(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
  }

  /** The request line and headers of a SigV4-signed S3 request with an unsigned body of {@code length}. */
  private static String s3Head(String method, String target, long length) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("host", "127.0.0.1:" + TestCluster.BASE_HTTP_PORT);
    headers.put("x-amz-date", io.cess.core.s3.AmzDate.format(Instant.now()));
    headers.put("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
    S3Request signed = signer.sign(S3Request.of(method, target, headers));
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
    signed.headers().forEach((name, values) -> values.forEach(v -> head.append(name).append(": ").append(v).append("\r\n")));
    return head.append("Content-Length: ").append(length).append("\r\n\r\n").toString();
  }

  private static HttpResponse<byte[]> s3(String method, String rawTarget, byte[] body) throws Exception {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("host", URI.create(cluster.url(1)).getAuthority());
    headers.put("x-amz-date", io.cess.core.s3.AmzDate.format(Instant.now()));
    headers.put("x-amz-content-sha256", Sha256.hex(body));
    S3Request signed = signer.sign(S3Request.of(method, rawTarget, headers));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url(1) + rawTarget)).timeout(Duration.ofSeconds(30));
    signed.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return http.send(b.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> nativeSigned(String method, String target, byte[] body) throws Exception {
    String date = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String sha = Sha256.hex(body);
    return http.send(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)).timeout(Duration.ofSeconds(30))
        .header("Authorization", RequestSignature.authorization(account, method, target, date, sha))
        .header("x-cess-date", date).header("x-cess-content-sha256", sha)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> anonymous(String method, String target, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The keys of the native test bucket. */
  private static List<String> listing() throws Exception {
    HttpResponse<byte[]> r = anonymous("GET", "/v1/buckets/" + BUCKET + "/objects", new byte[0]);
    assertEquals(text(r), 200, r.statusCode());
    List<String> keys = new ArrayList<>();
    Json.MAPPER.readTree(r.body()).path("objects").forEach(o -> keys.add(o.path("key").asText()));
    return keys;
  }

  /** Every file on the node's miners: stored shards and shards being written. */
  private static long shardFiles() throws IOException {
    Path miners = cluster.dataDir("node1").resolve("miners");
    try (Stream<Path> files = Files.walk(miners)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** Waits until the node holds {@code expected} shard files again (a failed upload's are removed once placed). */
  private static void awaitShardFiles(long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    long now = shardFiles();
    while (now != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the node holds " + now + " shard files, " + expected + " before the refused upload");
      }
      Thread.sleep(100);
      now = shardFiles();
    }
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
