package io.cess.http.routes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.account.RequestAuthException;
import io.cess.http.rpc.RpcMethods;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * Keeps {@code openapi.yaml} true to the code without a cluster: every path literal and path
 * matcher chain of the route classes is in a documented path, every JSON-RPC method of {@link
 * RpcMethods#table()} is documented, every error code the native API answers is documented with
 * its status, every S3 operation S3Routes names is documented, and the document is well formed.
 * ({@code OpenApiIT} sends every documented operation to a real node.)
 */
public class OpenApiDocumentTest {

  /** Where the routes live (surefire runs in the module directory). */
  private static final Path SOURCES = Path.of("src/main/java/io/cess/http");

  private final OpenApiDocument doc = OpenApiDocument.load();

  /** The route sources: every class under routes/ and rpc/, and HttpServer, which wires them. */
  private static List<Path> routeSources() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("routes", "rpc")) {
      try (Stream<Path> s = Files.list(SOURCES.resolve(dir))) {
        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    files.add(SOURCES.resolve("HttpServer.java"));
    assertTrue("route sources not found under " + SOURCES.toAbsolutePath(), files.size() > 5);
    return files;
  }

  private Set<String> documentedSegments() {
    Set<String> segments = new HashSet<>();
    doc.root().path("paths").fieldNames().forEachRemaining(p -> {
      for (String s : p.split("/")) {
        if (!s.isEmpty() && !s.startsWith("{")) {
          segments.add(s);
        }
      }
    });
    return segments;
  }

  private static final Pattern MATCHER_LITERAL =
      // the static directives (not JsonNode.path), PathMatchers.segment and .slash of a chain
      Pattern.compile("(?:(?<![.\\w])(?:path|pathPrefix|pathPrefixTest|pathSuffix|segment)|PathMatchers\\.segment|\\.slash)\\(\\s*\"([^\"]+)\"");
  private static final Pattern PATH_STRING = Pattern.compile("\"(/[A-Za-z0-9._{}/-]*)\"");

  /** Literals of path matchers ({@code path("rpc")}, {@code .slash("tables")}) and "/..." strings. */
  static Set<String> pathLiterals(String source) {
    Set<String> literals = new TreeSet<>();
    Matcher m = MATCHER_LITERAL.matcher(source);
    while (m.find()) {
      literals.addAll(Arrays.asList(m.group(1).split("/")));
    }
    Matcher s = PATH_STRING.matcher(source);
    while (s.find()) {
      literals.addAll(Arrays.asList(s.group(1).split("/")));
    }
    literals.removeIf(l -> l.isEmpty() || l.startsWith("{"));
    return literals;
  }

  @Test
  public void everyPathLiteralOfTheRoutesIsInADocumentedPath() throws IOException {
    Set<String> documented = documentedSegments();
    List<String> missing = new ArrayList<>();
    int seen = 0;
    for (Path file : routeSources()) {
      for (String literal : pathLiterals(Files.readString(file))) {
        seen++;
        if (!documented.contains(literal)) {
          missing.add(file.getFileName() + ": \"" + literal + "\"");
        }
      }
    }
    assertTrue("the scan found the route literals (v1, buckets, rpc, ...): " + seen, seen >= 20);
    assertEquals("path segments routed in the code but in no path of openapi.yaml", List.of(), missing);
  }

  private static final Pattern CHAIN = Pattern.compile(
      "segment\\(\"([^\"]+)\"\\)((?:\\s*\\.slash\\((?:\"[^\"]+\"|PathMatchers\\.(?:segment|integerSegment|longSegment|remaining)\\(\\))\\))+)");
  private static final Pattern CHAIN_PART = Pattern.compile("\\.slash\\((?:\"([^\"]+)\"|PathMatchers\\.\\w+\\(\\))\\)");

  /**
   * {@code segment("v1").slash("files").slash(PathMatchers.segment())...}: each chain, as
   * segments ({@code null} for a matched value), must be a run of segments of a documented path
   * ({@code {param}} for a value), so that recombining known literals into a new endpoint fails too.
   */
  @Test
  public void everyPathMatcherChainIsARunOfADocumentedPath() throws IOException {
    List<List<String>> documented = new ArrayList<>();
    doc.root().path("paths").fieldNames().forEachRemaining(p -> documented.add(Arrays.asList(p.substring(1).split("/"))));
    List<String> missing = new ArrayList<>();
    int chains = 0;
    for (Path file : routeSources()) {
      Matcher m = CHAIN.matcher(Files.readString(file));
      while (m.find()) {
        chains++;
        List<String> chain = new ArrayList<>(List.of(m.group(1)));
        Matcher part = CHAIN_PART.matcher(m.group(2));
        while (part.find()) {
          chain.add(part.group(1));
        }
        if (documented.stream().noneMatch(path -> containsRun(path, chain))) {
          missing.add(file.getFileName() + ": " + chain.stream().map(s -> s == null ? "{*}" : s).toList());
        }
      }
    }
    assertTrue("the scan found the matcher chains: " + chains, chains >= 10);
    assertEquals("path matcher chains in the code that no documented path has", List.of(), missing);
  }

  private static boolean containsRun(List<String> path, List<String> run) {
    for (int start = 0; start + run.size() <= path.size(); start++) {
      boolean all = true;
      for (int i = 0; i < run.size() && all; i++) {
        String have = path.get(start + i);
        all = run.get(i) == null ? have.startsWith("{") : run.get(i).equals(have);
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  @Test
  public void everyJsonRpcMethodIsDocumentedAndNoOther() {
    // the method table only names the handlers: no services are needed to list it
    Set<String> registered = new TreeSet<>(new RpcMethods(null, null, null, null, null, 1).table().keySet());
    JsonNode rpc = doc.root().path("paths").path("/rpc").path("post");
    Set<String> inSchema = new TreeSet<>();
    doc.resolve(doc.root().at("/components/schemas/RpcRequest")).path("properties").path("method").path("enum")
        .forEach(n -> inSchema.add(n.asText()));
    Set<String> described = new TreeSet<>();
    rpc.path("x-rpc-methods").fieldNames().forEachRemaining(described::add);
    assertEquals("RpcRequest.method enum", registered, inSchema);
    assertEquals("x-rpc-methods of POST /rpc", registered, described);
    for (String method : registered) {
      assertTrue("POST /rpc's description lists `" + method + " {...}`", rpc.path("description").asText().contains("`" + method + " {"));
    }
    for (int code : List.of(-32700, -32600, -32601, -32602, -32603, -32000)) {
      assertTrue("POST /rpc's description names error code " + code, rpc.path("description").asText().contains(Integer.toString(code)));
    }
  }

  private static final Pattern STATUS_AND_CODE = Pattern.compile("StatusCodes\\.([A-Z_]+),\\s*\"([A-Za-z0-9]+)\"");
  private static final Pattern RPC_DOMAIN_ERROR = Pattern.compile("error\\((\\d{3}), \"([A-Za-z0-9]+)\"\\)");

  /** The text of every response for {@code status} in the document's non-S3 operations. */
  private String documentedFor(int status) {
    StringBuilder text = new StringBuilder();
    for (OpenApiDocument.Operation op : doc.operations()) {
      JsonNode response = op.node().path("responses").path(Integer.toString(status));
      if (!response.isMissingNode()) {
        text.append(doc.resolve(response).toString()).append('\n');
      }
    }
    return text.toString();
  }

  @Test
  public void everyErrorCodeOfTheNativeApiIsDocumentedWithItsStatus() throws Exception {
    List<Path> sources = new ArrayList<>(routeSources());
    sources.add(SOURCES.resolve("auth/RequestAuthenticator.java"));
    sources.add(SOURCES.resolve("protect/RateLimiter.java"));
    Set<String> pairs = new TreeSet<>();
    for (Path file : sources) {
      Matcher m = STATUS_AND_CODE.matcher(Files.readString(file));
      while (m.find()) {
        pairs.add(statusOf(m.group(1)) + " " + m.group(2));
      }
    }
    // the signature refusals, whose codes RequestAuthException names
    for (Field f : RequestAuthException.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        pairs.add("403 " + f.get(null));
      }
    }
    assertTrue("the scan found the error codes: " + pairs, pairs.size() >= 30);
    String general = doc.root().path("info").path("description").asText();
    List<String> missing = new ArrayList<>();
    for (String pair : pairs) {
      int status = Integer.parseInt(pair.substring(0, 3));
      String code = "`" + pair.substring(4) + "`";
      if (!documentedFor(status).contains(code) && !general.contains(status + " " + code)) {
        missing.add(pair);
      }
    }
    assertEquals("status and code answered by the code but documented with no response of that status", List.of(), missing);

    String rpc = doc.root().path("paths").path("/rpc").path("post").path("description").asText();
    Matcher m = RPC_DOMAIN_ERROR.matcher(Files.readString(SOURCES.resolve("rpc/RpcMethods.java")));
    while (m.find()) {
      String documented = m.group(1) + " `" + m.group(2) + "`";
      assertTrue("POST /rpc's description lists the domain error " + documented, rpc.contains(documented));
    }
  }

  private static int statusOf(String constant) throws ReflectiveOperationException {
    Object status = akka.http.javadsl.model.StatusCodes.class.getField(constant).get(null);
    return ((akka.http.javadsl.model.StatusCode) status).intValue();
  }

  private static final Pattern OPERATION_NAME = Pattern.compile("\\b([A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)\\b");

  @Test
  public void everyS3OperationS3RoutesNamesIsDocumented() throws IOException {
    String source = Files.readString(SOURCES.resolve("s3/S3Routes.java"));
    int from = source.indexOf("Operations so far:");
    int to = source.indexOf("Errors are", from);
    assertTrue("S3Routes' class comment lists its operations after \"Operations so far:\"", from > 0 && to > from);
    Set<String> named = new TreeSet<>();
    Matcher m = OPERATION_NAME.matcher(source.substring(from, to));
    while (m.find()) {
      named.add(m.group(1));
    }
    named.remove("MultipartRoutes");
    Set<String> documented = new TreeSet<>();
    for (OpenApiDocument.Operation op : doc.operations()) {
      op.node().path("x-s3-operations").forEach(o -> documented.add(o.path("operation").asText()));
    }
    assertTrue("the scan found S3Routes' operations: " + named, named.size() >= 12);
    Set<String> missing = new TreeSet<>(named);
    missing.removeAll(documented);
    assertEquals("S3 operations S3Routes names but no x-s3-operations lists", Set.of(), missing);
  }

  @Test
  public void theDocumentIsWellFormed() {
    assertEquals("3.0.3", doc.root().path("openapi").asText());
    Set<String> schemes = new HashSet<>();
    doc.root().at("/components/securitySchemes").fieldNames().forEachRemaining(schemes::add);
    assertEquals(Set.of("cessSignature", "cessRegistration", "sigV4", "nodeMac"), schemes);
    Set<String> operationIds = new HashSet<>();
    for (OpenApiDocument.Operation op : doc.operations()) {
      String id = op.id();
      assertTrue(id + " has a unique operationId", operationIds.add(op.node().path("operationId").asText()));
      assertFalse(id + " has responses", op.node().path("responses").isEmpty());
      op.node().path("responses").forEach(doc::resolve);
      op.securityScheme(doc.root()).ifPresent(s -> assertTrue(id + ": unknown security scheme " + s, schemes.contains(s)));
      Matcher names = Pattern.compile("\\{([^}]+)}").matcher(op.path());
      while (names.find()) {
        String name = names.group(1);
        assertTrue(id + " declares path parameter " + name, op.parameters().stream()
            .anyMatch(p -> p.path("in").asText().equals("path") && p.path("name").asText().equals(name)));
      }
      boolean internal = op.path().startsWith("/internal/");
      assertEquals(id + " is x-internal exactly when it is under /internal", internal, op.node().path("x-internal").asBoolean(false));
      assertEquals(id + ": the internal endpoint is for nodes (nodeMac)", internal,
          op.securityScheme(doc.root()).map("nodeMac"::equals).orElse(false));
      boolean s3 = op.securityScheme(doc.root()).map("sigV4"::equals).orElse(false);
      assertEquals(id + " lists its S3 operations exactly when it is S3", s3, op.node().has("x-s3-operations"));
      for (JsonNode p : op.parameters()) {
        JsonNode schema = doc.resolve(p.path("schema"));
        String pattern = schema.path("pattern").asText("");
        OpenApiDocument.Operation.example(p).ifPresent(example -> {
          // the probes of OpenApiIT send the examples: an invalid one is answered before routing matters
          assertTrue(id + ": example " + example + " of " + p.path("name").asText() + " matches " + pattern,
              pattern.isEmpty() || Pattern.compile(pattern).matcher(example).find());
          assertTrue(id + ": example " + example + " of " + p.path("name").asText() + " is one of " + schema.path("enum"),
              !schema.has("enum") || schema.path("enum").toString().contains("\"" + example + "\""));
        });
      }
      op.sampleTarget();
    }
    for (String open : List.of("GET /health/alive", "GET /health/ready", "GET /openapi.yaml", "GET /v1/callbacks/{token}", "HEAD /v1/callbacks/{token}")) {
      OpenApiDocument.Operation op = doc.operations().stream().filter(o -> o.id().equals(open)).findFirst()
          .orElseThrow(() -> new AssertionError(open + " is documented"));
      assertTrue(open + " needs no signature", op.securityScheme(doc.root()).isEmpty());
    }
    if (doc.operations().size() < 40) {
      fail("only " + doc.operations().size() + " operations documented");
    }
  }
}
