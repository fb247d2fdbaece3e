package io.cess.actors.transfer;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.stream.Materializer;
import akka.util.ByteString;
import io.cess.core.node.NodeRequestAuth;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Moves shard bytes between nodes over their internal transfer endpoint
 * ({@code /internal/v1/fragments/{miner}/{root}}), streamed and back-pressured by akka-http.
 * The receiving node verifies the fingerprint before it acknowledges.
 */
public final class TransferClient {

  private final Http http;
  private final Materializer materializer;
  private final Duration timeout;
  private final NodeRequestAuth auth;

  public TransferClient(ActorSystem<?> system, Duration timeout, NodeRequestAuth auth) {
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.timeout = timeout;
    this.auth = auth;
  }

  /** The request with the headers that prove it comes from a node of this cluster. */
  private HttpRequest authenticated(HttpRequest request) {
    String target = request.getUri().getPathString() + request.getUri().rawQueryString().map(q -> "?" + q).orElse("");
    HttpRequest out = request;
    for (var h : auth.headers(request.method().value(), target, java.time.Instant.now()).entrySet()) {
      out = out.addHeader(akka.http.javadsl.model.headers.RawHeader.create(h.getKey(), h.getValue()));
    }
    return out;
  }

  /**
   * Sends a request and fails it when no response head arrives within the transfer timeout (a
   * holder that accepts the connection and then hangs must not stall a read or a repair scan).
   */
  private CompletionStage<HttpResponse> send(HttpRequest request) {
    return http.singleRequest(authenticated(request))
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof java.util.concurrent.TimeoutException) {
            throw new TransferException(request.method().value() + " " + request.getUri() + ": no answer within " + timeout);
          }
          throw e instanceof java.util.concurrent.CompletionException ce ? ce : new java.util.concurrent.CompletionException(e);
        });
  }

  public static String fragmentUrl(String baseUrl, String minerId, String root) {
    return baseUrl + "/internal/v1/fragments/" + minerId + "/" + root;
  }

  /** Stores a shard on a remote miner; completes when the holder has fsynced it. */
  public CompletionStage<Done> put(String baseUrl, String minerId, String root, ByteString bytes) {
    HttpRequest req =
        HttpRequest.PUT(fragmentUrl(baseUrl, minerId, root))
            .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, bytes);
    return send(req)
        .thenCompose(resp -> expect(resp, StatusCodes.CREATED, "store", minerId, root));
  }

  /**
   * Reads a whole shard of {@code sizeBytes} straight into one array (no intermediate copies: a
   * download moves every byte through here); the caller verifies its fingerprint.
   */
  public CompletionStage<byte[]> get(String baseUrl, String minerId, String root, long sizeBytes) {
    return send(HttpRequest.GET(fragmentUrl(baseUrl, minerId, root)))
        .thenCompose(
            resp -> {
              if (!resp.status().equals(StatusCodes.OK)) {
                return failed(resp, "read", minerId, root).thenApply(d -> new byte[0]);
              }
              byte[] out = new byte[Math.toIntExact(sizeBytes)];
              int[] filled = {0};
              return resp.entity()
                  .withSizeLimit(sizeBytes)
                  .getDataBytes()
                  .completionTimeout(timeout)
                  .runForeach(
                      chunk -> {
                        chunk.copyToArray(out, filled[0], chunk.size());
                        filled[0] += chunk.size();
                      },
                      materializer)
                  .thenApply(
                      done -> {
                        if (filled[0] != out.length) {
                          throw new TransferException(
                              "shard " + root + " on miner " + minerId + " ended after " + filled[0] + " of " + out.length + " bytes", true);
                        }
                        return out;
                      });
            });
  }

  /** The roots of a miner's fragments last written before {@code cutoff}. */
  public CompletionStage<List<String>> listOlderThan(String baseUrl, String minerId, java.time.Instant cutoff) {
    return send(HttpRequest.GET(
            baseUrl + "/internal/v1/fragments/" + minerId + "?older-than=" + cutoff.getEpochSecond()))
        .thenCompose(
            resp -> {
              if (!resp.status().equals(StatusCodes.OK)) {
                return failed(resp, "listing", minerId, "*").thenApply(d -> List.<String>of());
              }
              long limit = 64L << 20; // about a million roots
              return resp.entity()
                  .withSizeLimit(limit)
                  .toStrict(timeout.toMillis(), limit, materializer)
                  .thenApply(strict -> strict.getData().utf8String().lines().filter(l -> !l.isBlank()).toList());
            });
  }

  /**
   * Removes a shard; a shard already gone ({@code NoSuchFragment}) counts as removed. Any other
   * refusal, a miner the node does not host included, fails: the removal stays pending.
   */
  public CompletionStage<Done> delete(String baseUrl, String minerId, String root) {
    return send(HttpRequest.DELETE(fragmentUrl(baseUrl, minerId, root)))
        .thenCompose(
            resp ->
                resp.status().equals(StatusCodes.NOT_FOUND)
                    ? bodyText(resp).thenApply(text -> {
                      if (NO_SUCH_FRAGMENT.equals(errorCode(text))) {
                        return Done.getInstance();
                      }
                      throw failure(resp, text, "delete", minerId, root, false);
                    })
                    : expect(resp, StatusCodes.NO_CONTENT, "delete", minerId, root));
  }

  /** The error code a node answers for a shard it does not hold. */
  public static final String NO_SUCH_FRAGMENT = "NoSuchFragment";

  private static final com.fasterxml.jackson.databind.ObjectMapper CODE_READER = new com.fasterxml.jackson.databind.ObjectMapper();

  /** The {@code code} of an error body; empty for a body that is not JSON (a proxy's page, say). */
  private static String errorCode(String body) {
    try {
      return CODE_READER.readTree(body).path("code").asText("");
    } catch (java.io.IOException notJson) {
      return "";
    }
  }

  private CompletionStage<Done> expect(
      HttpResponse resp, akka.http.javadsl.model.StatusCode ok, String what, String minerId, String root) {
    if (resp.status().equals(ok)) {
      return resp.discardEntityBytes(materializer).completionStage();
    }
    return failed(resp, what, minerId, root);
  }

  private CompletionStage<Done> failed(HttpResponse resp, String what, String minerId, String root) {
    return bodyText(resp).thenApply(text -> {
      throw failure(resp, text, what, minerId, root, resp.status().equals(StatusCodes.NOT_FOUND));
    });
  }

  /** An error answer's body, read whole (it is small; 64 KiB at most). */
  private CompletionStage<String> bodyText(HttpResponse resp) {
    return resp.entity().withSizeLimit(64 * 1024).toStrict(timeout.toMillis(), materializer).thenApply(b -> b.getData().utf8String());
  }

  private static TransferException failure(HttpResponse resp, String body, String what, String minerId, String root, boolean damaged) {
    return new TransferException(
        what + " of shard " + root + " on miner " + minerId + " failed: " + resp.status().intValue() + " " + body, damaged);
  }
}
