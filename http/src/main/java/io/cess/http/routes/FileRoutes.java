package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.StatusCodes;
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
 * sit on live nodes and how many more could be lost.
 */
public final class FileRoutes {

  public record ShardView(int index, String sha256, long sizeBytes, String merkleRoot, String minerId, String nodeId) {}

  public record SegmentView(int index, long sizeBytes, String sha256, List<ShardView> shards) {}

  public record FileView(
      String fileId, long sizeBytes, String sha256, String policy, long segmentSizeBytes, Instant createdAt, List<SegmentView> segments) {}

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
                                  h -> h.isPresent() ? completeOK(h.get(), Json.marshaller()) : noSuchFile(fileId)))));
        });
  }

  static FileView view(Manifest m) {
    return new FileView(
        m.fileId(),
        m.sizeBytes(),
        m.sha256(),
        m.policy(),
        m.segmentSizeBytes(),
        m.createdAt(),
        m.segments().stream()
            .map(
                s -> new SegmentView(
                    s.index(),
                    s.sizeBytes(),
                    s.sha256(),
                    s.shards().stream()
                        .map(x -> new ShardView(x.index(), x.sha256(), x.sizeBytes(), x.merkleRoot(), x.minerId(), x.nodeId()))
                        .toList()))
            .toList());
  }

  private static Route noSuchFile(String fileId) {
    return ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchFile", "no stored file " + fileId);
  }
}
