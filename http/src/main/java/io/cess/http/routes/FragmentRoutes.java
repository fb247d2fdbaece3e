package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.stream.Materializer;
import akka.stream.javadsl.FileIO;
import akka.stream.javadsl.StreamConverters;
import io.cess.actors.storage.FragmentStore;
import io.cess.actors.transfer.TransferClient;
import io.cess.core.node.NodeRequestAuth;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The internal transfer endpoint of a storage node, {@code /internal/v1/fragments/{miner}/{root}}:
 * PUT stores a shard (hash-checked, fsynced, 201), GET streams it, DELETE removes it; {@code GET
 * /internal/v1/fragments/{miner}?older-than=} lists a miner's older fragments. Bodies are
 * streamed into the store on the blocking dispatcher, never buffered whole. Every request must
 * come from a node of the cluster ({@link NodeRequestAuth}).
 */
public final class FragmentRoutes {

  private final FragmentStore store;
  private final long maxFragmentBytes;
  private final Duration readTimeout;
  private final Executor blocking;
  private final Materializer materializer;

  private final NodeRequestAuth auth;
  private final Duration maxSkew;

  public FragmentRoutes(
      ActorSystem<?> system, FragmentStore store, long maxFragmentBytes, Duration readTimeout, NodeRequestAuth auth, Duration maxSkew) {
    this.auth = auth;
    this.maxSkew = maxSkew;
    this.store = store;
    this.maxFragmentBytes = maxFragmentBytes;
    this.readTimeout = readTimeout;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    this.materializer = Materializer.matFromSystem(system);
  }

  public Route route() {
    return pathPrefixTest(PathMatchers.segment("internal").slash("v1").slash("fragments"), () -> fromClusterNode(() -> concat(listing(), fragment())));
  }

  /** Only nodes holding the cluster secret get past: 401 {@code NodeAuthenticationFailed}. */
  private Route fromClusterNode(java.util.function.Supplier<Route> inner) {
    return extractRequest(request -> {
      try {
        auth.verify(request.method().value(), io.cess.http.auth.RequestAuthenticator.rawTarget(request),
            request.getHeader(NodeRequestAuth.DATE_HEADER).map(h -> h.value()).orElse(null),
            request.getHeader(NodeRequestAuth.MAC_HEADER).map(h -> h.value()).orElse(null),
            java.time.Instant.now(), maxSkew);
      } catch (IllegalArgumentException e) {
        return ApiErrors.complete(StatusCodes.UNAUTHORIZED, "NodeAuthenticationFailed", e.getMessage());
      }
      return inner.get();
    });
  }

  /**
   * {@code GET /internal/v1/fragments/{miner}?older-than=<epoch seconds>}: the roots of the
   * miner's fragments last written before then, one per line (for the orphan collector).
   */
  private Route listing() {
    return path(
        PathMatchers.segment("internal").slash("v1").slash("fragments").slash(PathMatchers.segment()),
        minerId ->
            get(
                () ->
                    parameter(
                        "older-than",
                        olderThan -> {
                          long seconds;
                          try {
                            seconds = Long.parseLong(olderThan);
                          } catch (NumberFormatException e) {
                            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "older-than must be epoch seconds");
                          }
                          return onSuccess(
                              CompletableFuture.supplyAsync(
                                  () -> store.listOlderThan(minerId, java.time.Instant.ofEpochSecond(seconds)), blocking),
                              roots -> complete(StatusCodes.OK, HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8,
                                  roots.isEmpty() ? "" : String.join("\n", roots) + "\n")));
                        })));
  }

  private Route fragment() {
    return path(
        PathMatchers.segment("internal").slash("v1").slash("fragments").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
        (minerId, root) ->
            concat(
                put(() -> store(minerId, root)),
                get(() -> read(minerId, root)),
                delete(
                    () ->
                        onSuccess(
                            CompletableFuture.supplyAsync(() -> store.delete(minerId, root), blocking),
                            deleted ->
                                deleted
                                    ? complete(StatusCodes.NO_CONTENT)
                                    : ApiErrors.complete(StatusCodes.NOT_FOUND, TransferClient.NO_SUCH_FRAGMENT, "no fragment " + root)))));
  }

  private Route store(String minerId, String root) {
    return extractRequestEntity(
        entity -> {
          if (entity.getContentLengthOption().isEmpty()) {
            return ApiErrors.complete(StatusCodes.LENGTH_REQUIRED, "LengthRequired", "a fragment upload needs Content-Length");
          }
          long size = entity.getContentLengthOption().getAsLong();
          if (size > maxFragmentBytes) {
            return ApiErrors.complete(
                StatusCodes.PAYLOAD_TOO_LARGE, "EntityTooLarge", "fragments are at most " + maxFragmentBytes + " bytes");
          }
          InputStream in =
              entity.getDataBytes().runWith(StreamConverters.asInputStream(readTimeout), materializer);
          return onSuccess(
              CompletableFuture.runAsync(
                  () -> {
                    try (in) {
                      store.write(minerId, root, size, in);
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  },
                  blocking),
              done -> complete(StatusCodes.CREATED));
        });
  }

  private Route read(String minerId, String root) {
    return onSuccess(
        CompletableFuture.supplyAsync(() -> store.locate(minerId, root), blocking),
        found -> {
          if (found.isEmpty()) {
            return ApiErrors.complete(StatusCodes.NOT_FOUND, TransferClient.NO_SUCH_FRAGMENT, "no fragment " + root);
          }
          Path p = found.get();
          return complete(
              HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, p.toFile().length(), FileIO.fromPath(p)));
        });
  }
}
