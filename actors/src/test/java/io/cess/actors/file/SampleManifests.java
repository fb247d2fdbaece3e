package io.cess.actors.file;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Manifests of small made-up contents, with ids computed the way the gateway computes them. */
public final class SampleManifests {

  private SampleManifests() {}

  /**
   * The manifest of {@code content} cut into segments of {@code segmentSizeBytes}, each segment
   * coded into two made-up shards held by miners {@code m1} on {@code node1} and {@code m2} on {@code node2} of {@code holders}.
   */
  public static Manifest of(
      String content, int segmentSizeBytes, String holders, Instant createdAt) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    List<Manifest.Segment> segments = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (int offset = 0, index = 0; offset < bytes.length; offset += segmentSizeBytes, index++) {
      int len = Math.min(segmentSizeBytes, bytes.length - offset);
      byte[] segment = new byte[len];
      System.arraycopy(bytes, offset, segment, 0, len);
      String hash = Sha256.hex(segment);
      hashes.add(hash);
      segments.add(
          new Manifest.Segment(
              index,
              len,
              hash,
              len + 28,
              List.of(
                  new Manifest.Shard(0, Sha256.hex((holders + index + "a").getBytes(StandardCharsets.UTF_8)), 8, holders + "-node1-m1", holders + "-node1"),
                  new Manifest.Shard(1, Sha256.hex((holders + index + "b").getBytes(StandardCharsets.UTF_8)), 8, holders + "-node2-m2", holders + "-node2"))));
    }
    return new Manifest(
        io.cess.core.Fingerprints.fileId(hashes, bytes.length),
        bytes.length,
        Sha256.hex(bytes),
        segmentSizeBytes,
        "replicas:2",
        "upload-" + holders,
        "d3JhcHBlZA==",
        List.copyOf(segments),
        createdAt,
        "cess" + "0".repeat(40));
  }
}
