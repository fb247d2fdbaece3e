package io.cess.http.rpc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.http.routes.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class JsonRpcTest {

  private final AtomicInteger notified = new AtomicInteger();

  private final JsonRpc<String> rpc = new JsonRpc<>(Json.MAPPER, Map.of(
      "echo", (caller, p) -> CompletableFuture.completedFuture(Map.of("caller", caller, "text", p.text("text"))),
      "count", (caller, p) -> CompletableFuture.completedFuture(notified.incrementAndGet()),
      "fail", (caller, p) -> CompletableFuture.failedFuture(new IllegalStateException("boom")),
      "throws", (caller, p) -> {
        throw new IllegalStateException("thrown");
      }),
      e -> new JsonRpc.RpcError(JsonRpc.SERVER_ERROR, e.getMessage(), Map.of("code", "Mapped")), 3);

  private Optional<JsonNode> call(String body) {
    return rpc.handle("alice", body.getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();
  }

  @Test
  public void aCallAnswersWithItsResultAndId() {
    JsonNode r = call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":\"hi\"},\"id\":7}").orElseThrow();
    assertEquals("2.0", r.path("jsonrpc").asText());
    assertEquals(7, r.path("id").asInt());
    assertEquals("hi", r.path("result").path("text").asText());
    assertEquals("alice", r.path("result").path("caller").asText());
    assertTrue(r.path("error").isMissingNode());
  }

  @Test
  public void theStandardErrorCodes() {
    assertEquals(-32700, error(call("{not json")).path("code").asInt());
    assertTrue(call("{not json").orElseThrow().path("id").isNull());
    assertEquals(-32600, error(call("{\"method\":\"echo\",\"id\":1}")).path("code").asInt());
    assertEquals(-32600, error(call("{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":1}")).path("code").asInt());
    assertEquals(-32600, error(call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":\"x\",\"id\":1}")).path("code").asInt());
    assertEquals(-32600, error(call("[]")).path("code").asInt());
    assertEquals(-32601, error(call("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":\"a\"}")).path("code").asInt());
    assertEquals(-32602, error(call("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":3},\"id\":1}")).path("code").asInt());
    JsonNode mapped = error(call("{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":1}"));
    assertEquals(-32000, mapped.path("code").asInt());
    assertEquals("boom", mapped.path("message").asText());
    assertEquals("Mapped", mapped.path("data").path("code").asText());
    assertEquals("thrown", error(call("{\"jsonrpc\":\"2.0\",\"method\":\"throws\",\"id\":1}")).path("message").asText());
  }

  @Test
  public void aBatchAnswersEachCallInOrderButNotItsNotifications() {
    JsonNode r = call("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":\"a\"},\"id\":1},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"count\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":3}]").orElseThrow();
    assertEquals(2, r.size());
    assertEquals("a", r.get(0).path("result").path("text").asText());
    assertEquals(-32601, r.get(1).path("error").path("code").asInt());
    assertEquals(3, r.get(1).path("id").asInt());
    assertEquals("the notification ran", 1, notified.get());
  }

  @Test
  public void onlyNotificationsGetNoResponseAndBatchesAreBounded() {
    assertTrue(call("[{\"jsonrpc\":\"2.0\",\"method\":\"count\"},{\"jsonrpc\":\"2.0\",\"method\":\"count\"}]").isEmpty());
    assertTrue(call("{\"jsonrpc\":\"2.0\",\"method\":\"count\"}").isEmpty());
    assertEquals(3, notified.get());
    String four = "[" + String.join(",", java.util.Collections.nCopies(4, "{\"jsonrpc\":\"2.0\",\"method\":\"count\"}")) + "]";
    assertEquals(-32600, error(call(four)).path("code").asInt());
    assertEquals("an oversize batch runs nothing", 3, notified.get());
  }

  private static JsonNode error(Optional<JsonNode> response) {
    return response.orElseThrow().path("error");
  }
}
