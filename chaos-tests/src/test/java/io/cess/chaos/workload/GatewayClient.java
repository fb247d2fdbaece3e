package io.cess.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP to the gateways with every wait bounded: {@code connectTimeout} to open a connection and,
 * per call, an operation timeout that covers the whole exchange, body included (a gateway cut
 * off mid-download must not hang a worker). A call past its timeout is cancelled, which aborts
 * the exchange. The client's own threads are a fixed pool.
 */
public final class GatewayClient implements AutoCloseable {

  private final Gateways gateways;
  private final ExecutorService executor;
  private final HttpClient http;

  public GatewayClient(Gateways gateways, Duration connectTimeout, int threads, String threadName) {
    this.gateways = gateways;
    this.executor = Executors.newFixedThreadPool(threads, daemonThreads(threadName));
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).executor(executor).build();
  }

  public Gateways gateways() {
    return gateways;
  }

  /** Sends and waits at most {@code operationTimeout} for the answer and its whole body. */
  public <T> HttpResponse<T> send(
      int node, String method, String target, HttpRequest.BodyPublisher body,
      HttpResponse.BodyHandler<T> handler, Duration operationTimeout)
      throws IOException, TimeoutException, InterruptedException {
    HttpRequest request = gateways.request(node, method, target)
        .timeout(operationTimeout)
        .method(method, body)
        .build();
    CompletableFuture<HttpResponse<T>> call = http.sendAsync(request, handler);
    try {
      return call.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      call.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(cause);
    }
  }

  /** A GET of a JSON document; any status but 200 is an IOException naming it. */
  public JsonNode getJson(int node, String target, Duration operationTimeout)
      throws IOException, TimeoutException, InterruptedException {
    HttpResponse<String> r = send(node, "GET", target, HttpRequest.BodyPublishers.noBody(),
        HttpResponse.BodyHandlers.ofString(), operationTimeout);
    if (r.statusCode() != 200) {
      throw new IOException(gateways.name(node) + " answered GET " + target + " with " + r.statusCode() + ": "
          + abbreviate(r.body(), 300));
    }
    return Json.MAPPER.readTree(r.body());
  }

  /**
   * GETs an object and reduces its body to a SHA-256 as it streams in; failures and timeouts
   * are part of the answer, not exceptions. Only an interrupt propagates.
   */
  public ObjectRead readObject(int node, String bucket, String key, Duration operationTimeout)
      throws InterruptedException {
    try {
      HttpResponse<DigestingSubscriber.Digested> r = send(node, "GET", Workload.objectTarget(bucket, key),
          HttpRequest.BodyPublishers.noBody(), DigestingSubscriber.handler(), operationTimeout);
      boolean ok = r.statusCode() == 200;
      return new ObjectRead(r.statusCode(), ok ? r.body().sha256() : null, r.body().sizeBytes(),
          ok ? null : errorCode(r.body().head()));
    } catch (TimeoutException e) {
      return new ObjectRead(Operation.NO_RESPONSE, null, 0, "timed out after " + operationTimeout);
    } catch (IOException e) {
      return new ObjectRead(Operation.NO_RESPONSE, null, 0, describe(e));
    }
  }

  /** The {@code code} of a JSON error answer, else the answer's beginning. */
  public static String errorCode(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    try {
      JsonNode code = Json.MAPPER.readTree(body).path("code");
      if (code.isTextual()) {
        return code.asText();
      }
    } catch (IOException notJson) {
      // the body is not JSON (a proxy's or a truncated answer): report its text instead
      return abbreviate(body, 120);
    }
    return abbreviate(body, 120);
  }

  /** How an exception reads in the operation log: its type and message. */
  public static String describe(Throwable e) {
    String name = e.getClass().getSimpleName();
    return e.getMessage() == null ? name : name + ": " + abbreviate(e.getMessage(), 200);
  }

  static String abbreviate(String s, int max) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
  }

  static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
