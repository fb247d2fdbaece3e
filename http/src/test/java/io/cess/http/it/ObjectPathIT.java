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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
      "cess.gateway.orphan-scan-interval", "2s",
      "cess.gateway.orphan-grace", "8s",
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
    cluster.awaitMiners(6, Duration.ofSeconds(30));
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  public void uploadIsErasureCodedOverAllNodesAndReadBackFromAnyGateway() throws Exception {
    byte[] content = randomBytes(5 * MIB + 12345);
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

    JsonNode manifest = manifest(stored.path("fileId").asText());
    assertEquals("ec:4+2", manifest.path("policy").asText());
    assertEquals(6, manifest.path("segments").size());
    for (JsonNode segment : manifest.path("segments")) {
      Map<String, Integer> perNode = new HashMap<>();
      Set<String> miners = new HashSet<>();
      for (JsonNode shard : segment.path("shards")) {
        perNode.merge(shard.path("nodeId").asText(), 1, Integer::sum);
        miners.add(shard.path("minerId").asText());
        assertEquals("shard file on its holder", 1, nodesHolding(shard.path("merkleRoot").asText()));
      }
      assertEquals(6, segment.path("shards").size());
      assertEquals("6 shards on 6 miners", 6, miners.size());
      assertEquals("2 shards on each of the 3 nodes: any one node may be lost", Map.of("node1", 2, "node2", 2, "node3", 2), perNode);
    }
    JsonNode health = json(send(1, "GET", "/v1/files/" + stored.path("fileId").asText() + "/health", HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(2, health.path("minimumSpare").asInt());
  }

  @Test
  public void noShardOnAnyDiskContainsARunOfThePlaintext() throws Exception {
    byte[] content = randomBytes(2 * MIB + 777);
    JsonNode stored = put(1, "secret.bin", content);
    Set<Long> windows = new HashSet<>();
    for (int i = 0; i + 32 <= content.length; i += 32) {
      windows.add(windowHash(content, i));
    }
    int scanned = 0;
    for (JsonNode segment : manifest(stored.path("fileId").asText()).path("segments")) {
      for (JsonNode shard : segment.path("shards")) {
        for (Path f : shardFiles(shard.path("merkleRoot").asText())) {
          byte[] bytes = Files.readAllBytes(f);
          for (int i = 0; i + 32 <= bytes.length; i++) {
            // any 64-byte run of plaintext contains one of the aligned 32-byte windows
            if (windows.contains(windowHash(bytes, i))) {
              throw new AssertionError(f + " contains plaintext at offset " + i);
            }
          }
          scanned++;
        }
      }
    }
    assertEquals(3 * 6, scanned);
  }

  @Test
  public void rangeReadsReturnExactlyTheRequestedBytes() throws Exception {
    byte[] content = randomBytes(3 * MIB + 4321);
    put(2, "ranged", content);
    long[][] ranges = {{0, 0}, {MIB - 1, MIB}, {2 * MIB - 5, 3 * MIB + 5}, {10, 3 * MIB + 4320}};
    for (long[] r : ranges) {
      HttpResponse<byte[]> got = ranged(1, "ranged", "bytes=" + r[0] + "-" + r[1]);
      assertEquals(206, got.statusCode());
      assertEquals("bytes " + r[0] + "-" + r[1] + "/" + content.length, got.headers().firstValue("content-range").orElse(""));
      assertTrue("range " + r[0] + "-" + r[1], Arrays.equals(Arrays.copyOfRange(content, (int) r[0], (int) r[1] + 1), got.body()));
    }
    HttpResponse<byte[]> suffix = ranged(3, "ranged", "bytes=-100");
    assertTrue(Arrays.equals(Arrays.copyOfRange(content, content.length - 100, content.length), suffix.body()));
    HttpResponse<byte[]> open = ranged(3, "ranged", "bytes=" + (3 * MIB) + "-");
    assertTrue(Arrays.equals(Arrays.copyOfRange(content, 3 * MIB, content.length), open.body()));
    HttpResponse<byte[]> beyond = ranged(1, "ranged", "bytes=" + content.length + "-");
    assertEquals(416, beyond.statusCode());
    assertEquals("InvalidRange", json(beyond.body()).path("code").asText());
  }

  @Test
  public void aCorruptShardIsSkippedServedAroundAndRepaired() throws Exception {
    byte[] content = randomBytes(MIB + 99);
    JsonNode stored = put(1, "to-corrupt", content);
    String fileId = stored.path("fileId").asText();
    JsonNode shard = manifest(fileId).path("segments").get(0).path("shards").get(0);
    String sha = shard.path("merkleRoot").asText();
    Path file = shardFiles(sha).get(0);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(file, bytes);
    for (int node = 1; node <= 3; node++) {
      assertTrue("node" + node, Arrays.equals(content, get(node, "to-corrupt").body()));
    }
    // the read reported the corrupt shard: it is rebuilt from its siblings, the bad copy replaced
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode now = manifest(fileId).path("segments").get(0).path("shards").get(0);
      List<Path> copies = shardFiles(sha);
      boolean repaired = copies.size() == 1
          && copies.get(0).toString().contains("/" + now.path("minerId").asText() + "/")
          && io.cess.core.codec.SegmentCodec.merkleRoot(Files.readAllBytes(copies.get(0))).equals(sha);
      if (repaired) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("shard not repaired: now on " + now.path("minerId").asText() + ", copies " + copies);
      }
      Thread.sleep(250);
    }
    JsonNode health = json(send(2, "GET", "/v1/files/" + fileId + "/health", HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(2, health.path("minimumSpare").asInt());
    assertTrue(Arrays.equals(content, get(3, "to-corrupt").body()));

    // the shard's own entity holds the damage report and the repair, with the new holder
    String shardPath = "/v1/files/" + fileId + "/segments/0/shards/0";
    JsonNode record = json(send(2, "GET", shardPath, HttpRequest.BodyPublishers.noBody()).body());
    while (record.path("record").path("repairs").asInt() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      record = json(send(2, "GET", shardPath, HttpRequest.BodyPublishers.noBody()).body());
    }
    assertEquals(record.toString(), "healthy", record.path("record").path("status").asText());
    assertEquals(record.toString(), 1, record.path("record").path("repairs").asInt());
    assertEquals(record.path("placement").path("minerId").asText(), record.path("record").path("minerId").asText());
    JsonNode history = record.path("record").path("history");
    assertEquals("damaged", history.get(0).path("what").asText());
    assertTrue(history.get(0).path("detail").asText(), history.get(0).path("detail").asText().contains("corrupt on read"));
    assertEquals("repaired", history.get(1).path("what").asText());
    // the miner that held the corrupt copy lost credit, so it gets fewer new shards
    String faulty = history.get(0).path("detail").asText().replaceAll(".*copy on ([^)]+)\\).*", "$1");
    JsonNode minerRows = json(send(1, "GET", "/v1/miners", HttpRequest.BodyPublishers.noBody()).body());
    boolean found = false;
    for (JsonNode m : minerRows) {
      if (m.path("minerId").asText().equals(faulty)) {
        found = true;
        assertTrue(m.toString(), m.path("faults").asInt() >= 1);
        assertEquals(m.toString(), Math.max(100, 1000 - 100 * m.path("faults").asInt()), m.path("credit").asInt());
      }
    }
    assertTrue("miner " + faulty + " listed", found);
    assertEquals(404, send(1, "GET", "/v1/files/" + fileId + "/segments/0/shards/9", HttpRequest.BodyPublishers.noBody()).statusCode());
  }

  @Test
  public void aSignedUploadIsKeyedToItsAccountAndBadSignaturesAreRefused() throws Exception {
    io.cess.core.account.AccountKeys keys = io.cess.core.account.AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + keys.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> created = signed(1, keys, "POST", "/v1/accounts", registration);
    assertEquals(new String(created.body(), StandardCharsets.UTF_8), 201, created.statusCode());
    assertEquals(keys.accountId(), json(created.body()).path("accountId").asText());

    byte[] content = randomBytes(MIB + 3);
    // the bucket is the test account's: it lets this account write
    assertEquals(200, send(1, "PUT", "/v1/buckets/" + BUCKET, HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(200, send(1, "PUT", "/v1/buckets/" + BUCKET + "/grants/" + keys.accountId() + "?access=write",
        HttpRequest.BodyPublishers.noBody()).statusCode());
    String target = "/v1/buckets/" + BUCKET + "/objects/signed";
    HttpResponse<byte[]> put = signed(2, keys, "PUT", target, content);
    assertEquals(new String(put.body(), StandardCharsets.UTF_8), 201, put.statusCode());
    String fileId = json(put.body()).path("fileId").asText();
    assertEquals("the data key is wrapped to the account", keys.accountId(), manifest(fileId).path("keyOwner").asText());
    assertTrue(Arrays.equals(content, get(3, "signed").body()));

    // a signed request is good once
    String accountPath = "/v1/accounts/" + keys.accountId();
    HttpRequest read = signedRequest(1, keys, "GET", accountPath, new byte[0]);
    assertEquals(200, http.send(read, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    HttpResponse<byte[]> replayed = http.send(read, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(403, replayed.statusCode());
    assertEquals("RequestReplayed", json(replayed.body()).path("code").asText());
    // ... in the whole cluster: the same signature sent to another gateway is a replay too
    java.util.Map<String, String> once = io.cess.core.account.RequestSignature.headers(
        keys, "GET", accountPath, Sha256.hex(new byte[0]), java.time.Instant.now());
    HttpRequest.Builder first = HttpRequest.newBuilder(URI.create(cluster.url(1) + accountPath));
    HttpRequest.Builder elsewhere = HttpRequest.newBuilder(URI.create(cluster.url(3) + accountPath));
    once.forEach(first::header);
    once.forEach(elsewhere::header);
    assertEquals(200, http.send(first.GET().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    HttpResponse<byte[]> replayedElsewhere = http.send(elsewhere.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(403, replayedElsewhere.statusCode());
    assertEquals("RequestReplayed", json(replayedElsewhere.body()).path("code").asText());

    // another key cannot speak for the account
    io.cess.core.account.AccountKeys other = io.cess.core.account.AccountKeys.generate();
    String date = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    String forged = io.cess.core.account.RequestSignature.authorization(other, "GET", accountPath, date, Sha256.hex(new byte[0]))
        .replace(other.accountId(), keys.accountId());
    HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(URI.create(cluster.url(2) + accountPath))
        .header("Authorization", forged).header("x-cess-date", date).header("x-cess-content-sha256", Sha256.hex(new byte[0]))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(403, refused.statusCode());
    assertEquals("SignatureDoesNotMatch", json(refused.body()).path("code").asText());

    // a body that is not the one signed is refused and nothing is stored
    byte[] signedBody = randomBytes(1000);
    String mismatchTarget = "/v1/buckets/" + BUCKET + "/objects/mismatch";
    String at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    HttpResponse<byte[]> swapped = http.send(HttpRequest.newBuilder(URI.create(cluster.url(1) + mismatchTarget))
        .header("Authorization", io.cess.core.account.RequestSignature.authorization(keys, "PUT", mismatchTarget, at, Sha256.hex(signedBody)))
        .header("x-cess-date", at).header("x-cess-content-sha256", Sha256.hex(signedBody))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(randomBytes(1000))).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(400, swapped.statusCode());
    assertEquals(404, get(2, "mismatch").statusCode());
  }

  @Test
  public void aBucketIsVisibleOnlyToItsOwnerAndTheAccountsItGrants() throws Exception {
    String bucket = BUCKET + "-private";
    String objects = "/v1/buckets/" + bucket + "/objects";
    byte[] secret = randomBytes(5000);
    assertEquals(201, send(1, "PUT", objects + "/secret", HttpRequest.BodyPublishers.ofByteArray(secret)).statusCode());
    io.cess.core.account.AccountKeys stranger = io.cess.core.account.AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + stranger.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, signed(1, stranger, "POST", "/v1/accounts", registration).statusCode());

    // unsigned: 401; another account: 403 for every read and write, and nothing changes
    HttpResponse<byte[]> anonymous = http.send(HttpRequest.newBuilder(URI.create(cluster.url(2) + objects + "/secret")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, anonymous.statusCode());
    assertEquals("MissingAuthentication", json(anonymous.body()).path("code").asText());
    for (String[] attempt : new String[][] {
        {"GET", objects + "/secret"}, {"GET", objects}, {"DELETE", objects + "/secret"}, {"PUT", objects + "/planted"},
        {"GET", "/v1/buckets/" + bucket}, {"PUT", "/v1/buckets/" + bucket + "?policy=replicas:1"},
        {"PUT", "/v1/buckets/" + bucket + "/grants/" + stranger.accountId() + "?access=write"}}) {
      HttpResponse<byte[]> r = signed(2, stranger, attempt[0], attempt[1], attempt[0].equals("PUT") ? randomBytes(10) : new byte[0]);
      assertEquals(attempt[0] + " " + attempt[1] + ": " + new String(r.body(), StandardCharsets.UTF_8), 403, r.statusCode());
      assertEquals("AccessDenied", json(r.body()).path("code").asText());
    }
    assertEquals(404, send(3, "GET", objects + "/planted", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertTrue(Arrays.equals(secret, send(3, "GET", objects + "/secret", HttpRequest.BodyPublishers.noBody()).body()));
    JsonNode view = json(send(1, "GET", "/v1/buckets/" + bucket, HttpRequest.BodyPublishers.noBody()).body());
    assertEquals(cluster.account().accountId(), view.path("owner").asText());
    assertTrue("no grants yet: " + view, view.path("grants").isEmpty());

    // a read grant lets the account read, not write; revoked, it is gone
    String grant = "/v1/buckets/" + bucket + "/grants/" + stranger.accountId();
    assertEquals(200, send(1, "PUT", grant + "?access=read", HttpRequest.BodyPublishers.noBody()).statusCode());
    HttpResponse<byte[]> read = signed(2, stranger, "GET", objects + "/secret", new byte[0]);
    assertEquals(200, read.statusCode());
    assertTrue(Arrays.equals(secret, read.body()));
    assertEquals(403, signed(2, stranger, "PUT", objects + "/planted", randomBytes(10)).statusCode());
    assertEquals(200, send(1, "DELETE", grant, HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(403, signed(3, stranger, "GET", objects + "/secret", new byte[0]).statusCode());

    // each account lists its own buckets
    JsonNode mine = json(send(2, "GET", "/v1/buckets", HttpRequest.BodyPublishers.noBody()).body());
    assertTrue(mine.toString(), mine.findValuesAsText("bucket").contains(bucket));
    JsonNode theirs = json(signed(2, stranger, "GET", "/v1/buckets", new byte[0]).body());
    assertTrue(theirs.toString(), theirs.isEmpty());
  }

  private static JsonNode rpc(int node, io.cess.core.account.AccountKeys keys, String body) throws Exception {
    HttpResponse<byte[]> r = signed(node, keys, "POST", "/rpc", body.getBytes(StandardCharsets.UTF_8));
    assertEquals(new String(r.body(), StandardCharsets.UTF_8), 200, r.statusCode());
    return json(r.body());
  }

  @Test
  public void jsonRpcCallsTheNativeOperationsSingleAndBatchedWithTheSameAccessRules() throws Exception {
    String bucket = BUCKET + "-rpc";
    byte[] content = randomBytes(70_000);
    String b64 = java.util.Base64.getEncoder().encodeToString(content);
    io.cess.core.account.AccountKeys me = cluster.account();
    JsonNode added = rpc(1, me, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"bucket\":\"" + bucket
        + "\",\"key\":\"docs/a.bin\",\"content\":\"" + b64 + "\"}}");
    assertEquals(added.toString(), Sha256.hex(content), added.path("result").path("sha256").asText());
    // the REST API sees the same object
    assertTrue(Arrays.equals(content, send(2, "GET", "/v1/buckets/" + bucket + "/objects/docs/a.bin", HttpRequest.BodyPublishers.noBody()).body()));

    JsonNode batch = rpc(2, me, "["
        + "{\"jsonrpc\":\"2.0\",\"id\":\"get\",\"method\":\"get\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"docs/a.bin\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"cat\",\"method\":\"cat\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"docs/a.bin\",\"offset\":100,\"length\":1000}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"list\",\"method\":\"list\",\"params\":{\"bucket\":\"" + bucket + "\",\"prefix\":\"docs/\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"missing\",\"method\":\"get\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"nope\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"bad\",\"method\":\"get\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"a/../b\"}},"
        + "{\"jsonrpc\":\"2.0\",\"id\":\"who\",\"method\":\"get_account\",\"params\":{\"accountId\":\"" + me.accountId() + "\"}},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"get\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"docs/a.bin\"}}"
        + "]");
    assertEquals("six answers, none for the notification: " + batch, 6, batch.size());
    assertEquals(70_000, batch.get(0).path("result").path("sizeBytes").asLong());
    assertTrue(Arrays.equals(Arrays.copyOfRange(content, 100, 1100),
        java.util.Base64.getDecoder().decode(batch.get(1).path("result").path("content").asText())));
    assertEquals("docs/a.bin", batch.get(2).path("result").path("objects").get(0).path("key").asText());
    assertEquals(-32000, batch.get(3).path("error").path("code").asInt());
    assertEquals("NoSuchKey", batch.get(3).path("error").path("data").path("code").asText());
    assertEquals(-32602, batch.get(4).path("error").path("code").asInt());
    assertEquals(me.accountId(), batch.get(5).path("result").path("accountId").asText());

    // another account: AccessDenied, and its add stores nothing
    io.cess.core.account.AccountKeys stranger = io.cess.core.account.AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + stranger.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, signed(1, stranger, "POST", "/v1/accounts", registration).statusCode());
    JsonNode denied = rpc(3, stranger, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"add\",\"params\":{\"bucket\":\"" + bucket
        + "\",\"key\":\"planted\",\"content\":\"AAAA\"}}");
    assertEquals("AccessDenied", denied.path("error").path("data").path("code").asText());
    assertEquals(404, send(1, "GET", "/v1/buckets/" + bucket + "/objects/planted", HttpRequest.BodyPublishers.noBody()).statusCode());
    // the body is the operation: an unsigned payload or another body than the signed one is refused
    HttpResponse<byte[]> unsignedPayload = http.send(cluster.request(1, "POST", "/rpc")
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list\",\"params\":{\"bucket\":\"" + bucket + "\"}}"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(400, unsignedPayload.statusCode());
    assertEquals("SignedPayloadRequired", json(unsignedPayload.body()).path("code").asText());

    // push (extra redundancy), callback and table rows
    JsonNode pushed = rpc(2, me, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"push\",\"params\":{\"bucket\":\"" + bucket
        + "\",\"key\":\"pushed\",\"policy\":\"ec:2+1\",\"content\":\"" + java.util.Base64.getEncoder().encodeToString(randomBytes(3000)) + "\"}}");
    assertEquals(pushed.toString(), "ec:2+3", manifest(pushed.path("result").path("fileId").asText()).path("policy").asText());
    JsonNode link = rpc(3, me, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"callback\",\"params\":{\"bucket\":\"" + bucket
        + "\",\"key\":\"docs/a.bin\",\"expiresIn\":60}}");
    HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(link.path("result").path("url").asText())).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, fetched.statusCode());
    assertTrue("the callback URL serves the object unsigned", Arrays.equals(content, fetched.body()));
    JsonNode rows = rpc(1, me, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"get_table_rows\",\"params\":{\"table\":\"buckets\",\"limit\":1000}}");
    assertTrue(rows.toString(), rows.path("result").path("rows").findValuesAsText("id").contains(bucket));
    JsonNode strangerRows = rpc(1, stranger, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"get_table_rows\",\"params\":{\"table\":\"buckets\",\"limit\":1000}}");
    assertTrue(strangerRows.toString(), !strangerRows.path("result").path("rows").findValuesAsText("id").contains(bucket));

    JsonNode deleted = rpc(1, me, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"delete\",\"params\":{\"bucket\":\"" + bucket + "\",\"key\":\"docs/a.bin\"}}");
    assertTrue(deleted.toString(), deleted.path("result").path("deleted").asBoolean());
  }

  @Test
  public void anAccountMintsListsAndRevokesItsOwnAccessKeys() throws Exception {
    io.cess.core.account.AccountKeys keys = io.cess.core.account.AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + keys.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, signed(1, keys, "POST", "/v1/accounts", registration).statusCode());
    String keysPath = "/v1/accounts/" + keys.accountId() + "/keys";

    HttpResponse<byte[]> minted = signed(2, keys, "POST", keysPath, new byte[0]);
    assertEquals(new String(minted.body(), StandardCharsets.UTF_8), 201, minted.statusCode());
    JsonNode key = json(minted.body());
    String accessKeyId = key.path("accessKeyId").asText();
    String secret = key.path("secretAccessKey").asText();
    assertTrue(accessKeyId, accessKeyId.matches("CESS[A-Z0-9]{16}"));
    assertTrue("a 40-character base64url secret", secret.matches("[A-Za-z0-9_-]{40}"));
    assertTrue(key.path("createdAt").isTextual());

    HttpResponse<byte[]> listed = signed(3, keys, "GET", keysPath, new byte[0]);
    assertEquals(200, listed.statusCode());
    String listing = new String(listed.body(), StandardCharsets.UTF_8);
    assertTrue("the secret is shown only when minted: " + listing, !listing.contains(secret));
    JsonNode list = json(listed.body());
    assertEquals(1, list.size());
    assertEquals(accessKeyId, list.get(0).path("accessKeyId").asText());
    assertEquals("active", list.get(0).path("status").asText());
    assertTrue(list.get(0).path("revokedAt").isNull());

    // only the account itself manages its keys
    HttpResponse<byte[]> unsigned = http.send(HttpRequest.newBuilder(URI.create(cluster.url(1) + keysPath))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, unsigned.statusCode());
    assertEquals("MissingAuthentication", json(unsigned.body()).path("code").asText());
    io.cess.core.account.AccountKeys other = io.cess.core.account.AccountKeys.generate();
    byte[] otherRegistration = ("{\"signingKey\":\"" + other.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, signed(1, other, "POST", "/v1/accounts", otherRegistration).statusCode());
    HttpResponse<byte[]> foreign = signed(1, other, "POST", keysPath, new byte[0]);
    assertEquals(403, foreign.statusCode());
    assertEquals("AccessDenied", json(foreign.body()).path("code").asText());
    HttpResponse<byte[]> foreignRevoke = signed(2, other, "DELETE", keysPath + "/" + accessKeyId, new byte[0]);
    assertEquals(403, foreignRevoke.statusCode());

    HttpResponse<byte[]> unknown = signed(2, keys, "DELETE", keysPath + "/CESSAAAAAAAAAAAAAAAA", new byte[0]);
    assertEquals(404, unknown.statusCode());
    assertEquals("NoSuchAccessKey", json(unknown.body()).path("code").asText());

    HttpResponse<byte[]> revoked = signed(1, keys, "DELETE", keysPath + "/" + accessKeyId, new byte[0]);
    assertEquals(new String(revoked.body(), StandardCharsets.UTF_8), 200, revoked.statusCode());
    assertEquals("revoked", json(revoked.body()).path("status").asText());
    JsonNode after = json(signed(2, keys, "GET", keysPath, new byte[0]).body());
    assertEquals(1, after.size());
    assertEquals(accessKeyId, after.get(0).path("accessKeyId").asText());
    assertEquals("revoked", after.get(0).path("status").asText());
    assertTrue(after.get(0).path("revokedAt").isTextual());
  }

  private static HttpRequest signedRequest(int node, io.cess.core.account.AccountKeys keys, String method, String target, byte[] body) {
    return TestCluster.signed(HttpRequest.newBuilder(URI.create(cluster.url(node) + target)).timeout(Duration.ofSeconds(60)),
            keys, method, target, Sha256.hex(body))
        .method(method, body.length == 0 && method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static HttpResponse<byte[]> signed(int node, io.cess.core.account.AccountKeys keys, String method, String target, byte[] body)
      throws IOException, InterruptedException {
    return http.send(signedRequest(node, keys, method, target, body), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  public void orphanShardsAreCollectedAndReferencedOnesKept() throws Exception {
    byte[] content = randomBytes(MIB + 5);
    JsonNode stored = put(2, "kept", content);
    List<String> kept = shardHashes(manifest(stored.path("fileId").asText()));
    // a shard no manifest names, as a crash in the middle of an upload leaves it
    byte[] junk = randomBytes(3 * 4096 + 1);
    String root = io.cess.core.codec.SegmentCodec.merkleRoot(junk);
    String fragment = "/internal/v1/fragments/node1-m1/" + root;
    // the internal endpoint takes only requests signed with the cluster secret, not accounts
    HttpResponse<byte[]> refused = send(1, "PUT", fragment, HttpRequest.BodyPublishers.ofByteArray(junk));
    assertEquals(401, refused.statusCode());
    assertEquals("NodeAuthenticationFailed", json(refused.body()).path("code").asText());
    assertEquals(0, nodesHolding(root));
    HttpResponse<byte[]> written = http.send(cluster.nodeRequest(1, "PUT", fragment).PUT(HttpRequest.BodyPublishers.ofByteArray(junk)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(201, written.statusCode());
    assertEquals(1, nodesHolding(root));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (nodesHolding(root) > 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("orphan " + root + " was not collected");
      }
      Thread.sleep(250);
    }
    for (String sha : kept) {
      assertEquals("referenced shard " + sha, 1, nodesHolding(sha));
    }
    assertTrue(Arrays.equals(content, get(3, "kept").body()));
  }

  @Test
  public void clientSideEncryptionKeepsThePlaintextAndKeyAwayFromTheGateway() throws Exception {
    Path dir = Files.createTempDirectory("cess-client");
    byte[] content = randomBytes(16 * MIB + 12345); // two client segments
    Path in = dir.resolve("in.bin");
    Files.write(in, content);
    String url = cluster.url(1) + "/v1/buckets/" + BUCKET + "/objects/client-side.bin";
    String keyFile = dir.resolve("client.key").toString();
    String account = dir.resolve("account.key").toString();
    cluster.account().save(Path.of(account));
    assertEquals(0, io.cess.http.cli.TransferCommands.put(
        List.of("--file", in.toString(), "--url", url, "--encrypt", "true", "--key-file", keyFile, "--account", account)));

    byte[] stored = get(2, "client-side.bin").body();
    assertTrue("the gateway stored ciphertext", stored.length > content.length);
    Set<Long> windows = new HashSet<>();
    for (int i = 0; i + 32 <= content.length; i += 32) {
      windows.add(windowHash(content, i));
    }
    for (int i = 0; i + 32 <= stored.length; i++) {
      // any 64-byte run of plaintext contains one of the aligned 32-byte windows
      assertTrue("plaintext reached the gateway at offset " + i, !windows.contains(windowHash(stored, i)));
    }
    Path out = dir.resolve("out.bin");
    assertEquals(0, io.cess.http.cli.TransferCommands.get(
        List.of("--file", out.toString(), "--url", cluster.url(3) + "/v1/buckets/" + BUCKET + "/objects/client-side.bin",
            "--decrypt", "true", "--key-file", keyFile, "--account", account)));
    assertTrue(Arrays.equals(content, Files.readAllBytes(out)));
  }

  @Test
  public void healthEventsStreamAsServerSentEvents() throws Exception {
    JsonNode stored = put(1, "watched", randomBytes(1000));
    HttpRequest req = cluster.request(2, "GET", "/v1/files/" + stored.path("fileId").asText() + "/health/events?max-events=2")
        .header("Accept", "text/event-stream").build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    long events = r.body().lines().filter(l -> l.startsWith("data:")).count();
    assertEquals(2, events);
    assertTrue(r.body().contains("\"minimumSpare\":2"));
  }

  @Test
  public void aBucketCanUseThreeReplicasInstead() throws Exception {
    String bucket = BUCKET + "-r3";
    HttpResponse<byte[]> bad = send(1, "PUT", "/v1/buckets/" + bucket + "?policy=ec:4", HttpRequest.BodyPublishers.noBody());
    assertEquals(400, bad.statusCode());
    assertEquals("InvalidPolicy", json(bad.body()).path("code").asText());
    HttpResponse<byte[]> set = send(1, "PUT", "/v1/buckets/" + bucket + "?policy=replicas:3", HttpRequest.BodyPublishers.noBody());
    assertEquals(200, set.statusCode());
    assertEquals("replicas:3", json(send(2, "GET", "/v1/buckets/" + bucket, HttpRequest.BodyPublishers.noBody()).body()).path("policy").asText());

    byte[] content = randomBytes(MIB + 1);
    HttpResponse<byte[]> r = send(2, "PUT", "/v1/buckets/" + bucket + "/objects/three", HttpRequest.BodyPublishers.ofByteArray(content));
    assertEquals(201, r.statusCode());
    JsonNode manifest = manifest(json(r.body()).path("fileId").asText());
    assertEquals("replicas:3", manifest.path("policy").asText());
    for (JsonNode segment : manifest.path("segments")) {
      Set<String> nodes = new HashSet<>();
      segment.path("shards").forEach(x -> nodes.add(x.path("nodeId").asText()));
      assertEquals(3, segment.path("shards").size());
      assertEquals("one copy per node", 3, nodes.size());
    }
    assertTrue(Arrays.equals(content, send(3, "GET", "/v1/buckets/" + bucket + "/objects/three", HttpRequest.BodyPublishers.noBody()).body()));
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
    byte[] content = randomBytes(2 * MIB + 7);
    JsonNode stored = put(2, "to-delete", content);
    List<String> shards = shardHashes(manifest(stored.path("fileId").asText()));
    assertEquals(3 * 6, shards.size());
    for (String sha : shards) {
      assertEquals(1, nodesHolding(sha));
    }

    assertEquals(204, send(3, "DELETE", "to-delete", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertEquals(404, get(1, "to-delete").statusCode());
    assertEquals(404, send(1, "DELETE", "to-delete", HttpRequest.BodyPublishers.noBody()).statusCode());
    for (String sha : shards) {
      assertEquals("shard " + sha + " left behind", 0, nodesHolding(sha));
    }
  }

  @Test
  public void sameContentUnderTwoKeysIsStoredOnce() throws Exception {
    byte[] content = randomBytes(MIB + 99);
    JsonNode first = put(1, "dedup/one", content);
    List<String> kept = shardHashes(manifest(first.path("fileId").asText()));
    JsonNode second = put(2, "dedup/two", content);
    assertEquals(first.path("fileId").asText(), second.path("fileId").asText());
    assertTrue(second.path("deduplicated").asBoolean());
    assertEquals("the manifest is the first upload's", kept, shardHashes(manifest(first.path("fileId").asText())));
    assertEquals("the second upload's shards were removed", 2 * 6, countAllShardFilesOf(first.path("fileId").asText()));

    assertEquals(204, send(1, "DELETE", "dedup/one", HttpRequest.BodyPublishers.noBody()).statusCode());
    assertTrue(Arrays.equals(content, get(3, "dedup/two").body()));
    assertEquals(204, send(1, "DELETE", "dedup/two", HttpRequest.BodyPublishers.noBody()).statusCode());
    for (String sha : kept) {
      assertEquals(0, nodesHolding(sha));
    }
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
  public void aDownloadThatCannotStartIs503NotAnEmpty200() throws Exception {
    byte[] content = randomBytes(MIB / 2);
    JsonNode stored = put(1, "unreadable", content);
    JsonNode segment0 = manifest(stored.path("fileId").asText()).path("segments").get(0);
    // ec:4+2: three of the six shards gone leaves too few to decode (and to repair)
    for (int i = 0; i < 3; i++) {
      for (Path shard : shardFiles(segment0.path("shards").get(i).path("merkleRoot").asText())) {
        Files.delete(shard);
      }
    }
    HttpResponse<byte[]> r = get(2, "unreadable");
    assertEquals(new String(r.body(), StandardCharsets.UTF_8), 503, r.statusCode());
    assertEquals("TransferFailed", json(r.body()).path("code").asText());
    assertEquals(503, ranged(3, "unreadable", "bytes=10-20").statusCode());
    assertEquals(204, send(1, "DELETE", "unreadable", HttpRequest.BodyPublishers.noBody()).statusCode());
  }

  @Test
  public void clientThatDisconnectsMidUploadLeavesNoObject() throws Exception {
    try (Socket s = new Socket("127.0.0.1", TestCluster.BASE_HTTP_PORT)) {
      OutputStream out = s.getOutputStream();
      String target = "/v1/buckets/" + BUCKET + "/objects/cut-short";
      StringBuilder head = new StringBuilder("PUT " + target + " HTTP/1.1\r\nHost: localhost\r\n");
      io.cess.core.account.RequestSignature.headers(cluster.account(), "PUT", target,
              io.cess.core.account.RequestSignature.UNSIGNED_PAYLOAD, java.time.Instant.now())
          .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("Content-Type: application/octet-stream\r\nContent-Length: 4194304\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
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

  private static final int MIB = 1024 * 1024;

  private static JsonNode manifest(String fileId) throws Exception {
    HttpResponse<byte[]> r = send(1, "GET", "/v1/files/" + fileId, HttpRequest.BodyPublishers.noBody());
    assertEquals(200, r.statusCode());
    return json(r.body());
  }

  private static List<String> shardHashes(JsonNode manifest) {
    List<String> out = new ArrayList<>();
    manifest.path("segments").forEach(s -> s.path("shards").forEach(x -> out.add(x.path("merkleRoot").asText())));
    return out;
  }

  /** Shard files of the stored manifest present on any disk (one per shard when clean). */
  private static int countAllShardFilesOf(String fileId) throws Exception {
    int n = 0;
    for (String sha : shardHashes(manifest(fileId))) {
      n += shardFiles(sha).size();
    }
    return n;
  }

  private static HttpResponse<byte[]> ranged(int node, String key, String range) throws Exception {
    HttpRequest req = cluster.request(node, "GET", "/v1/buckets/" + BUCKET + "/objects/" + key).header("Range", range).build();
    return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static long windowHash(byte[] b, int from) {
    long h = 1125899906842597L;
    for (int i = from; i < from + 32; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }

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
    return http.send(cluster.request(node, method, path).method(method, body).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(byte[] body) throws IOException {
    return Json.MAPPER.readTree(body);
  }

  /** How many nodes have the fragment on one of their miners' disks. */
  static int nodesHolding(String sha256) throws IOException {
    int count = 0;
    for (int i = 1; i <= 3; i++) {
      if (!shardFilesOn(i, sha256).isEmpty()) {
        count++;
      }
    }
    return count;
  }

  static List<Path> shardFiles(String sha256) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      out.addAll(shardFilesOn(i, sha256));
    }
    return out;
  }

  static List<Path> shardFilesOn(int node, String sha256) throws IOException {
    Path miners = cluster.dataDir("node" + node).resolve("miners");
    if (!Files.isDirectory(miners)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(miners)) {
      return files.filter(p -> p.getFileName().toString().equals(sha256)).toList();
    }
  }
}
