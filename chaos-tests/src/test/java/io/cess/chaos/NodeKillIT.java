package io.cess.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.http.routes.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;

/**
 * Scenario: a holder node is killed with SIGKILL. The Split Brain Resolver downs it and every
 * acknowledged object stays downloadable; writes that the default ec:4+2 policy can no longer
 * place are refused with 503 (never silently under-protected) while a replicas:2 bucket still
 * takes writes; a fourth JVM joins and the repair scan rebuilds the killed node's shards onto
 * it, back to full redundancy; the killed node restarts, recovers from the journal, rejoins and
 * serves everything.
 */
public class NodeKillIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String bucket = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
  // seeded per run: content must differ between runs that share one Cassandra journal
  private final Random random = new Random(bucket.hashCode());
  private final List<byte[]> acknowledged = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();
  private final List<String> fileIds = new ArrayList<>();
  private ProcessCluster cluster;

  @After
  public void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  public void killedHolderIsDownedDataSurvivesAndTheClusterGrows() throws Exception {
    Path work = Path.of(System.getProperty("cess.it.work-dir", "target/it")).toAbsolutePath();
    ProcessCluster.ensureCassandra(work);
    cluster = new ProcessCluster(work.resolve("node-kill-" + bucket));
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    ProcessCluster.awaitCondition("all 6 miners visible", Duration.ofSeconds(30), () -> minerCount(1) == 6);
    upload(1, "before-kill", 20 * 1024 * 1024 + 3);

    cluster.kill(2);
    Duration toDown = ProcessCluster.awaitCondition("node2 downed and removed", Duration.ofSeconds(60),
        () -> { Map<String, String> m = cluster.members(1); return m.size() == 2 && !m.containsKey("node2"); });
    System.out.println("SBR removed the killed node after " + toDown.toMillis() + " ms");

    assertAllDownloadable(1);
    assertAllDownloadable(3);
    // ec:4+2 keeps at most 2 shards per node: with 2 nodes left it refuses, clearly, to write
    HttpResponse<String> refused = http.send(
        cluster.request(3, "PUT", "/v1/buckets/" + bucket + "/objects/refused")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(refused.body(), 503, refused.statusCode());
    assertEquals("InsufficientMiners", Json.MAPPER.readTree(refused.body()).path("code").asText());
    // a replicas:2 bucket still takes writes on the surviving nodes
    HttpResponse<String> policy = http.send(
        cluster.request(3, "PUT", "/v1/buckets/" + bucket + "-r2?policy=replicas:2")
            .PUT(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(policy.body(), 200, policy.statusCode());
    upload(3, bucket + "-r2", "after-kill", 5 * 1024 * 1024);

    // a fourth JVM joins: the repair scan rebuilds the killed node's shards onto it
    cluster.addNode(4);
    ProcessCluster.awaitCondition("node4's miners visible", Duration.ofSeconds(30), () -> minerCount(1) == 6);
    Duration toRepair = ProcessCluster.awaitCondition("full redundancy without node2", Duration.ofSeconds(120),
        () -> minimumSpare(1, fileIds.get(0)) == 2 && !holders(1, fileIds.get(0)).contains("node2"));
    System.out.println("repair restored full redundancy " + toRepair.toMillis() + " ms after node4 joined");
    assertTrue("repaired shards landed on the new node", holders(1, fileIds.get(0)).contains("node4"));
    assertTrue(fragmentsOn(4) > 0);
    assertAllDownloadable(4);

    // the killed node comes back: it recovers from the journal, rejoins and serves everything
    cluster.restart(2);
    ProcessCluster.awaitCondition("4 members Up", Duration.ofSeconds(30),
        () -> cluster.members(1).values().stream().filter("Up"::equals).count() == 4);
    ProcessCluster.awaitCondition("all 8 miners visible", Duration.ofSeconds(30), () -> minerCount(2) == 8);
    assertAllDownloadable(2);
    for (int i = 0; i < 8; i++) {
      upload(1 + i % 4, "grown-" + i, 256 * 1024);
    }
    assertAllDownloadable(3);
  }

  /** The nodes holding shards of a file, from its manifest as one gateway reports it. */
  private java.util.Set<String> holders(int node, String fileId) {
    java.util.Set<String> out = new java.util.HashSet<>();
    try {
      cluster.getJson(node, "/v1/files/" + fileId).path("segments")
          .forEach(seg -> seg.path("shards").forEach(x -> out.add(x.path("nodeId").asText())));
    } catch (java.io.IOException e) {
      out.add("unknown: " + e.getMessage());
    }
    return out;
  }

  private void upload(int node, String key, int size) throws Exception {
    upload(node, bucket, key, size);
  }

  private void upload(int node, String inBucket, String key, int size) throws Exception {
    byte[] content = new byte[size];
    random.nextBytes(content);
    HttpResponse<String> r = http.send(
        cluster.request(node, "PUT", "/v1/buckets/" + inBucket + "/objects/" + key)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals("PUT " + key + " via node" + node + ": " + r.body(), 201, r.statusCode());
    assertEquals(Sha256.hex(content), Json.MAPPER.readTree(r.body()).path("sha256").asText());
    fileIds.add(Json.MAPPER.readTree(r.body()).path("fileId").asText());
    acknowledged.add(content);
    keys.add(inBucket + "/objects/" + key);
  }

  private void assertAllDownloadable(int node) throws Exception {
    for (int i = 0; i < keys.size(); i++) {
      HttpResponse<byte[]> r = http.send(
          cluster.request(node, "GET", "/v1/buckets/" + keys.get(i)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("GET " + keys.get(i) + " via node" + node, 200, r.statusCode());
      assertTrue(keys.get(i) + " via node" + node + " differs", Arrays.equals(acknowledged.get(i), r.body()));
    }
  }

  private int minimumSpare(int node, String fileId) {
    try {
      return cluster.getJson(node, "/v1/files/" + fileId + "/health").path("minimumSpare").asInt();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private int minerCount(int node) {
    try {
      JsonNode miners = cluster.getJson(node, "/v1/miners");
      return miners.size();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private long fragmentsOn(int node) throws Exception {
    Path miners = cluster.dataDir(node).resolve("miners");
    try (Stream<Path> files = Files.walk(miners)) {
      return files.filter(p -> p.getParent().getParent().getFileName().toString().equals("fragments")).count();
    }
  }
}
