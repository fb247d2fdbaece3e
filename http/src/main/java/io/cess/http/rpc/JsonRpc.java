package io.cess.http.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The JSON-RPC 2.0 protocol (https://www.jsonrpc.org/specification) over a table of methods:
 * single requests and batches, notifications (no {@code id}: no response), and the standard
 * error codes. A method's failure becomes an error object through {@code errors}.
 *
 * @param <C> who is calling (passed to every method)
 */
public final class JsonRpc<C> {

  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;
  /** Implementation-defined server errors (-32000..-32099): the API's domain errors. */
  public static final int SERVER_ERROR = -32000;

  /** One method: its result is serialized as the response's {@code result}. */
  @FunctionalInterface
  public interface Method<C> {
    CompletionStage<?> call(C caller, Params params);
  }

  /** A JSON-RPC error: code, message and optional data. */
  public static final class RpcError extends RuntimeException {
    private final int code;
    private final transient Object data;

    public RpcError(int code, String message, Object data) {
      super(message);
      this.code = code;
      this.data = data;
    }

    public int code() {
      return code;
    }

    public Object data() {
      return data;
    }
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ObjectMapper mapper;
  private final Map<String, Method<C>> methods;
  private final Function<Throwable, RpcError> errors;
  private final int maxBatch;

  public JsonRpc(ObjectMapper mapper, Map<String, Method<C>> methods, Function<Throwable, RpcError> errors, int maxBatch) {
    this.mapper = mapper;
    this.methods = Map.copyOf(methods);
    this.errors = errors;
    this.maxBatch = maxBatch;
  }

  /** The response to a request body: empty when nothing is to be sent (only notifications). */
  public CompletionStage<Optional<JsonNode>> handle(C caller, byte[] body) {
    JsonNode request;
    try {
      request = mapper.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return done(Optional.of(error(null, PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), null)));
    } catch (IOException e) {
      return done(Optional.of(error(null, PARSE_ERROR, "Parse error: " + e.getMessage(), null)));
    }
    if (request == null || request.isMissingNode()) {
      return done(Optional.of(error(null, PARSE_ERROR, "Parse error: empty body", null)));
    }
    if (!request.isArray()) {
      return one(caller, request);
    }
    if (request.isEmpty()) {
      return done(Optional.of(error(null, INVALID_REQUEST, "Invalid Request: empty batch", null)));
    }
    if (request.size() > maxBatch) {
      return done(Optional.of(error(null, INVALID_REQUEST, "Invalid Request: a batch holds at most " + maxBatch + " calls", null)));
    }
    List<CompletableFuture<Optional<JsonNode>>> calls = new ArrayList<>();
    for (JsonNode call : request) {
      calls.add(one(caller, call).toCompletableFuture());
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(v -> {
      ArrayNode out = NODES.arrayNode();
      calls.forEach(c -> c.join().ifPresent(out::add));
      return out.isEmpty() ? Optional.empty() : Optional.of(out);
    });
  }

  private CompletionStage<Optional<JsonNode>> one(C caller, JsonNode call) {
    JsonNode id = call.get("id");
    boolean validId = id == null || id.isTextual() || id.isNumber() || id.isNull();
    if (!call.isObject() || !"2.0".equals(call.path("jsonrpc").asText(null)) || !call.path("method").isTextual() || !validId
        || call.has("params") && !(call.get("params").isObject() || call.get("params").isArray())) {
      return done(Optional.of(error(validId ? id : null, INVALID_REQUEST,
          "Invalid Request: needs \"jsonrpc\": \"2.0\", a string \"method\", an optional object or array \"params\" and an optional string or number \"id\"", null)));
    }
    boolean notification = id == null;
    Method<C> method = methods.get(call.get("method").asText());
    if (method == null) {
      return done(notification ? Optional.empty() : Optional.of(error(id, METHOD_NOT_FOUND,
          "Method not found: " + call.get("method").asText() + " (methods: " + new java.util.TreeSet<>(methods.keySet()) + ")", null)));
    }
    CompletionStage<?> result;
    try {
      result = method.call(caller, new Params(call.has("params") ? call.get("params") : NODES.objectNode()));
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.handle((value, failure) -> {
      if (notification) {
        return Optional.<JsonNode>empty();
      }
      if (failure != null) {
        RpcError e = asRpcError(failure);
        return Optional.of(error(id, e.code(), e.getMessage(), e.data()));
      }
      ObjectNode response = NODES.objectNode().put("jsonrpc", "2.0");
      response.set("result", mapper.valueToTree(value));
      response.set("id", id);
      return Optional.of(response);
    });
  }

  private RpcError asRpcError(Throwable failure) {
    Throwable e = io.cess.http.routes.ApiErrors.unwrap(failure);
    return e instanceof RpcError rpc ? rpc : errors.apply(e);
  }

  private ObjectNode error(JsonNode id, int code, String message, Object data) {
    ObjectNode error = NODES.objectNode().put("code", code).put("message", message);
    if (data != null) {
      error.set("data", mapper.valueToTree(data));
    }
    ObjectNode response = NODES.objectNode().put("jsonrpc", "2.0");
    response.set("error", error);
    response.set("id", id == null ? NODES.nullNode() : id);
    return response;
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** A call's params, by name (an object); every accessor refuses a bad value with INVALID_PARAMS. */
  public record Params(JsonNode node) {

    public String text(String name) {
      JsonNode v = node.get(name);
      if (v == null || !v.isTextual()) {
        throw invalid("\"" + name + "\" must be a string");
      }
      return v.asText();
    }

    public Optional<String> optionalText(String name) {
      return node.has(name) && !node.get(name).isNull() ? Optional.of(text(name)) : Optional.empty();
    }

    public long integer(String name, long defaultValue, long min, long max) {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        return defaultValue;
      }
      if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        throw invalid("\"" + name + "\" must be an integer in " + min + ".." + max);
      }
      return v.asLong();
    }

    public byte[] base64(String name) {
      try {
        return java.util.Base64.getDecoder().decode(text(name));
      } catch (IllegalArgumentException e) {
        throw invalid("\"" + name + "\" must be base64: " + e.getMessage());
      }
    }

    public static RpcError invalid(String message) {
      return new RpcError(INVALID_PARAMS, "Invalid params: " + message, null);
    }
  }
}
