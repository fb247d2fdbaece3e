package io.cess.http.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The whitepaper's native calls beyond add/get/cat/delete, end to end on three nodes (two miners
 * each) with the real Cassandra journal: push (extra redundancy), callback (expiring unsigned
 * download URLs, verified by any gateway) and get table rows.
 */
public class NativeApiIT {

  private static final Map<String, String> OVERRIDES = Map.of(
      "cess.gateway.segment-size", "1MiB",
      "cess.gateway.max-object-size", "16MiB",
      "akka.coordinated-shutdown.exit-jvm", "off",
      "akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");

  private static final int MIB = 1024 * 1024;
  private static TestCluster cluster;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Its policy is ec:2+1, so that pushed objects (ec:2+3) fit on six miners of three nodes. */
  private static final String BUCKET = "native-" + UUID.randomUUID().toString().substring(0, 8);
  private static AccountKeys stranger;

  private final Random random = new Random(BUCKET.hashCode() + 31L * System.nanoTime());

  @BeforeClass
  public static void startCluster() throws Exception {
    Path work = TestCluster.workDir().resolve("native-api-" + BUCKET);
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(work, 3, OVERRIDES);
    for (int i = 1; i <= 3; i++) {
      cluster.start(i);
    }
    cluster.awaitMiners(6, Duration.ofSeconds(30));
    assertEquals(200, send(1, "PUT", "/v1/buckets/" + BUCKET + "?policy=ec:2%2B1", new byte[0]).statusCode());
    stranger = AccountKeys.generate();
    byte[] registration = ("{\"signingKey\":\"" + stranger.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    assertEquals(201, signed(1, stranger, "POST", "/v1/accounts", registration).statusCode());
  }

  @AfterClass
  public static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ------------------------------------------------------------------ push

  @Test
  public void pushStoresWithExtraParityAndReadsBackIdentically() throws Exception {
    byte[] content = randomBytes(MIB + MIB / 2 + 7);
    JsonNode pushed = put(1, "pushed.bin?redundancy=extra", content, 201);
    assertEquals("ec:2+3", pushed.path("policy").asText());
    JsonNode manifest = manifest(pushed.path("fileId").asText());
    assertEquals("ec:2+3", manifest.path("policy").asText());
    assertEquals(2, manifest.path("segments").size());
    for (JsonNode segment : manifest.path("segments")) {
      assertEquals("K+M+2 shards per segment", 5, segment.path("shards").size());
    }
    assertTrue(Arrays.equals(content, get(2, "/v1/buckets/" + BUCKET + "/objects/pushed.bin").body()));

    // an explicit policy per object, with or without extra redundancy
    JsonNode replicas = put(2, "replicated.bin?policy=replicas:2&redundancy=extra", randomBytes(1000), 201);
    assertEquals("replicas:3", manifest(replicas.path("fileId").asText()).path("policy").asText());
    JsonNode explicit = put(3, "explicit.bin?policy=ec:3%2B2", randomBytes(5000), 201);
    assertEquals("ec:3+2", manifest(explicit.path("fileId").asText()).path("policy").asText());
  }

  @Test
  public void aPolicyTheMinersCannotHoldIsRefusedAndStoresNothing() throws Exception {
    // ec:4+3 is 7 shards; the cluster has 6 miners
    HttpResponse<byte[]> refused = send(1, "PUT", objectPath("too-wide.bin?policy=ec:4%2B3"), randomBytes(3000));
    assertEquals(body(refused), 503, refused.statusCode());
    assertEquals("InsufficientMiners", json(refused.body()).path("code").asText());
    // ec:2+1 pushed twice over is fine, but ec:4+2 pushed (ec:4+4, 8 shards) is not
    HttpResponse<byte[]> pushedTooFar = send(2, "PUT", objectPath("too-wide.bin?policy=ec:4%2B2&redundancy=extra"), randomBytes(3000));
    assertEquals(body(pushedTooFar), 503, pushedTooFar.statusCode());
    assertEquals(404, get(3, objectPath("too-wide.bin")).statusCode());

    HttpResponse<byte[]> bad = send(1, "PUT", objectPath("bad.bin?policy=raid5"), randomBytes(10));
    assertEquals(400, bad.statusCode());
    assertEquals("InvalidPolicy", json(bad.body()).path("code").asText());
    HttpResponse<byte[]> badRedundancy = send(1, "PUT", objectPath("bad.bin?redundancy=lots"), randomBytes(10));
    assertEquals(400, badRedundancy.statusCode());
    HttpResponse<byte[]> beyond = send(1, "PUT", objectPath("bad.bin?policy=replicas:16&redundancy=extra"), randomBytes(10));
    assertEquals(body(beyond), 400, beyond.statusCode());
    assertEquals("InvalidPolicy", json(beyond.body()).path("code").asText());
  }

  @Test
  public void pushingStoredContentStrengthensItsFileAndRemovesTheWeakerShards() throws Exception {
    byte[] content = randomBytes(MIB + 99);
    JsonNode plain = put(1, "plain.bin", content, 201);
    assertEquals("ec:2+1", plain.path("policy").asText());
    String fileId = plain.path("fileId").asText();
    List<String> weakShards = shardHashes(manifest(fileId));

    JsonNode pushed = put(2, "plain-backup.bin?redundancy=extra", content, 201);
    assertEquals("same content, same file", fileId, pushed.path("fileId").asText());
    assertFalse(pushed.path("deduplicated").asBoolean());
    assertEquals("ec:2+3", pushed.path("policy").asText());
    assertEquals("ec:2+3", manifest(fileId).path("policy").asText());
    awaitCondition("the ec:2+1 shards are removed", Duration.ofSeconds(20), () -> {
      for (String sha : weakShards) {
        if (!shardFiles(sha).isEmpty()) {
          return false;
        }
      }
      return true;
    });
    assertTrue(Arrays.equals(content, get(3, objectPath("plain.bin")).body()));
    assertTrue(Arrays.equals(content, get(1, objectPath("plain-backup.bin")).body()));

    // storing it again plainly keeps the stronger copy
    JsonNode again = put(3, "plain-again.bin", content, 201);
    assertTrue(again.path("deduplicated").asBoolean());
    assertEquals("ec:2+3", again.path("policy").asText());
  }

  // ------------------------------------------------------------------ callback

  @Test
  public void aCallbackUrlDownloadsUnsignedFromAnyGatewayWithRanges() throws Exception {
    byte[] content = randomBytes(2 * MIB + 321);
    put(1, "shared.bin", content, 201);
    HttpResponse<byte[]> issued = send(1, "POST", objectPath("shared.bin/callback?expires-in=600"), new byte[0]);
    assertEquals(body(issued), 201, issued.statusCode());
    JsonNode view = json(issued.body());
    String url = view.path("url").asText();
    assertTrue(url, url.startsWith(cluster.url(1) + "/v1/callbacks/"));
    Instant expiresAt = Instant.parse(view.path("expiresAt").asText());
    assertTrue(expiresAt.toString(), expiresAt.isAfter(Instant.now().plusSeconds(590)) && expiresAt.isBefore(Instant.now().plusSeconds(610)));
    String path = url.substring(cluster.url(1).length());

    HttpResponse<byte[]> whole = unsigned(2, "GET", path, null);
    assertEquals(200, whole.statusCode());
    assertTrue("downloaded bytes differ", Arrays.equals(content, whole.body()));
    assertEquals("private, no-store", whole.headers().firstValue("cache-control").orElse(""));

    HttpResponse<byte[]> ranged = unsigned(3, "GET", path, "bytes=" + (MIB - 10) + "-" + (2 * MIB + 10));
    assertEquals(206, ranged.statusCode());
    assertEquals("bytes " + (MIB - 10) + "-" + (2 * MIB + 10) + "/" + content.length, ranged.headers().firstValue("content-range").orElse(""));
    assertTrue(Arrays.equals(Arrays.copyOfRange(content, MIB - 10, 2 * MIB + 11), ranged.body()));
    HttpResponse<byte[]> suffix = unsigned(1, "GET", path, "bytes=-100");
    assertTrue(Arrays.equals(Arrays.copyOfRange(content, content.length - 100, content.length), suffix.body()));
    HttpResponse<byte[]> head = unsigned(2, "HEAD", path, null);
    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(content.length), head.headers().firstValue("content-length").orElse(""));

    // any altered character is refused
    String token = path.substring("/v1/callbacks/".length());
    int at = token.length() / 3;
    String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    HttpResponse<byte[]> refused = unsigned(3, "GET", "/v1/callbacks/" + tampered, null);
    assertEquals(403, refused.statusCode());
    assertEquals("InvalidToken", json(refused.body()).path("code").asText());
  }

  @Test
  public void aCallbackUrlExpires() throws Exception {
    byte[] content = randomBytes(4000);
    put(2, "brief.bin", content, 201);
    HttpResponse<byte[]> issued = send(2, "POST", objectPath("brief.bin/callback?expires-in=2"), new byte[0]);
    assertEquals(body(issued), 201, issued.statusCode());
    String path = URI.create(json(issued.body()).path("url").asText()).getPath();
    Instant expiresAt = Instant.parse(json(issued.body()).path("expiresAt").asText());
    HttpResponse<byte[]> early = unsigned(3, "GET", path, null);
    if (Instant.now().isBefore(expiresAt)) {
      assertEquals(body(early), 200, early.statusCode());
      assertTrue(Arrays.equals(content, early.body()));
    }
    awaitCondition("the callback expires", Duration.ofSeconds(10), () -> unsigned(1, "GET", path, null).statusCode() == 403);
    HttpResponse<byte[]> late = unsigned(1, "GET", path, null);
    assertEquals("ExpiredToken", json(late.body()).path("code").asText());
    assertFalse("not served before its expiry", Instant.now().isBefore(expiresAt));

    for (String expiresIn : new String[] {"0", "-5", "soon", String.valueOf(7 * 86400 + 1)}) {
      HttpResponse<byte[]> r = send(2, "POST", objectPath("brief.bin/callback?expires-in=" + expiresIn), new byte[0]);
      assertEquals(expiresIn + ": " + body(r), 400, r.statusCode());
      assertEquals("InvalidArgument", json(r.body()).path("code").asText());
    }
  }

  @Test
  public void overwritingOrDeletingTheObjectEndsItsCallbacks() throws Exception {
    put(3, "changing.bin", randomBytes(3000), 201);
    String first = callbackPath(1, "changing.bin");
    assertEquals(200, unsigned(2, "GET", first, null).statusCode());

    byte[] second = randomBytes(3001);
    put(1, "changing.bin", second, 201);
    HttpResponse<byte[]> replaced = unsigned(2, "GET", first, null);
    assertEquals(410, replaced.statusCode());
    assertEquals("ObjectReplaced", json(replaced.body()).path("code").asText());
    String current = callbackPath(2, "changing.bin");
    assertTrue(Arrays.equals(second, unsigned(3, "GET", current, null).body()));

    assertEquals(204, send(1, "DELETE", objectPath("changing.bin"), new byte[0]).statusCode());
    HttpResponse<byte[]> gone = unsigned(1, "GET", current, null);
    assertEquals(404, gone.statusCode());
    assertEquals("NoSuchKey", json(gone.body()).path("code").asText());
  }

  @Test
  public void onlyReadersGetCallbacksAndOnlyForObjectsThatExist() throws Exception {
    put(1, "private.bin", randomBytes(100), 201);
    HttpResponse<byte[]> denied = signed(2, stranger, "POST", objectPath("private.bin/callback"), new byte[0]);
    assertEquals(403, denied.statusCode());
    assertEquals("AccessDenied", json(denied.body()).path("code").asText());
    HttpResponse<byte[]> missing = send(2, "POST", objectPath("no-such.bin/callback"), new byte[0]);
    assertEquals(404, missing.statusCode());
    assertEquals("NoSuchKey", json(missing.body()).path("code").asText());
    HttpResponse<byte[]> unsignedIssue = unsigned(2, "POST", objectPath("private.bin/callback"), null);
    assertEquals(401, unsignedIssue.statusCode());
    assertEquals(404, send(2, "POST", objectPath("private.bin"), new byte[0]).statusCode());

    // a callback issued under a read grant stops working when the grant is revoked
    String grant = "/v1/buckets/" + BUCKET + "/grants/" + stranger.accountId();
    assertEquals(200, send(1, "PUT", grant + "?access=read", new byte[0]).statusCode());
    HttpResponse<byte[]> issued = signed(3, stranger, "POST", objectPath("private.bin/callback"), new byte[0]);
    assertEquals(body(issued), 201, issued.statusCode());
    String path = URI.create(json(issued.body()).path("url").asText()).getPath();
    assertEquals(200, unsigned(1, "GET", path, null).statusCode());
    assertEquals(200, send(1, "DELETE", grant, new byte[0]).statusCode());
    HttpResponse<byte[]> revoked = unsigned(1, "GET", path, null);
    assertEquals(403, revoked.statusCode());
    assertEquals("AccessDenied", json(revoked.body()).path("code").asText());
  }

  // ------------------------------------------------------------------ table rows

  @Test
  public void tableRowsPageByIdAndShowOnlyReadableBuckets() throws Exception {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String b = BUCKET + "-t" + i;
      assertEquals(200, send(1 + i, "PUT", "/v1/buckets/" + b, new byte[0]).statusCode());
      mine.add(b);
    }
    String theirs = BUCKET + "-theirs";
    assertEquals(200, signed(2, stranger, "PUT", "/v1/buckets/" + theirs, new byte[0]).statusCode());

    List<String> all = ids(table(1, "buckets", null).path("rows"));
    assertTrue(all.toString(), all.containsAll(mine) && all.contains(BUCKET));
    assertFalse("another account's bucket is not shown", all.contains(theirs));
    JsonNode strangers = json(signed(3, stranger, "GET", "/v1/tables/buckets?limit=1000", new byte[0]).body());
    assertEquals(List.of(theirs), ids(strangers.path("rows")));
    assertEquals(cluster.account().accountId(), row(table(2, "buckets", null), BUCKET).path("owner").asText());

    // pages of two, each continuing after the last, add up to the whole table in id order
    List<String> paged = new ArrayList<>();
    String lower = null;
    int pages = 0;
    while (true) {
      JsonNode page = json(send(1 + pages % 3, "GET", "/v1/tables/buckets?limit=2" + (lower == null ? "" : "&lower=" + lower), new byte[0]).body());
      List<String> ids = ids(page.path("rows"));
      assertTrue(page.toString(), ids.size() <= 2);
      paged.addAll(ids);
      pages++;
      if (!page.path("more").asBoolean()) {
        assertTrue(page.path("next").isNull());
        break;
      }
      assertEquals(ids.get(ids.size() - 1), page.path("next").asText());
      lower = page.path("next").asText();
    }
    assertEquals(all, paged);
    List<String> sorted = new ArrayList<>(all);
    sorted.sort(null);
    assertEquals("in id order", sorted, all);
    assertEquals((all.size() + 1) / 2, pages);

    // the other tables
    JsonNode accounts = table(2, "accounts", null);
    JsonNode me = row(accounts, cluster.account().accountId());
    assertEquals(cluster.account().publicKeyBase64(), me.path("signingKey").asText());
    assertTrue(me.path("createdAt").isTextual());
    assertTrue(ids(accounts.path("rows")).contains(stranger.accountId()));
    for (String id : ids(table(3, "accounts", cluster.account().accountId()).path("rows"))) {
      assertTrue(id, id.compareTo(cluster.account().accountId()) > 0);
    }
    assertEquals(6, table(1, "miners", null).path("rows").size());
    JsonNode stored = put(2, "tabled.bin?redundancy=extra", randomBytes(777), 201);
    JsonNode file = row(table(3, "files", null), stored.path("fileId").asText());
    assertEquals("ec:2+3", file.path("policy").asText());
    assertEquals(777, file.path("sizeBytes").asLong());
    assertEquals(cluster.account().accountId(), file.path("keyOwner").asText());

    HttpResponse<byte[]> unknown = send(1, "GET", "/v1/tables/orders", new byte[0]);
    assertEquals(404, unknown.statusCode());
    assertEquals("NoSuchTable", json(unknown.body()).path("code").asText());
    for (String limit : new String[] {"0", "1001", "many"}) {
      assertEquals(limit, 400, send(1, "GET", "/v1/tables/files?limit=" + limit, new byte[0]).statusCode());
    }
  }

  // ------------------------------------------------------------------ helpers

  private static JsonNode table(int node, String name, String lower) throws Exception {
    HttpResponse<byte[]> r = send(node, "GET", "/v1/tables/" + name + "?limit=1000" + (lower == null ? "" : "&lower=" + lower), new byte[0]);
    assertEquals(body(r), 200, r.statusCode());
    JsonNode page = json(r.body());
    assertEquals(name, page.path("table").asText());
    assertFalse(page.path("more").asBoolean());
    return page;
  }

  private static JsonNode row(JsonNode page, String id) {
    for (JsonNode r : page.path("rows")) {
      if (r.path("id").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no row " + id + " in " + page);
  }

  private static List<String> ids(JsonNode rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.path("id").asText()));
    return out;
  }

  private static String objectPath(String keyAndQuery) {
    return "/v1/buckets/" + BUCKET + "/objects/" + keyAndQuery;
  }

  private static String callbackPath(int node, String key) throws Exception {
    HttpResponse<byte[]> issued = send(node, "POST", objectPath(key + "/callback"), new byte[0]);
    assertEquals(body(issued), 201, issued.statusCode());
    Instant expiresAt = Instant.parse(json(issued.body()).path("expiresAt").asText());
    assertTrue("default-expiry is 1h: " + expiresAt, Math.abs(Duration.between(Instant.now().plusSeconds(3600), expiresAt).toSeconds()) < 30);
    return URI.create(json(issued.body()).path("url").asText()).getPath();
  }

  private JsonNode put(int node, String keyAndQuery, byte[] content, int status) throws Exception {
    HttpResponse<byte[]> r = send(node, "PUT", objectPath(keyAndQuery), content);
    assertEquals("PUT " + keyAndQuery + ": " + body(r), status, r.statusCode());
    return json(r.body());
  }

  private static HttpResponse<byte[]> get(int node, String path) throws Exception {
    return send(node, "GET", path, new byte[0]);
  }

  /** Signed by the cluster's test account. */
  private static HttpResponse<byte[]> send(int node, String method, String target, byte[] body) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
    return http.send(cluster.request(node, method, target).method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> signed(int node, AccountKeys keys, String method, String target, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest request = TestCluster.signed(HttpRequest.newBuilder(URI.create(cluster.url(node) + target)).timeout(Duration.ofSeconds(60)),
            keys, method, target, Sha256.hex(body))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** No Authorization header at all, as a browser following a callback URL. */
  private static HttpResponse<byte[]> unsigned(int node, String method, String path, String range) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url(node) + path)).timeout(Duration.ofSeconds(60))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode manifest(String fileId) throws Exception {
    HttpResponse<byte[]> r = get(1, "/v1/files/" + fileId);
    assertEquals(body(r), 200, r.statusCode());
    return json(r.body());
  }

  private static List<String> shardHashes(JsonNode manifest) {
    List<String> out = new ArrayList<>();
    manifest.path("segments").forEach(s -> s.path("shards").forEach(x -> out.add(x.path("merkleRoot").asText())));
    assertNotEquals(0, out.size());
    return out;
  }

  private static List<Path> shardFiles(String sha256) throws IOException {
    List<Path> out = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Path miners = cluster.dataDir("node" + i).resolve("miners");
      if (Files.isDirectory(miners)) {
        try (Stream<Path> files = Files.walk(miners)) {
          files.filter(p -> p.getFileName().toString().equals(sha256)).forEach(out::add);
        }
      }
    }
    return out;
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitCondition(String what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  private static JsonNode json(byte[] body) throws IOException {
    return Json.MAPPER.readTree(body);
  }

  private static String body(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
