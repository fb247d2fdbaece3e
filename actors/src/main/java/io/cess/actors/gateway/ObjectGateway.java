package io.cess.actors.gateway;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.ObjectEntry;
import io.cess.actors.file.File;
import io.cess.actors.file.Manifest;
import io.cess.actors.node.StorageNode;
import io.cess.actors.storage.ClusterMiners;
import io.cess.actors.storage.MinerHost.HostDescription;
import io.cess.actors.storage.MinerHost.HostedMiner;
import io.cess.actors.transfer.TransferClient;
import io.cess.actors.transfer.TransferException;
import io.cess.core.Sha256;
import io.cess.core.placement.Placement;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object path of a gateway: upload streams a body through segmenting, fingerprinting and
 * placement onto miners of distinct nodes, then journals the manifest ({@link File}) and the key
 * ({@link Bucket}); download streams the segments back, each verified against its fingerprint.
 * An upload is acknowledged only after every copy is fsynced and both entities have persisted.
 */
public final class ObjectGateway {

  private static final Logger log = LoggerFactory.getLogger(ObjectGateway.class);

  /** The outcome of a put. {@code deduplicated}: the content was already stored. */
  public record StoredObject(
      String bucket, String key, String fileId, String sha256, long sizeBytes, int segments, boolean deduplicated) {}

  /** A readable object: its entry and its content, streamed on demand. */
  public record ObjectDownload(ObjectEntry entry, Source<ByteString, NotUsed> content) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ClusterMiners.Command> miners;
  private final TransferClient transfer;
  private final GatewaySettings settings;
  private final String localNodeId;
  private final Random random = new Random();

  public ObjectGateway(
      ActorSystem<?> system,
      ActorRef<ClusterMiners.Command> miners,
      TransferClient transfer,
      GatewaySettings settings,
      String localNodeId) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.miners = miners;
    this.transfer = transfer;
    this.settings = settings;
    this.localNodeId = localNodeId;
  }

  public GatewaySettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- upload

  public CompletionStage<StoredObject> put(String bucket, String key, Source<ByteString, ?> body) {
    MessageDigest whole = Sha256.newDigest();
    long[] size = {0};
    return body.via(new Segmenter(settings.segmentSizeBytes()))
        .map(
            segment -> {
              for (ByteBuffer bb : segment.getByteBuffers()) {
                whole.update(bb);
              }
              size[0] += segment.size();
              return segment;
            })
        .zipWithIndex()
        .mapAsync(settings.uploadParallelism(), p -> storeSegment(p.second().intValue(), p.first()))
        .runWith(Sink.seq(), system)
        .thenCompose(segments -> record(bucket, key, segments, size[0], Sha256.hex(whole)));
  }

  private CompletionStage<Manifest.Segment> storeSegment(int index, ByteString bytes) {
    MessageDigest d = Sha256.newDigest();
    for (ByteBuffer bb : bytes.getByteBuffers()) {
      d.update(bb);
    }
    String hash = Sha256.hex(d);
    return view()
        .thenCompose(
            view ->
                place(view, hash, bytes, settings.replicas(), new HashSet<>(), new HashSet<>(), settings.placementAttempts(), null))
        .thenApply(replicas -> new Manifest.Segment(index, bytes.size(), hash, replicas));
  }

  /**
   * Stores {@code needed} copies on miners of nodes not in {@code usedNodes}; a holder that
   * fails is excluded and replaced by another miner while attempts remain.
   */
  private CompletionStage<List<Manifest.Replica>> place(
      ClusterMiners.MinersView view,
      String hash,
      ByteString bytes,
      int needed,
      Set<String> excludedMiners,
      Set<String> usedNodes,
      int attemptsLeft,
      Throwable lastFailure) {
    List<Placement.Candidate> candidates = new ArrayList<>();
    for (HostDescription h : view.hosts()) {
      if (!usedNodes.contains(h.nodeId())) {
        for (HostedMiner m : h.miners()) {
          candidates.add(new Placement.Candidate(m.minerId(), h.nodeId(), h.region(), m.freeBytes()));
        }
      }
    }
    List<Placement.Candidate> chosen;
    try {
      chosen = Placement.choose(candidates, needed, bytes.size(), excludedMiners, random);
    } catch (io.cess.core.placement.PlacementException e) {
      String why = lastFailure == null ? "" : " (last transfer failure: " + lastFailure.getMessage() + ")";
      return CompletableFuture.failedFuture(new io.cess.core.placement.PlacementException(e.getMessage() + why));
    }
    List<CompletableFuture<Optional<Manifest.Replica>>> puts = new ArrayList<>();
    Throwable[] failure = {lastFailure};
    for (Placement.Candidate c : chosen) {
      String url = view.host(c.nodeId()).transferUrl();
      puts.add(
          transfer
              .put(url, c.minerId(), hash, bytes)
              .thenApply(done -> Optional.of(new Manifest.Replica(c.minerId(), c.nodeId())))
              .exceptionally(
                  e -> {
                    log.warn("shard {} not stored on miner {}: {}", hash, c.minerId(), e.toString());
                    synchronized (excludedMiners) {
                      excludedMiners.add(c.minerId());
                      failure[0] = e;
                    }
                    return Optional.empty();
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              List<Manifest.Replica> stored = new ArrayList<>();
              puts.forEach(f -> f.join().ifPresent(stored::add));
              if (stored.size() == needed) {
                return CompletableFuture.completedFuture(stored);
              }
              if (attemptsLeft <= 1) {
                return CompletableFuture.failedFuture(
                    new TransferException(
                        "could not store shard " + hash + " on " + needed + " miners: " + failure[0]));
              }
              Set<String> nodes = new HashSet<>(usedNodes);
              stored.forEach(r -> nodes.add(r.nodeId()));
              return place(view, hash, bytes, needed - stored.size(), excludedMiners, nodes, attemptsLeft - 1, failure[0])
                  .thenApply(
                      more -> {
                        List<Manifest.Replica> all = new ArrayList<>(stored);
                        all.addAll(more);
                        return all;
                      });
            });
  }

  private CompletionStage<StoredObject> record(
      String bucket, String key, List<Manifest.Segment> segments, long sizeBytes, String sha256) {
    String fileId = Sha256.fileId(segments.stream().map(Manifest.Segment::sha256).toList(), sizeBytes);
    Manifest manifest =
        new Manifest(fileId, sizeBytes, sha256, settings.segmentSizeBytes(), segments, Instant.now());
    String reference = bucket + "/" + key;
    return file(fileId)
        .<File.Recorded>askWithStatus(r -> new File.RecordUpload(manifest, reference, r), settings.askTimeout())
        .thenCompose(
            recorded -> {
              ObjectEntry entry = new ObjectEntry(fileId, sizeBytes, sha256, Instant.now());
              return bucket(bucket)
                  .<Bucket.ObjectReplaced>ask(r -> new Bucket.PutObject(key, entry, r), settings.askTimeout())
                  .thenCompose(
                      replaced ->
                          replaced.previous() != null && !replaced.previous().fileId().equals(fileId)
                              ? release(replaced.previous().fileId(), reference)
                              : CompletableFuture.completedFuture(Done.getInstance()))
                  .thenApply(
                      done ->
                          new StoredObject(
                              bucket, key, fileId, sha256, sizeBytes, segments.size(), recorded.deduplicated()));
            });
  }

  // ---------------------------------------------------------------- read

  public CompletionStage<Optional<ObjectEntry>> head(String bucket, String key) {
    return bucket(bucket)
        .<Bucket.ObjectLookup>ask(r -> new Bucket.GetObject(key, r), settings.askTimeout())
        .thenApply(l -> Optional.ofNullable(l.entry()));
  }

  public CompletionStage<Optional<ObjectDownload>> get(String bucket, String key) {
    return head(bucket, key)
        .thenCompose(
            entry -> {
              if (entry.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<ObjectDownload>empty());
              }
              return file(entry.get().fileId())
                  .<File.ManifestLookup>ask(File.GetManifest::new, settings.askTimeout())
                  .thenApply(
                      lookup -> {
                        if (lookup.manifest() == null) {
                          log.error("{}/{} names file {} which has no manifest", bucket, key, entry.get().fileId());
                          return Optional.<ObjectDownload>empty();
                        }
                        return Optional.of(new ObjectDownload(entry.get(), content(lookup.manifest())));
                      });
            });
  }

  /** The file's bytes: segments fetched a few at a time, in order, each verified. */
  public Source<ByteString, NotUsed> content(Manifest manifest) {
    return Source.from(manifest.segments())
        .mapAsync(settings.downloadParallelism(), this::fetchSegment);
  }

  private CompletionStage<ByteString> fetchSegment(Manifest.Segment segment) {
    return view().thenCompose(view -> fetchFrom(orderedReplicas(segment), 0, segment, view, null));
  }

  private List<Manifest.Replica> orderedReplicas(Manifest.Segment segment) {
    List<Manifest.Replica> local = new ArrayList<>();
    List<Manifest.Replica> remote = new ArrayList<>();
    for (Manifest.Replica r : segment.replicas()) {
      (r.nodeId().equals(localNodeId) ? local : remote).add(r);
    }
    local.addAll(remote);
    return local;
  }

  private CompletionStage<ByteString> fetchFrom(
      List<Manifest.Replica> replicas, int i, Manifest.Segment segment, ClusterMiners.MinersView view, Throwable last) {
    if (i >= replicas.size()) {
      return CompletableFuture.failedFuture(
          new TransferException(
              "no intact copy of segment " + segment.index() + " (" + segment.sha256() + ") is reachable: " + last));
    }
    Manifest.Replica r = replicas.get(i);
    return transferUrl(view, r.nodeId())
        .thenCompose(url -> transfer.get(url, r.minerId(), segment.sha256(), segment.sizeBytes()))
        .thenApply(
            bytes -> {
              MessageDigest d = Sha256.newDigest();
              for (ByteBuffer bb : bytes.getByteBuffers()) {
                d.update(bb);
              }
              String actual = Sha256.hex(d);
              if (!actual.equals(segment.sha256())) {
                throw new TransferException(
                    "copy of segment " + segment.index() + " on miner " + r.minerId() + " is corrupt (hash " + actual + ")");
              }
              return bytes;
            })
        .handle(
            (bytes, e) -> {
              if (e == null) {
                return CompletableFuture.completedFuture(bytes);
              }
              log.warn("skipping copy of segment {} on miner {}: {}", segment.index(), r.minerId(), e.toString());
              return fetchFrom(replicas, i + 1, segment, view, e);
            })
        .thenCompose(x -> x);
  }

  public CompletionStage<Bucket.ObjectListing> list(String bucket, String prefix, int maxKeys) {
    return bucket(bucket)
        .ask(r -> new Bucket.ListObjects(prefix, maxKeys, r), settings.askTimeout());
  }

  // ---------------------------------------------------------------- delete

  /** Removes a key; true when it existed. Its file's shards go when no key refers to it. */
  public CompletionStage<Boolean> delete(String bucket, String key) {
    return bucket(bucket)
        .<Bucket.ObjectLookup>ask(r -> new Bucket.DeleteObject(key, r), settings.askTimeout())
        .thenCompose(
            removed ->
                removed.entry() == null
                    ? CompletableFuture.completedFuture(false)
                    : release(removed.entry().fileId(), bucket + "/" + key).thenApply(d -> true));
  }

  private CompletionStage<Done> release(String fileId, String reference) {
    return file(fileId)
        .<File.Released>ask(r -> new File.ReleaseReference(reference, r), settings.askTimeout())
        .thenCompose(
            released ->
                released.fileDeleted()
                    ? deleteCopies(released.manifest().segments())
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /**
   * Removes the given copies from their holders. A holder that cannot be reached keeps an
   * orphan, which is logged here (collecting orphans is the garbage collector's job).
   */
  private CompletionStage<Done> deleteCopies(List<Manifest.Segment> segments) {
    return view()
        .thenCompose(
            view -> {
              List<CompletableFuture<Done>> deletes = new ArrayList<>();
              for (Manifest.Segment s : segments) {
                for (Manifest.Replica r : s.replicas()) {
                  deletes.add(
                      transferUrl(view, r.nodeId())
                          .thenCompose(url -> transfer.delete(url, r.minerId(), s.sha256()))
                          .exceptionally(
                              e -> {
                                log.warn("orphaned shard {} on miner {}: {}", s.sha256(), r.minerId(), e.toString());
                                return Done.getInstance();
                              })
                          .toCompletableFuture());
                }
              }
              return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new))
                  .thenApply(v -> Done.getInstance());
            });
  }

  // ---------------------------------------------------------------- plumbing

  private CompletionStage<ClusterMiners.MinersView> view() {
    return AskPattern.ask(miners, ClusterMiners.GetView::new, settings.askTimeout(), system.scheduler());
  }

  /**
   * Where a node's transfer endpoint is: from the live view, else from the node's journaled
   * registration (a gateway that just started may not have described every host yet).
   */
  private CompletionStage<String> transferUrl(ClusterMiners.MinersView view, String nodeId) {
    HostDescription host = view.host(nodeId);
    if (host != null) {
      return CompletableFuture.completedFuture(host.transferUrl());
    }
    return sharding
        .entityRefFor(StorageNode.ENTITY_KEY, nodeId)
        .<StorageNode.NodeDetails>ask(StorageNode.GetNode::new, settings.askTimeout())
        .thenApply(
            details -> {
              if (details.info() == null || !details.status().equals("up")) {
                throw new TransferException("node " + nodeId + " is not up (" + details.status() + ")");
              }
              return details.info().httpUrl();
            });
  }

  private EntityRef<File.Command> file(String fileId) {
    return sharding.entityRefFor(File.ENTITY_KEY, fileId);
  }

  private EntityRef<Bucket.Command> bucket(String bucket) {
    return sharding.entityRefFor(Bucket.ENTITY_KEY, bucket);
  }
}
