package io.cess.http.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.After;
import org.junit.Test;

/**
 * Entities recover from the Cassandra journal: a node that leaves and comes back, and a whole
 * cluster that is stopped and started again, still serve every acknowledged object.
 */
public class RecoveryIT {

  private static final Map<String, String> OVERRIDES = Map.of(
      "cess.gateway.segment-size", "1MiB",
      "cess.gateway.repair-scan-interval", "2s",
      "cess.gateway.repair-file-timeout", "15s",
      "cess.gateway.repair-scan-timeout", "20s",
      "cess.gateway.transfer-timeout", "20s",
      "akka.coordinated-shutdown.exit-jvm", "off",
      "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String bucket = "rec-" + UUID.randomUUID().toString().substring(0, 8);
  private TestCluster cluster;

  @After
  public void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  public void objectsSurviveANodeRestartAndAFullClusterRestart() throws Exception {
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(TestCluster.workDir().resolve("recovery-" + bucket), 3, OVERRIDES);
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    cluster.awaitMiners(6, Duration.ofSeconds(30));
    byte[] content = new byte[3 * 1024 * 1024 + 5];
    new Random(bucket.hashCode()).nextBytes(content); // differs per run: the journal outlives runs
    HttpResponse<String> put = http.send(
        cluster.request(1, "PUT", "/v1/buckets/" + bucket + "/objects/kept")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(put.body(), 201, put.statusCode());

    byte[] doomed = new byte[2 * 1024 * 1024];
    new Random(bucket.hashCode() + 1).nextBytes(doomed);
    HttpResponse<String> doomedPut = http.send(
        cluster.request(1, "PUT", "/v1/buckets/" + bucket + "/objects/doomed")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(doomed)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, doomedPut.statusCode());
    String doomedId = io.cess.http.routes.Json.MAPPER.readTree(doomedPut.body()).path("fileId").asText();
    java.util.List<String> doomedShards = new java.util.ArrayList<>();
    io.cess.http.routes.Json.MAPPER.readTree(http.send(
            cluster.request(1, "GET", "/v1/files/" + doomedId).build(),
            HttpResponse.BodyHandlers.ofString()).body())
        .path("segments").forEach(seg -> seg.path("shards").forEach(x -> doomedShards.add(x.path("merkleRoot").asText())));

    cluster.stop(3);
    assertDownloads(1, content);
    // deleted while node3 is away: its shards there cannot be removed now; the removal stays pending
    assertEquals(204, http.send(
        cluster.request(2, "DELETE", "/v1/buckets/" + bucket + "/objects/doomed").DELETE().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode());
    assertTrue("node3 still holds shards of the deleted file", shardFilesOn(3, doomedShards) > 0);
    cluster.start(3);
    assertDownloads(3, content);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (shardFilesOn(3, doomedShards) > 0) {
      assertTrue("the pending removal was not retried", System.nanoTime() < deadline);
      Thread.sleep(500);
    }

    cluster.stopAll();
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    assertDownloads(2, content);
  }

  private long shardFilesOn(int node, java.util.List<String> shards) throws java.io.IOException {
    java.nio.file.Path miners = cluster.dataDir("node" + node).resolve("miners");
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(miners)) {
      return files.filter(p -> shards.contains(p.getFileName().toString())).count();
    }
  }

  private void assertDownloads(int node, byte[] content) throws Exception {
    HttpResponse<byte[]> got = http.send(
        cluster.request(node, "GET", "/v1/buckets/" + bucket + "/objects/kept").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertTrue("node" + node + " served different bytes (sha " + Sha256.hex(got.body()) + ")",
        Arrays.equals(content, got.body()));
  }
}
