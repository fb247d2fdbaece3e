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
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Moves shard bytes between nodes over their internal transfer endpoint
 * ({@code /internal/v1/fragments/{miner}/{sha256}}), streamed and back-pressured by akka-http.
 * The receiving node verifies the fingerprint before it acknowledges.
 */
public final class TransferClient {

  private final Http http;
  private final Materializer materializer;
  private final Duration timeout;

  public TransferClient(ActorSystem<?> system, Duration timeout) {
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.timeout = timeout;
  }

  public static String fragmentUrl(String baseUrl, String minerId, String sha256) {
    return baseUrl + "/internal/v1/fragments/" + minerId + "/" + sha256;
  }

  /** Stores a shard on a remote miner; completes when the holder has fsynced it. */
  public CompletionStage<Done> put(String baseUrl, String minerId, String sha256, ByteString bytes) {
    HttpRequest req =
        HttpRequest.PUT(fragmentUrl(baseUrl, minerId, sha256))
            .withEntity(ContentTypes.APPLICATION_OCTET_STREAM, bytes);
    return http.singleRequest(req)
        .thenCompose(resp -> expect(resp, StatusCodes.CREATED, "store", minerId, sha256));
  }

  /** Reads a whole shard (at most {@code maxBytes}); the caller verifies its fingerprint. */
  public CompletionStage<ByteString> get(String baseUrl, String minerId, String sha256, long maxBytes) {
    return http.singleRequest(HttpRequest.GET(fragmentUrl(baseUrl, minerId, sha256)))
        .thenCompose(
            resp -> {
              if (!resp.status().equals(StatusCodes.OK)) {
                return failed(resp, "read", minerId, sha256).thenApply(d -> ByteString.emptyByteString());
              }
              return resp.entity()
                  .withSizeLimit(maxBytes)
                  .toStrict(timeout.toMillis(), maxBytes, materializer)
                  .thenApply(strict -> strict.getData());
            });
  }

  /** Removes a shard; a shard already gone counts as removed. */
  public CompletionStage<Done> delete(String baseUrl, String minerId, String sha256) {
    return http.singleRequest(HttpRequest.DELETE(fragmentUrl(baseUrl, minerId, sha256)))
        .thenCompose(
            resp ->
                resp.status().equals(StatusCodes.NOT_FOUND)
                    ? resp.discardEntityBytes(materializer).completionStage()
                    : expect(resp, StatusCodes.NO_CONTENT, "delete", minerId, sha256));
  }

  private CompletionStage<Done> expect(
      HttpResponse resp, akka.http.javadsl.model.StatusCode ok, String what, String minerId, String sha256) {
    if (resp.status().equals(ok)) {
      return resp.discardEntityBytes(materializer).completionStage();
    }
    return failed(resp, what, minerId, sha256);
  }

  private CompletionStage<Done> failed(HttpResponse resp, String what, String minerId, String sha256) {
    return resp.entity()
        .withSizeLimit(64 * 1024)
        .toStrict(timeout.toMillis(), materializer)
        .thenApply(
            body -> {
              throw new TransferException(
                  what
                      + " of shard "
                      + sha256
                      + " on miner "
                      + minerId
                      + " failed: "
                      + resp.status().intValue()
                      + " "
                      + body.getData().utf8String(),
                  resp.status().equals(StatusCodes.NOT_FOUND));
            });
  }
}
