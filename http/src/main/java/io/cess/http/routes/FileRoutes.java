package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.stream.javadsl.Source;
import java.time.Duration;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.actors.file.Manifest;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.core.Sha256;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/files/{fileId}}: a stored file's manifest (policy, segments, shards and their
 * holders; never the key). {@code GET /v1/files/{fileId}/health}: per segment, how many shards
 * sit on live nodes and how many more could be lost; {@code .../health/events}: the same as a
 * server-sent-event stream. {@code GET /v1/files/{fileId}/segments/{s}/shards/{i}}: one shard's
 * placement, status (healthy, repairing, damaged), repair count and repair history.
 */
public final class FileRoutes {

  public record ShardView(int index, String merkleRoot, long sizeBytes, String minerId, String nodeId) {}

  public record SegmentView(int index, long sizeBytes, String sha256, List<ShardView> shards) {}

  public record FileView(
      String fileId, long sizeBytes, String sha256, String policy, long segmentSizeBytes, Instant createdAt, String keyOwner, List<SegmentView> segments) {}

  private final ObjectGateway objects;

  public FileRoutes(ObjectGateway objects) {
    this.objects = objects;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("v1").slash("files").slash(PathMatchers.segment()),
        fileId -> {
          if (!Sha256.isHex(fileId)) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidFileId", "a file id is 64 lower-case hex characters");
          }
          return concat(
              pathEnd(
                  () ->
                      get(
                          () ->
                              onSuccess(
                                  objects.manifest(fileId),
                                  m -> m.isPresent() ? completeOK(view(m.get()), Json.marshaller()) : noSuchFile(fileId)))),
              path(
                  "health",
                  () ->
                      get(
                          () ->
                              onSuccess(
                                  objects.health(fileId),
                                  h -> h.isPresent() ? completeOK(h.get(), Json.marshaller()) : noSuchFile(fileId)))),
              path(PathMatchers.segment("health").slash("events"), () -> get(() -> healthEvents(fileId))),
              path(
                  PathMatchers.segment("segments").slash(PathMatchers.integerSegment()).slash("shards").slash(PathMatchers.integerSegment()),
                  (segment, shard) ->
                      get(
                          () ->
                              onSuccess(
                                  objects.shard(fileId, segment, shard),
                                  r -> r.isPresent()
                                      ? completeOK(r.get(), Json.marshaller())
                                      : ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchShard",
                                          "file " + fileId + " is not stored or has no shard " + shard + " in segment " + segment)))));
        });
  }

  /**
   * The file's health once per {@value #EVENT_INTERVAL_MS} ms as server-sent events, so that a
   * repair can be watched as it happens; ends after {@code max-events} (default 600) events.
   */
  private Route healthEvents(String fileId) {
    return parameterOptional(
        "max-events",
        max -> {
          int limit;
          try {
            limit = max.map(Integer::parseInt).orElse(600);
          } catch (NumberFormatException e) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "max-events must be an integer");
          }
          if (limit < 1 || limit > 100_000) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "max-events must be 1..100000");
          }
          Source<ServerSentEvent, akka.NotUsed> events =
              Source.tick(Duration.ZERO, Duration.ofMillis(EVENT_INTERVAL_MS), "tick")
                  .mapAsync(1, t -> objects.health(fileId))
                  .takeWhile(java.util.Optional::isPresent)
                  .map(h -> ServerSentEvent.create(Json.MAPPER.writeValueAsString(h.get()), "health"))
                  .take(limit)
                  .mapMaterializedValue(c -> akka.NotUsed.getInstance());
          return completeOK(events, EventStreamMarshalling.toEventStream());
        });
  }

  static final long EVENT_INTERVAL_MS = 1000;

  public static FileView view(Manifest m) {
    return new FileView(
        m.fileId(),
        m.sizeBytes(),
        m.sha256(),
        m.policy(),
        m.segmentSizeBytes(),
        m.createdAt(),
        m.keyOwner(),
        m.segments().stream()
            .map(
                s -> new SegmentView(
                    s.index(),
                    s.sizeBytes(),
                    s.sha256(),
                    s.shards().stream()
                        .map(x -> new ShardView(x.index(), x.merkleRoot(), x.sizeBytes(), x.minerId(), x.nodeId()))
                        .toList()))
            .toList());
  }

  private static Route noSuchFile(String fileId) {
    return ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchFile", "no stored file " + fileId);
  }
}
