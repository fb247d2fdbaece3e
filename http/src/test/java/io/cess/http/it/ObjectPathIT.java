package io.cess.http.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The object path end to end: three nodes in one JVM, real HTTP, real Cassandra journal, shards
 * on the nodes' disks. Buckets get a random suffix so reruns against a kept Cassandra don't clash.
 */
public class ObjectPathIT {

  private static final Map<String, String> OVERRIDES = Map.of(
      "cess.gateway.segment-size", "1MiB",
      "cess.gateway.max-object-size", "32MiB",
      "akka.coordinated-shutdown.exit-jvm", "off",
      "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");

  private static TestCluster cluster;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String BUCKET = "it-" + UUID.randomUUID().toString().substring(0, 8);
  // seeded per run: content must differ between runs that share one Cassandra journal
  private final Random random = new Random(BUCKET.hashCode());

  @BeforeClass
  public static void startCluster() {
    Path work = TestCluster.workDir().resolve("object-path-" + BUCKET);
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(work, 3, OVERRIDES);
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  public void uploadIsStoredOnTwoNodesAndReadBackFromAnyGateway() throws Exception {
    byte[] content = randomBytes(5 * 1024 * 1024 + 12345);
    JsonNode stored = put(1, "docs/a%20b+c.bin", content);
    assertEquals(Sha256.hex(content), stored.path("sha256").asText());
    assertEquals(content.length, stored.path("sizeBytes").asLong());
    assertEquals(6, stored.path("segments").asInt());

    HttpResponse<byte[]> got = get(2, "docs/a%20b+c.bin");
    assertEquals(200, got.statusCode());
    assertTrue("downloaded bytes differ", Arrays.equals(content, got.body()));

    HttpResponse<byte[]> head = send(3, "HEAD", "docs/a%20b+c.bin", HttpRequest.BodyPublishers.noBody());
    assertEquals(200, head.statusCode());
    assertEquals(Sha256.hex(content), head.headers().firstValue("x-cess-sha256").orElse(""));
    assertEquals(String.valueOf(content.length), head.headers().firstValue("content-length").orElse(""));

    // every segment is on miners of at least two different nodes
    for (int s = 0; s < 6; s++) {
      int from = s * 1024 * 1024;
      byte[] seg = Arrays.copyOfRange(content, from, Math.min(content.length, from + 1024 * 1024));
      assertTrue("segment " + s + " on fewer than 2 nodes", nodesHolding(Sha256.hex(seg)) >= 2);
    }
  }

  @Test
  public void emptyAndTinyObjectsRoundTrip() throws Exception {
    for (int size : new int[] {0, 1, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1}) {
      byte[] content = randomBytes(size);
      put(1, "sizes/" + size, content);
      HttpResponse<byte[]> got = get(3, "sizes/" + size);
      assertEquals(200, got.statusCode());
      assertTrue("size " + size + " differs", Arrays.equals(content, got.body()));
    }
  }

  @Test
  public void missingObjectsAndBadNamesAreRefusedWithJsonErrors() throws Exception {
    HttpResponse<byte[]> missing = get(1, "no/such/key");
    assertEquals(404, missing.statusCode());
    assertEquals("NoSuchKey", json(missing.body()).path("code").asText());

    HttpResponse<byte[]> badBucket = send(1, "PUT", "/v1/buckets/Bad_Bucket/objects/k", HttpRequest.BodyPublishers.ofString("x"));
    assertEquals(400, badBucket.statusCode());
    assertEquals("InvalidBucketName", json(badBucket.body()).path("code").asText());

    HttpResponse<byte[]> traversal = send(1, "PUT", "a/%2e%2e/b", HttpRequest.BodyPublishers.ofString("x"));
    assertEquals(400, traversal.statusCode());
    assertEquals("InvalidKey", json(traversal.body()).path("code").asText());
    HttpResponse<byte[]> dotted = send(1, "PUT", "a/../b", HttpRequest.BodyPublishers.ofString("x"));
    assertEquals(400, dotted.statusCode());
    assertEquals(404, get(1, "b").statusCode());
  }

  @Test
  public void deleteRemovesTheObjectAndItsShards() throws Exception {
    byte[] content = randomBytes(2 * 1024 * 1024 + 7);
    put(2, "to-delete", content);
    String firstSegment = Sha256.hex(Arrays.copyOf(content, 1024 * 1024));
    assertTrue(nodesHolding(firstSegment) >= 2);

    assertEquals(204, send(3, "DELETE", "to-delete", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(404, get(1, "to-delete").statusCode());
    assertEquals(404, send(1, "DELETE", "to-delete", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(0, nodesHolding(firstSegment));
  }

  @Test
  public void sameContentUnderTwoKeysIsStoredOnce() throws Exception {
    byte[] content = randomBytes(1024 * 1024 + 99);
    JsonNode first = put(1, "dedup/one", content);
    JsonNode second = put(2, "dedup/two", content);
    assertEquals(first.path("fileId").asText(), second.path("fileId").asText());
    assertTrue(second.path("deduplicated").asBoolean());

    assertEquals(204, send(1, "DELETE", "dedup/one", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertTrue(Arrays.equals(content, get(3, "dedup/two").body()));
    String segment = Sha256.hex(Arrays.copyOf(content, 1024 * 1024));
    assertTrue(nodesHolding(segment) >= 2);
    assertEquals(204, send(1, "DELETE", "dedup/two", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(0, nodesHolding(segment));
  }

  @Test
  public void oversizeBodyIsRefusedWith413AndStoresNothing() throws Exception {
    byte[] content = randomBytes(33 * 1024 * 1024);
    HttpResponse<byte[]> r;
    try {
      r = send(1, "PUT", "too-big", HttpRequest.BodyPublishers.ofByteArray(content));
    } catch (IOException e) {
      r = null; // the server may close the connection while the client is still sending
    }
    if (r != null) {
      assertEquals(413, r.statusCode());
      assertEquals("EntityTooLarge", json(r.body()).path("code").asText());
    }
    assertEquals(404, get(2, "too-big").statusCode());
  }

  @Test
  public void clientThatDisconnectsMidUploadLeavesNoObject() throws Exception {
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      OutputStream out = s.getOutputStream();
      String head = "PUT /v1/buckets/" + BUCKET + "/objects/cut-short HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/octet-stream\r\nContent-Length: 4194304\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(randomBytes(1536 * 1024));
      out.flush();
    }
    // the upload can never complete: the key must not appear, now or after the server notices
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      assertEquals(404, get(2, "cut-short").statusCode());
      Thread.sleep(500);
    }
  }

  @Test
  public void clusterEndpointsListMembersNodesAndMiners() throws Exception {
    JsonNode clusterView = json(send(1, "GET", "/v1/cluster", HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(3, clusterView.path("members").size());
    clusterView.path("members").forEach(m -> assertEquals("Up", m.path("status").asText()));
    JsonNode nodes = json(send(2, "GET", "/v1/nodes", HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(3, nodes.size());
    nodes.forEach(n -> assertEquals("up", n.path("status").asText()));
    JsonNode miners = json(send(3, "GET", "/v1/miners", HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(6, miners.size());
    miners.forEach(m -> assertEquals("active", m.path("status").asText()));
  }

  // ------------------------------------------------------------------ helpers

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private JsonNode put(int node, String key, byte[] content) throws Exception {
    HttpResponse<byte[]> r = send(node, "PUT", key, HttpRequest.BodyPublishers.ofByteArray(content));
    assertEquals("PUT " + key + ": " + new String(r.body(), StandardCharsets.UTF_8), 201, r.statusCode());
    return json(r.body());
  }

  private HttpResponse<byte[]> get(int node, String key) throws Exception {
    return send(node, "GET", key, HttpRequest.BodyPublishers.noBody());
  }

  /** {@code target} is an object key (already URL-encoded) or an absolute path starting with '/'. */
  static HttpResponse<byte[]> send(int node, String method, String target, HttpRequest.BodyPublisher body)
      throws IOException, InterruptedException {
    String path = target.startsWith("/") ? target : "/v1/buckets/" + BUCKET + "/objects/" + target;
    HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.url(node) + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body)
        .build();
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(byte[] body) throws IOException {
    return Json.MAPPER.readTree(body);
  }

  /** How many nodes have the fragment on one of their miners' disks. */
  static int nodesHolding(String sha256) throws IOException {
    int count = 0;
    for (int i = 1; i <= 3; i++) {
      Path miners = cluster.dataDir("node" + i).resolve("miners");
      if (!Files.isDirectory(miners)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(miners)) {
        if (files.anyMatch(p -> p.getFileName().toString().equals(sha256))) {
          count++;
        }
      }
    }
    return count;
  }
}
