package io.cess.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shipped {@code openapi.yaml}, read as the tests that keep it true need it: its operations
 * (path template, method, parameters with {@code $ref}s resolved, security scheme) and sample
 * request targets built from the parameters' {@code example} values.
 */
public final class OpenApiDocument {

  public static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "head", "patch", "options", "trace");

  /** One method of one path of the document. */
  public record Operation(String path, String method, JsonNode node, List<JsonNode> parameters) {

    /** The scheme the operation is secured by ({@code cessSignature}, {@code sigV4}, ...), empty for none. */
    public Optional<String> securityScheme(JsonNode root) {
      JsonNode security = node.has("security") ? node.get("security") : root.path("security");
      if (security.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(security.get(0).fieldNames().next());
    }

    public String id() {
      return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }

    /** The parameter's sample value: its {@code example}, else its schema's. */
    public static Optional<String> example(JsonNode parameter) {
      JsonNode example = parameter.has("example") ? parameter.get("example") : parameter.path("schema").path("example");
      return example.isMissingNode() || example.isNull() ? Optional.empty() : Optional.of(example.asText());
    }

    /**
     * The path with every parameter replaced by its example, plus the required query parameters
     * with theirs: a request target this operation must answer (not "no route").
     */
    public String sampleTarget() {
      String target = path;
      List<String> query = new ArrayList<>();
      for (JsonNode p : parameters) {
        String name = p.path("name").asText();
        String in = p.path("in").asText();
        if (in.equals("path")) {
          String value = example(p).orElseThrow(() -> new AssertionError(id() + ": path parameter " + name + " has no example"));
          target = target.replace("{" + name + "}", value);
        } else if (in.equals("query") && p.path("required").asBoolean(false)) {
          query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + example(p)
              .map(v -> "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)).orElse(""));
        }
      }
      return query.isEmpty() ? target : target + "?" + String.join("&", query);
    }
  }

  private final JsonNode root;

  private OpenApiDocument(JsonNode root) {
    this.root = root;
  }

  /** The document as the build ships it (the classpath resource the node serves). */
  public static OpenApiDocument load() {
    return parse(OpenApiRoutes.document());
  }

  public static OpenApiDocument parse(byte[] yaml) {
    try {
      return new OpenApiDocument(new YAMLMapper().readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml does not parse", e);
    }
  }

  public JsonNode root() {
    return root;
  }

  /** Follows a local {@code $ref} ({@code #/components/...}); other nodes are returned as they are. */
  public JsonNode resolve(JsonNode node) {
    JsonNode n = node;
    for (int hops = 0; n.has("$ref"); hops++) {
      String ref = n.get("$ref").asText();
      if (!ref.startsWith("#/") || hops > 10) {
        throw new AssertionError("unresolvable $ref " + ref);
      }
      JsonNode target = root.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new AssertionError("$ref " + ref + " points nowhere");
      }
      n = target;
    }
    return n;
  }

  public List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> items = path.getValue().fields(); items.hasNext(); ) {
        Map.Entry<String, JsonNode> item = items.next();
        if (HTTP_METHODS.contains(item.getKey())) {
          Map<String, JsonNode> parameters = new LinkedHashMap<>();
          for (JsonNode p : path.getValue().path("parameters")) {
            JsonNode r = resolve(p);
            parameters.put(r.path("in").asText() + ":" + r.path("name").asText(), r);
          }
          for (JsonNode p : item.getValue().path("parameters")) {
            JsonNode r = resolve(p);
            parameters.put(r.path("in").asText() + ":" + r.path("name").asText(), r);
          }
          out.add(new Operation(path.getKey(), item.getKey(), item.getValue(), List.copyOf(parameters.values())));
        }
      }
    }
    return out;
  }

  /** The methods documented for {@code path} (upper case). */
  public Set<String> methodsOf(String path) {
    Set<String> methods = new java.util.TreeSet<>();
    root.path("paths").path(path).fieldNames().forEachRemaining(m -> {
      if (HTTP_METHODS.contains(m)) {
        methods.add(m.toUpperCase(java.util.Locale.ROOT));
      }
    });
    return methods;
  }

  /**
   * Whether the concrete {@code target} path (no query) is an instance of {@code template}: a
   * parameter matches one segment, or several when it is {@code x-cess-multi-segment} (object keys).
   */
  public boolean matches(Operation template, String target) {
    StringBuilder regex = new StringBuilder("^");
    java.util.regex.Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template.path());
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.path().substring(last, m.start())));
      String name = m.group(1);
      boolean multi = template.parameters().stream()
          .anyMatch(p -> p.path("in").asText().equals("path") && p.path("name").asText().equals(name)
              && p.path("x-cess-multi-segment").asBoolean(false));
      regex.append(multi ? ".+" : "[^/]+");
      last = m.end();
    }
    regex.append(Pattern.quote(template.path().substring(last))).append("$");
    return target.matches(regex.toString());
  }
}
