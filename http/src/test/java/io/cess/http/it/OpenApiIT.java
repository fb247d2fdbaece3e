package io.cess.http.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.SigV4Signer;
import io.cess.http.routes.Json;
import io.cess.http.routes.OpenApiDocument;
import io.cess.http.routes.OpenApiRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Keeps {@code openapi.yaml} true to the routes of a real node (storage and gateway, the real
 * Cassandra): every documented operation, signed as its security scheme says, is routed (its
 * answer is not akka-http's "no route", 404 {@code NotFound} or 405 {@code MethodNotAllowed}, nor
 * a refused signature), every S3 operation with its query selector is taken by the S3 API, and
 * on every documented path the methods the document does not name are not routed. The node
 * serves the document itself, unsigned.
 */
public class OpenApiIT {

  private static final Map<String, String> OVERRIDES = Map.ofEntries(
      // one node, one copy: routing is under test here, not placement
      Map.entry("cess.gateway.default-policy", "replicas:1"),
      // a few hundred requests in a burst: the request budget is not under test
      Map.entry("cess.http.rate-limit.requests-per-second", "100000"),
      Map.entry("cess.http.rate-limit.burst", "100000"),
      Map.entry("akka.coordinated-shutdown.exit-jvm", "off"),
      Map.entry("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"));

  /** What every path is probed with: the methods a client can send. */
  private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS");

  /** Codes of a refused signature: such an answer says nothing about routing. */
  private static final Set<String> AUTH_CODES = Set.of(
      "MissingAuthentication", "AuthorizationHeaderMalformed", "SignatureDoesNotMatch", "RequestTimeTooSkewed", "InvalidDate",
      "InvalidContentSha256", "RequestReplayed", "NodeAuthenticationFailed", "InvalidAccessKeyId");

  private static final String REGION = "us-east-1";
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestCluster cluster;
  private static SigV4Signer signer;
  private static final OpenApiDocument doc = OpenApiDocument.load();

  @BeforeClass
  public static void startNode() throws Exception {
    TestCluster.ensureCassandra(TestCluster.workDir());
    cluster = new TestCluster(TestCluster.workDir().resolve("openapi-" + RUN), 1, OVERRIDES);
    cluster.start(1);
    cluster.awaitMiners(2, Duration.ofSeconds(30));
    HttpResponse<byte[]> minted = nativeRequest("POST", "/v1/accounts/" + cluster.account().accountId() + "/keys", new byte[0]);
    assertEquals(text(minted), 201, minted.statusCode());
    JsonNode key = Json.MAPPER.readTree(minted.body());
    signer = new SigV4Signer(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText(), REGION);
    // the samples the document's examples name exist, so that HEADs answer 200 (a HEAD's 404 has no
    // body to tell "no route" from "no such key") and S3 gets past the bucket to the method
    String bucket = example("bucket");
    String key0 = example("key");
    assertEquals(200, s3("PUT", "/" + bucket, Map.of()).statusCode());
    assertEquals(200, s3("PUT", "/" + bucket + "/keep", Map.of()).statusCode());
    HttpResponse<byte[]> stored = nativeRequest("PUT", "/v1/buckets/" + bucket + "/objects/" + key0 + "?redundancy=standard", new byte[0]);
    assertEquals(text(stored), 201, stored.statusCode());
  }

  @AfterClass
  public static void stopNode() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String example(String parameter) {
    return doc.root().at("/components/parameters/" + parameter + "/example").asText();
  }

  @Test
  public void theNodeServesTheDocumentUnsigned() throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(cluster.url(1) + "/openapi.yaml")).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/yaml", r.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(OpenApiRoutes.document(), r.body());
    assertEquals("3.0.3", OpenApiDocument.parse(r.body()).root().path("openapi").asText());
  }

  @Test
  public void everyDocumentedOperationIsRouted() throws Exception {
    List<String> unrouted = new ArrayList<>();
    int sent = 0;
    for (OpenApiDocument.Operation op : inProbeOrder(doc.operations())) {
      Optional<String> scheme = op.securityScheme(doc.root());
      if (scheme.equals(Optional.of("sigV4"))) {
        for (JsonNode s3op : op.node().path("x-s3-operations")) {
          String target = withQuery(op.sampleTarget(), s3op.path("query").asText(""));
          Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          s3op.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
          HttpResponse<byte[]> r = s3(op.method().toUpperCase(Locale.ROOT), target, headers);
          sent++;
          s3Unrouted(r).ifPresent(why -> unrouted.add(s3op.path("operation").asText() + " (" + op.id() + " as " + target + "): " + why));
        }
        continue;
      }
      String method = op.method().toUpperCase(Locale.ROOT);
      String target = op.sampleTarget();
      HttpResponse<byte[]> r = switch (scheme.orElse("none")) {
        case "none" -> send(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)), method, new byte[0]);
        case "cessSignature" -> nativeRequest(method, target, body(op));
        case "cessRegistration" -> register(target);
        case "nodeMac" -> send(cluster.nodeRequest(1, method, target), method, new byte[0]);
        default -> throw new AssertionError(op.id() + ": no way to sign for scheme " + scheme.get());
      };
      sent++;
      nativeUnrouted(r, method).ifPresent(why -> unrouted.add(op.id() + " as " + method + " " + target + ": " + why));
      if (scheme.isEmpty()) {
        assertTrue(op.id() + " is documented without security, but answered " + r.statusCode() + " " + text(r),
            r.statusCode() != 401);
      }
    }
    assertTrue("probed the documented operations: " + sent, sent >= 50);
    assertEquals("documented operations the node does not route", List.of(), unrouted);
  }

  @Test
  public void noUndocumentedMethodIsRouted() throws Exception {
    List<String> routed = new ArrayList<>();
    Map<String, OpenApiDocument.Operation> onePerPath = new LinkedHashMap<>();
    doc.operations().forEach(op -> onePerPath.putIfAbsent(op.path(), op));
    int probes = 0;
    for (OpenApiDocument.Operation sample : onePerPath.values()) {
      boolean s3 = sample.securityScheme(doc.root()).equals(Optional.of("sigV4"));
      String target = sample.sampleTarget();
      String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
      for (String method : METHODS) {
        if (documentedAt(path, method, s3)) {
          continue;
        }
        probes++;
        if (s3) {
          HttpResponse<byte[]> r = s3(method, target, Map.of());
          if (!(r.statusCode() == 405 && (method.equals("HEAD") || text(r).contains("<Code>MethodNotAllowed</Code>")))) {
            routed.add(method + " " + target + " (S3): " + r.statusCode() + " " + text(r));
          }
        } else {
          // signed (and MAC'd for the internal endpoint), so that the authenticator lets it through to routing
          HttpRequest.Builder b = sample.securityScheme(doc.root()).equals(Optional.of("nodeMac"))
              ? cluster.nodeRequest(1, method, target)
              : HttpRequest.newBuilder(URI.create(cluster.url(1) + target)).timeout(Duration.ofSeconds(30));
          HttpResponse<byte[]> r = send(TestCluster.signed(b, cluster.account(), method, target, Sha256.hex(new byte[0])), method, new byte[0]);
          if (!noRoute(r, method)) {
            routed.add(method + " " + target + ": " + r.statusCode() + " " + text(r));
          }
        }
      }
    }
    // S3 operations chosen by a query selector: without it, the method is not one of theirs
    for (OpenApiDocument.Operation op : doc.operations()) {
      JsonNode s3ops = op.node().path("x-s3-operations");
      boolean allSelected = s3ops.size() > 0;
      for (JsonNode s3op : s3ops) {
        allSelected &= s3op.has("query");
      }
      if (allSelected) {
        probes++;
        String method = op.method().toUpperCase(Locale.ROOT);
        String target = op.sampleTarget().replaceAll("\\?.*", "");
        HttpResponse<byte[]> r = s3(method, target, Map.of());
        if (!(r.statusCode() == 405 && text(r).contains("<Code>MethodNotAllowed</Code>"))) {
          routed.add(method + " " + target + " without its selector (S3): " + r.statusCode() + " " + text(r));
        }
      }
    }
    assertTrue("probed the undocumented methods: " + probes, probes >= 60);
    assertEquals("methods the node routes on documented paths but the document does not name", List.of(), routed);
  }

  /** Whether a documented operation of the same API (S3 or not) takes {@code method} on {@code path}. */
  private static boolean documentedAt(String path, String method, boolean s3) {
    return doc.operations().stream().anyMatch(op -> op.method().equalsIgnoreCase(method)
        && op.securityScheme(doc.root()).equals(Optional.of("sigV4")) == s3
        && doc.matches(op, path));
  }

  /** Deletions last: every other probe finds the sample objects in place. */
  private static List<OpenApiDocument.Operation> inProbeOrder(List<OpenApiDocument.Operation> ops) {
    List<OpenApiDocument.Operation> ordered = new ArrayList<>(ops);
    ordered.sort(Comparator.comparing(op -> op.method().equals("delete")));
    return ordered;
  }

  /** Why the answer is "no route" or a refused signature (for a native or internal request). */
  private static Optional<String> nativeUnrouted(HttpResponse<byte[]> r, String method) {
    if (method.equals("HEAD")) {
      // no body to tell a rejection from a domain 404: the samples exist, so neither may occur
      return r.statusCode() == 404 || r.statusCode() == 405 || r.statusCode() == 401
          ? Optional.of("HEAD answered " + r.statusCode()) : Optional.empty();
    }
    String code = code(r);
    if (r.statusCode() == 405 || r.statusCode() == 404 && code.equals("NotFound")) {
      return Optional.of("no route: " + r.statusCode() + " " + text(r));
    }
    if (AUTH_CODES.contains(code)) {
      return Optional.of("signature refused, routing not reached: " + r.statusCode() + " " + text(r));
    }
    return Optional.empty();
  }

  private static Optional<String> s3Unrouted(HttpResponse<byte[]> r) {
    String body = text(r);
    if (r.statusCode() == 405 || body.contains("<Code>MethodNotAllowed</Code>")) {
      return Optional.of("S3 does not take it: " + r.statusCode() + " " + body);
    }
    if (code(r).equals("NotFound") || body.startsWith("{")) {
      return Optional.of("answered by the native API, not S3: " + r.statusCode() + " " + body);
    }
    for (String auth : AUTH_CODES) {
      if (body.contains("<Code>" + auth + "</Code>")) {
        return Optional.of("signature refused: " + body);
      }
    }
    return Optional.empty();
  }

  /** akka-http's "no route" answers: 404 {@code NotFound} or 405 (HEAD: the status alone). */
  private static boolean noRoute(HttpResponse<byte[]> r, String method) {
    if (method.equals("HEAD")) {
      return r.statusCode() == 404 || r.statusCode() == 405;
    }
    String code = code(r);
    return r.statusCode() == 405 && code.equals("MethodNotAllowed") || r.statusCode() == 404 && code.equals("NotFound");
  }

  private static String code(HttpResponse<byte[]> r) {
    try {
      return r.body().length == 0 || r.body()[0] != '{' ? "" : Json.MAPPER.readTree(r.body()).path("code").asText();
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text(r), e);
    }
  }

  /** The operation's JSON example body, if it documents one; else none. */
  private static byte[] body(OpenApiDocument.Operation op) throws Exception {
    JsonNode example = doc.resolve(op.node().path("requestBody")).path("content").path("application/json").path("example");
    return example.isMissingNode() ? new byte[0] : Json.MAPPER.writeValueAsBytes(example);
  }

  private static String withQuery(String target, String query) {
    return query.isEmpty() ? target : target + (target.contains("?") ? "&" : "?") + query;
  }

  /** A native request signed by the test account over the body's SHA-256. */
  private static HttpResponse<byte[]> nativeRequest(String method, String target, byte[] body) throws Exception {
    return send(TestCluster.signed(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)).timeout(Duration.ofSeconds(30)),
        cluster.account(), method, target, Sha256.hex(body)), method, body);
  }

  /** Registration of a new account, signed by the key it registers. */
  private static HttpResponse<byte[]> register(String target) throws Exception {
    AccountKeys keys = AccountKeys.generate();
    byte[] body = ("{\"signingKey\":\"" + keys.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    return send(TestCluster.signed(HttpRequest.newBuilder(URI.create(cluster.url(1) + target)).timeout(Duration.ofSeconds(30)),
        keys, "POST", target, Sha256.hex(body)), "POST", body);
  }

  /** A SigV4-signed request as the AWS SDKs send it: payload hash, date and host signed. */
  private static HttpResponse<byte[]> s3(String method, String rawTarget, Map<String, String> extra) throws Exception {
    byte[] body = new byte[0];
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("host", URI.create(cluster.url(1)).getAuthority());
    headers.put("x-amz-date", io.cess.core.s3.AmzDate.format(Instant.now()));
    headers.put("x-amz-content-sha256", Sha256.hex(body));
    headers.putAll(extra);
    S3Request signed = signer.sign(S3Request.of(method, rawTarget, headers));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.url(1) + rawTarget)).timeout(Duration.ofSeconds(30));
    signed.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return send(b, method, body);
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder b, String method, byte[] body) throws Exception {
    HttpRequest.BodyPublisher publisher = method.equals("HEAD") || method.equals("GET") && body.length == 0
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
    return http.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }
}
