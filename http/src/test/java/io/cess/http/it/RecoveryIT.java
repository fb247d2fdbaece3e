package io.cess.http.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.net.URI;
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
        HttpRequest.newBuilder(URI.create(cluster.url(1) + "/v1/buckets/" + bucket + "/objects/kept"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(put.body(), 201, put.statusCode());

    cluster.stop(3);
    assertDownloads(1, content);
    cluster.start(3);
    assertDownloads(3, content);

    cluster.stopAll();
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    assertDownloads(2, content);
  }

  private void assertDownloads(int node, byte[] content) throws Exception {
    HttpResponse<byte[]> got = http.send(
        HttpRequest.newBuilder(URI.create(cluster.url(node) + "/v1/buckets/" + bucket + "/objects/kept"))
            .timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, got.statusCode());
    assertTrue("node" + node + " served different bytes (sha " + Sha256.hex(got.body()) + ")",
        Arrays.equals(content, got.body()));
  }
}
