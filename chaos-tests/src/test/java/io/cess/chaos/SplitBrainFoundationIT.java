package io.cess.chaos;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.cess.chaos.net.ChaosNet;
import io.cess.core.Sha256;
import io.cess.http.cli.UpCommand;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;
import org.junit.Test;

/**
 * Scenario: five nodes, the network splits 3 | 2. The Split Brain Resolver (keep-majority) downs
 * the two-node side within stable-after plus failure detection; no write through the minority is
 * ever acknowledged; the majority keeps serving every acknowledged object byte for byte and keeps
 * taking writes; after the network heals, the downed nodes restart and the cluster is whole again,
 * serving everything from every node.
 *
 * <p>Objects that must stay readable during the split go to a {@code replicas:3} bucket: three
 * copies on three nodes survive the loss of any two. The default ec:4+2 objects spread 6 shards
 * over 5 nodes, so one node holds two: when that node is in the minority only 3 shards remain on
 * the majority, fewer than the 4 needed. They are checked after the heal (durability), and their
 * readability during the split is reported, not asserted.
 */
public class SplitBrainFoundationIT {

  static final int NODES = 5;
  static final Set<Integer> MAJORITY = Set.of(1, 2, 3);
  static final Set<Integer> MINORITY = Set.of(4, 5);
  /** Failure detection (heartbeat pause) and removal take this long beyond stable-after. */
  static final Duration SPLIT_RESOLUTION_MARGIN = Duration.ofSeconds(25);
  static final Duration MINERS_VISIBLE_TIMEOUT = Duration.ofSeconds(60);
  static final Duration REFORM_TIMEOUT = Duration.ofSeconds(120);
  /** Reads and writes right after a membership change wait for shards to be re-allocated. */
  static final Duration SERVE_TIMEOUT = Duration.ofSeconds(60);
  /** A write through the minority must end (refused, failed or cut off) within this. */
  static final Duration MINORITY_WRITE_TIMEOUT = Duration.ofSeconds(60);

  private final String bucket = "split-" + UUID.randomUUID().toString().substring(0, 8);
  private final String replicated = bucket + "-r3";
  private final Random random = new Random(bucket.hashCode());
  /** Acknowledged objects (bucket/objects/key) and their content. */
  private final Map<String, byte[]> acknowledged = new LinkedHashMap<>();

  @Test
  public void minorityIsDownedNothingAcknowledgedIsLostAndTheClusterReforms() throws Exception {
    Assume.assumeTrue(ChaosNet.unavailableReason().orElse(""), ChaosNet.unavailableReason().isEmpty());
    Duration stableAfter = ConfigFactory.parseFile(UpCommand.localOverlay().toFile())
        .getDuration("akka.cluster.split-brain-resolver.stable-after");
    Duration splitResolutionTimeout = stableAfter.plus(SPLIT_RESOLUTION_MARGIN);

    long t0 = System.nanoTime();
    try (ChaosNet net = ChaosNet.create(NODES)) {
      Path runDir = Path.of("target", "chaos", net.prefix()).toAbsolutePath();
      System.out.println("run " + net.prefix() + ": " + net.subnetCidr() + ", logs under " + runDir);
      try (ChaosCassandra cassandra = ChaosCassandra.start(net, runDir.resolve("cassandra"), "chaos_" + net.prefix());
           NetCluster cluster = new NetCluster(net, cassandra, runDir)) {
        try {
          System.out.printf("figure: cassandra up after %d ms%n", ms(t0));
          scenario(net, cluster, stableAfter, splitResolutionTimeout);
        } catch (Throwable failure) {
          for (int node : cluster.nodes()) {
            System.out.println("---- last lines of node" + node + " (" + cluster.log(node) + ")\n" + cluster.logTail(node));
          }
          for (int h : net.hosts()) {
            System.out.println("---- chaos rules of host " + h + "\n" + net.rules(h));
          }
          throw failure;
        } finally {
          System.out.println("fault timeline:");
          net.faults().forEach(f -> System.out.println("  " + f.at() + "  " + f.verb() + "  " + f.detail()));
        }
      }
    }
    System.out.printf("figure: whole scenario %d ms%n", ms(t0));
  }

  private void scenario(ChaosNet net, NetCluster cluster, Duration stableAfter, Duration splitResolutionTimeout)
      throws Exception {
    long started = System.nanoTime();
    cluster.start(Set.of(1, 2, 3, 4, 5));
    NetCluster.awaitCondition("node1 sees 5 members Up", NetCluster.NODE_READY_TIMEOUT,
        () -> cluster.upMembers(1).size() == NODES);
    NetCluster.awaitCondition("all 10 miners visible", MINERS_VISIBLE_TIMEOUT, () -> minerCount(cluster, 1) == 10);
    System.out.printf("figure: 5 nodes Up, 10 miners visible after %d ms%n", ms(started));

    HttpResponse<String> policy = send(cluster, cluster.request(2, "PUT", "/v1/buckets/" + replicated + "?policy=replicas:3")
        .PUT(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(policy.body(), 200, policy.statusCode());
    for (int node = 1; node <= NODES; node++) {
      assertEquals(201, upload(cluster, node, replicated, "before-" + node, 300 * 1024 + node));
    }
    assertEquals(201, upload(cluster, 3, bucket, "ec-before-3", 2 * 1024 * 1024 + 7));
    assertEquals(201, upload(cluster, 5, bucket, "ec-before-5", 1024 * 1024 + 3));

    // ---- the split
    net.partition(MAJORITY, MINORITY);
    long splitAt = System.nanoTime();
    java.time.Instant splitInstant = java.time.Instant.now();
    CompletableFuture<String> minorityWrite = attemptUpload(cluster, 4, replicated, "minority-during");

    Duration majorityView = NetCluster.awaitCondition("node1 sees exactly node1..3", splitResolutionTimeout,
        () -> cluster.members(1).keySet().equals(Set.of("node1", "node2", "node3")));
    System.out.printf("figure: majority view {node1,node2,node3} %d ms after the split (stable-after %d s)%n",
        majorityView.toMillis(), stableAfter.toSeconds());
    NetCluster.awaitCondition("node4 and node5 downed", Duration.ofNanos(splitResolutionTimeout.toNanos() - (System.nanoTime() - splitAt)),
        () -> MINORITY.stream().allMatch(n -> downed(cluster, n)));
    for (int node : MINORITY) {
      System.out.printf("figure: node%d downed: %s%n", node, cluster.exitedAt(node)
          .map(at -> "process exited " + Duration.between(splitInstant, at).toMillis() + " ms after the split, exit "
              + cluster.exitCode(node).orElseThrow())
          .orElse("still running, sees itself " + cluster.members(node).get(cluster.name(node))));
    }

    String during = minorityWrite.get(MINORITY_WRITE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    System.out.println("write through node4 during the split: " + during);
    assertNotEquals("a write through the minority was acknowledged", "201", during);
    String after = attemptUpload(cluster, 4, replicated, "minority-after").get(MINORITY_WRITE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    System.out.println("write through node4 after it was downed: " + after);
    assertNotEquals("a write through a downed node was acknowledged", "201", after);

    // ---- the majority serves and takes writes
    long servingFrom = System.nanoTime();
    for (int node : MAJORITY) {
      for (String key : acknowledged.keySet()) {
        if (key.startsWith(replicated + "/")) {
          awaitServed(cluster, node, key);
        }
      }
    }
    System.out.printf("figure: majority served every replicas:3 object %d ms after the minority was downed%n", ms(servingFrom));
    for (String key : acknowledged.keySet()) {
      if (key.startsWith(bucket + "/")) {
        System.out.println("ec:4+2 " + key + " via node1 during the split: " + readOnce(cluster, 1, key));
      }
    }
    NetCluster.awaitCondition("a write through node2 acknowledged", SERVE_TIMEOUT,
        () -> uploadOrStatus(cluster, 2, replicated, "majority-during", 200 * 1024) == 201);
    NetCluster.awaitCondition("an ec:4+2 write through node1 acknowledged", SERVE_TIMEOUT,
        () -> uploadOrStatus(cluster, 1, bucket, "ec-majority-during", 512 * 1024) == 201);

    // ---- heal and re-form
    net.heal();
    long healedAt = System.nanoTime();
    cluster.restart(MINORITY);
    NetCluster.awaitCondition("node1 sees 5 members Up and reachable", REFORM_TIMEOUT,
        () -> cluster.upMembers(1).size() == NODES);
    System.out.printf("figure: cluster re-formed with 5 Up %d ms after the heal (restart included)%n",
        Duration.ofNanos(System.nanoTime() - healedAt).toMillis());
    NetCluster.awaitCondition("all 10 miners visible again", MINERS_VISIBLE_TIMEOUT, () -> minerCount(cluster, 4) == 10);
    for (int node : List.of(4, 5, 1)) {
      for (String key : acknowledged.keySet()) {
        awaitServed(cluster, node, key);
      }
    }
    System.out.println("every one of " + acknowledged.size() + " acknowledged objects served byte-identical by node4, node5, node1");
  }

  /** Downed: its process ended, or it no longer sees itself Up. */
  private static boolean downed(NetCluster cluster, int node) {
    if (!cluster.isRunning(node)) {
      return true;
    }
    String self = cluster.members(node).get(cluster.name(node));
    return self != null && !self.equals("Up") && !self.equals("Joining") && !self.equals("WeaklyUp");
  }

  private int upload(NetCluster cluster, int node, String inBucket, String key, int size) throws Exception {
    byte[] content = new byte[size];
    random.nextBytes(content);
    HttpResponse<String> r = send(cluster, cluster.request(node, "PUT", "/v1/buckets/" + inBucket + "/objects/" + key)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build());
    if (r.statusCode() == 201) {
      assertEquals(Sha256.hex(content), Json.MAPPER.readTree(r.body()).path("sha256").asText());
      acknowledged.put(inBucket + "/objects/" + key, content);
    } else {
      System.out.println("PUT " + key + " via node" + node + ": " + r.statusCode() + " " + r.body());
    }
    return r.statusCode();
  }

  /** An upload's status, or -1 when the node does not answer (for awaiting a write). */
  private int uploadOrStatus(NetCluster cluster, int node, String inBucket, String key, int size) {
    try {
      return upload(cluster, node, inBucket, key, size);
    } catch (IOException e) {
      System.out.println("PUT " + key + " via node" + node + " failed: " + e);
      return -1;
    } catch (Exception e) {
      throw new AssertionError("PUT " + key + " via node" + node, e);
    }
  }

  /** A write whose outcome is recorded, never retried: "201", another status, or the failure. */
  private CompletableFuture<String> attemptUpload(NetCluster cluster, int node, String inBucket, String key) {
    byte[] content = new byte[64 * 1024];
    random.nextBytes(content);
    return cluster.http()
        .sendAsync(cluster.request(node, "PUT", "/v1/buckets/" + inBucket + "/objects/" + key)
                .timeout(MINORITY_WRITE_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
            HttpResponse.BodyHandlers.ofString())
        .handle((r, failure) -> {
          if (failure != null) {
            return "no answer: " + failure;
          }
          if (r.statusCode() == 201) {
            acknowledged.put(inBucket + "/objects/" + key, content);
            return "201";
          }
          return r.statusCode() + " " + r.body();
        });
  }

  /** Waits until the node answers 200 for the object; a 200 with other bytes fails at once. */
  private void awaitServed(NetCluster cluster, int node, String key) {
    NetCluster.awaitCondition("GET " + key + " via node" + node + " answers 200", SERVE_TIMEOUT,
        () -> readOnce(cluster, node, key).equals("200"));
  }

  private String readOnce(NetCluster cluster, int node, String key) {
    try {
      HttpResponse<byte[]> r = cluster.http().send(
          cluster.request(node, "GET", "/v1/buckets/" + key).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        assertTrue(key + " via node" + node + " differs from what was acknowledged",
            Arrays.equals(acknowledged.get(key), r.body()));
        return "200";
      }
      return r.statusCode() + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static HttpResponse<String> send(NetCluster cluster, HttpRequest request) throws IOException, InterruptedException {
    return cluster.http().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int minerCount(NetCluster cluster, int node) {
    try {
      JsonNode miners = cluster.getJson(node, "/v1/miners", Duration.ofSeconds(10));
      return miners.size();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long ms(long sinceNanos) {
    return Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis();
  }
}
