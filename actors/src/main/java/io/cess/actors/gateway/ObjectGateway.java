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
import io.cess.core.Fingerprints;
import io.cess.core.codec.SegmentCodec;
import io.cess.core.crypto.MasterKeyWrap;
import io.cess.core.crypto.SegmentCipher;
import io.cess.core.placement.Placement;
import io.cess.core.placement.PlacementException;
import io.cess.core.policy.StoragePolicy;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
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

  /** A readable object: its entry and its manifest; {@link #content} streams its bytes. */
  public record ObjectDownload(ObjectEntry entry, Manifest manifest) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ClusterMiners.Command> miners;
  private final TransferClient transfer;
  private final GatewaySettings settings;
  private final String localNodeId;
  private final Random random = new Random();
  private final MasterKeyWrap keyWrap;
  private final java.util.concurrent.Executor codecExecutor;

  public ObjectGateway(
      ActorSystem<?> system,
      ActorRef<ClusterMiners.Command> miners,
      TransferClient transfer,
      GatewaySettings settings,
      String localNodeId,
      MasterKey masterKey) {
    this.system = system;
    this.keyWrap = new MasterKeyWrap(masterKey.bytes());
    this.codecExecutor = system.dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("cess.codec-dispatcher"));
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
    return policyOf(bucket).thenCompose(policy -> put(bucket, key, body, policy));
  }

  private CompletionStage<StoredObject> put(
      String bucket, String key, Source<ByteString, ?> body, StoragePolicy policy) {
    SegmentCodec codec = new SegmentCodec(policy);
    String uploadId = UUID.randomUUID().toString();
    byte[] dataKey = SegmentCipher.newDataKey();
    MessageDigest whole = Sha256.newDigest();
    long[] size = {0};
    List<Manifest.Segment> written = java.util.Collections.synchronizedList(new ArrayList<>());
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
        .mapAsync(
            settings.uploadParallelism(),
            p ->
                CompletableFuture.supplyAsync(
                        () -> codec.encode(dataKey, uploadId, p.second().intValue(), p.first().toArray()), codecExecutor)
                    .thenCompose(encoded -> storeSegment(encoded, policy))
                    .thenApply(
                        segment -> {
                          written.add(segment);
                          return segment;
                        }))
        .runWith(Sink.seq(), system)
        .thenCompose(
            segments ->
                record(bucket, key, policy, uploadId, dataKey, segments, size[0], Sha256.hex(whole)))
        .whenComplete(
            (stored, failure) -> {
              if (failure != null && !written.isEmpty()) {
                log.info("upload of {}/{} failed ({}); removing its {} stored segments", bucket, key, failure.toString(), written.size());
                deleteShards(List.copyOf(written));
              }
            });
  }

  /** Places every shard of a coded segment on its own miner, at most M of them per node. */
  private CompletionStage<Manifest.Segment> storeSegment(SegmentCodec.EncodedSegment encoded, StoragePolicy policy) {
    int maxPerNode = Math.max(1, policy.tolerableLosses());
    return view()
        .thenCompose(
            view ->
                placeShards(view, encoded, encoded.shards(), List.of(), new HashSet<>(), maxPerNode, settings.placementAttempts(), null))
        .thenApply(
            shards -> {
              List<Manifest.Shard> ordered = new ArrayList<>(shards);
              ordered.sort(java.util.Comparator.comparingInt(Manifest.Shard::index));
              return new Manifest.Segment(
                  encoded.index(), encoded.plainSizeBytes(), encoded.plainSha256(), encoded.cipherSizeBytes(), List.copyOf(ordered));
            });
  }

  /**
   * Stores {@code pending} shards on miners not yet used by this segment; a holder that fails is
   * excluded and its shard placed elsewhere while attempts remain.
   */
  private CompletionStage<List<Manifest.Shard>> placeShards(
      ClusterMiners.MinersView view,
      SegmentCodec.EncodedSegment encoded,
      List<SegmentCodec.EncodedShard> pending,
      List<Manifest.Shard> placed,
      Set<String> failedMiners,
      int maxPerNode,
      int attemptsLeft,
      Throwable lastFailure) {
    List<Placement.Candidate> candidates = new ArrayList<>();
    for (HostDescription h : view.hosts()) {
      for (HostedMiner m : h.miners()) {
        candidates.add(new Placement.Candidate(m.minerId(), h.nodeId(), h.region(), m.freeBytes()));
      }
    }
    Set<String> excluded = new HashSet<>(failedMiners);
    Map<String, Integer> perNode = new HashMap<>();
    for (Manifest.Shard s : placed) {
      excluded.add(s.minerId());
      perNode.merge(s.nodeId(), 1, Integer::sum);
    }
    List<Placement.Candidate> chosen;
    try {
      chosen = Placement.choose(candidates, pending.size(), encoded.shardSizeBytes(), excluded, maxPerNode, perNode, random);
    } catch (PlacementException e) {
      String why = lastFailure == null ? "" : " (last transfer failure: " + lastFailure.getMessage() + ")";
      return CompletableFuture.failedFuture(new PlacementException(e.getMessage() + why));
    }
    List<CompletableFuture<Manifest.Shard>> puts = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      SegmentCodec.EncodedShard shard = pending.get(i);
      Placement.Candidate c = chosen.get(i);
      puts.add(
          transfer
              .put(view.host(c.nodeId()).transferUrl(), c.minerId(), shard.sha256(), ByteString.fromArrayUnsafe(shard.bytes()))
              .thenApply(
                  done -> new Manifest.Shard(
                      shard.index(), shard.sha256(), shard.bytes().length, shard.merkleRoot(), c.minerId(), c.nodeId()))
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new))
        .handle((v, e) -> null)
        .thenCompose(
            ignoredOutcome -> {
              List<Manifest.Shard> nowPlaced = new ArrayList<>(placed);
              List<SegmentCodec.EncodedShard> retry = new ArrayList<>();
              Set<String> failed = new HashSet<>(failedMiners);
              Throwable failure = lastFailure;
              for (int i = 0; i < puts.size(); i++) {
                CompletableFuture<Manifest.Shard> f = puts.get(i);
                if (f.isCompletedExceptionally()) {
                  Throwable t = f.handle((ok, err) -> err).join();
                  log.warn("shard {} of segment {} not stored on miner {}: {}",
                      pending.get(i).index(), encoded.index(), chosen.get(i).minerId(), t.toString());
                  failed.add(chosen.get(i).minerId());
                  retry.add(pending.get(i));
                  failure = t;
                } else {
                  nowPlaced.add(f.join());
                }
              }
              if (retry.isEmpty()) {
                return CompletableFuture.completedFuture(nowPlaced);
              }
              if (attemptsLeft <= 1) {
                List<Manifest.Shard> ours = nowPlaced.stream().filter(x -> !encoded.keep().contains(x.minerId() + "/" + x.sha256())).toList();
                deleteShards(List.of(new Manifest.Segment(encoded.index(), 0, "", 0, ours)));
                return CompletableFuture.failedFuture(new TransferException(
                    "could not store segment " + encoded.index() + " on enough miners: " + failure));
              }
              return placeShards(view, encoded, retry, nowPlaced, failed, maxPerNode, attemptsLeft - 1, failure);
            });
  }

  private CompletionStage<StoredObject> record(
      String bucket,
      String key,
      StoragePolicy policy,
      String uploadId,
      byte[] dataKey,
      List<Manifest.Segment> segments,
      long sizeBytes,
      String sha256) {
    String fileId = Fingerprints.fileId(segments.stream().map(Manifest.Segment::sha256).toList(), sizeBytes);
    String wrapped = Base64.getEncoder().encodeToString(
        keyWrap.wrap("cess-data-key:" + uploadId, dataKey));
    Manifest manifest = new Manifest(
        fileId, sizeBytes, sha256, settings.segmentSizeBytes(), policy.toString(), uploadId, wrapped, segments, Instant.now());
    String reference = bucket + "/" + key;
    return file(fileId)
        .<File.Recorded>askWithStatus(r -> new File.RecordUpload(manifest, reference, r), settings.askTimeout())
        .thenCompose(
            recorded ->
                // content already stored (under another data key): this upload's shards are surplus
                (recorded.deduplicated() ? deleteShards(segments) : CompletableFuture.completedFuture(Done.getInstance()))
                    .thenApply(d -> recorded))
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

  /** The policy new objects of a bucket are written with. */
  public CompletionStage<StoragePolicy> policyOf(String bucket) {
    return bucket(bucket)
        .<Bucket.BucketPolicy>ask(Bucket.GetPolicy::new, settings.askTimeout())
        .thenApply(p -> p.policy() == null ? settings.defaultPolicy() : StoragePolicy.parse(p.policy()));
  }

  public CompletionStage<StoragePolicy> setPolicy(String bucket, StoragePolicy policy) {
    return bucket(bucket)
        .<Bucket.BucketPolicy>askWithStatus(r -> new Bucket.SetPolicy(policy.toString(), r), settings.askTimeout())
        .thenApply(p -> StoragePolicy.parse(p.policy()));
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
                        return Optional.of(new ObjectDownload(entry.get(), lookup.manifest()));
                      });
            });
  }

  /** The file's bytes: segments fetched a few at a time, in order, each verified. */
  public Source<ByteString, NotUsed> content(Manifest manifest) {
    return content(manifest, 0, manifest.sizeBytes() - 1);
  }

  /**
   * Bytes {@code first..last} (inclusive) of the file: only the segments that overlap the range
   * are fetched, and the first and last are trimmed.
   */
  public Source<ByteString, NotUsed> content(Manifest manifest, long first, long last) {
    if (manifest.sizeBytes() == 0 || last < first) {
      return Source.empty();
    }
    long seg = manifest.segmentSizeBytes();
    int from = (int) (first / seg);
    int to = (int) (last / seg);
    StoragePolicy policy = StoragePolicy.parse(manifest.policy());
    SegmentCodec codec = new SegmentCodec(policy);
    byte[] dataKey = keyWrap.unwrap("cess-data-key:" + manifest.uploadId(), Base64.getDecoder().decode(manifest.wrappedKey()));
    return Source.from(manifest.segments().subList(from, to + 1))
        .mapAsync(settings.downloadParallelism(), s -> fetchSegment(manifest, codec, dataKey, s))
        .zipWithIndex()
        .map(
            p -> {
              long segStart = (from + p.second()) * seg;
              byte[] bytes = p.first();
              int lo = (int) Math.max(0, first - segStart);
              int hi = (int) Math.min(bytes.length, last - segStart + 1);
              return ByteString.fromArrayUnsafe(bytes, lo, hi - lo);
            });
  }

  /**
   * Fetches K verified shards of a segment (local holders first, the K in parallel; a missing or
   * corrupt shard is skipped and another one fetched), then decodes and decrypts.
   */
  private CompletionStage<byte[]> fetchSegment(
      Manifest manifest, SegmentCodec codec, byte[] dataKey, Manifest.Segment segment) {
    int k = codec.policy().readShards();
    byte[][] shards = new byte[segment.shards().size()][];
    Set<Integer> damaged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return view()
        .thenCompose(view -> gather(view, segment, orderedShards(segment, view), 0, k, shards, damaged, null))
        .thenApplyAsync(
            ok -> codec.decode(dataKey, manifest.uploadId(), segment.index(), segment.cipherSizeBytes(), segment.sha256(), shards),
            codecExecutor)
        .whenComplete(
            (plain, e) -> {
              if (!damaged.isEmpty()) {
                log.warn("segment {} of file {}: shards {} are missing or corrupt; repairing", segment.index(), manifest.fileId(), damaged);
                repair(manifest.fileId(), segment.index(), Set.copyOf(damaged));
              }
            });
  }

  /**
   * The order in which to try a segment's shards: holders on this node, then other live nodes,
   * then nodes missing from the live view (tried last: reaching a dead node costs a timeout).
   * Data shards come before parity shards within each group, so decoding is cheapest.
   */
  private List<Manifest.Shard> orderedShards(Manifest.Segment segment, ClusterMiners.MinersView view) {
    List<Manifest.Shard> local = new ArrayList<>();
    List<Manifest.Shard> live = new ArrayList<>();
    List<Manifest.Shard> unknown = new ArrayList<>();
    for (Manifest.Shard s : segment.shards()) {
      if (view.host(s.nodeId()) == null) {
        unknown.add(s);
      } else {
        (s.nodeId().equals(localNodeId) ? local : live).add(s);
      }
    }
    local.addAll(live);
    local.addAll(unknown);
    return local;
  }

  /** Fetches shards from {@code next} on until {@code needed} more are in {@code shards}. */
  private CompletionStage<Done> gather(
      ClusterMiners.MinersView view,
      Manifest.Segment segment,
      List<Manifest.Shard> order,
      int next,
      int needed,
      byte[][] shards,
      Set<Integer> damaged,
      Throwable last) {
    if (needed <= 0) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    if (next + needed > order.size()) {
      return CompletableFuture.failedFuture(new TransferException(
          "segment " + segment.index() + " has too few intact shards reachable: " + last));
    }
    List<CompletableFuture<Boolean>> wave = new ArrayList<>();
    Throwable[] failure = {last};
    for (Manifest.Shard s : order.subList(next, next + needed)) {
      wave.add(
          transferUrl(view, s.nodeId())
              .thenCompose(url -> transfer.get(url, s.minerId(), s.sha256(), s.sizeBytes()))
              .thenApply(
                  bytes -> {
                    byte[] b = bytes.toArray();
                    String actual = Sha256.hex(b);
                    if (!actual.equals(s.sha256())) {
                      throw new TransferException(
                          "shard " + s.index() + " of segment " + segment.index() + " on miner " + s.minerId() + " is corrupt",
                          true);
                    }
                    shards[s.index()] = b;
                    return true;
                  })
              .exceptionally(
                  e -> {
                    log.warn("skipping shard {} of segment {} on miner {}: {}", s.index(), segment.index(), s.minerId(), e.toString());
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof TransferException t && t.damaged()) {
                      damaged.add(s.index());
                    }
                    synchronized (failure) {
                      failure[0] = e;
                    }
                    return false;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new))
        .thenCompose(
            v -> {
              int missing = (int) wave.stream().filter(f -> !f.join()).count();
              return gather(view, segment, order, next + needed, missing, shards, damaged, failure[0]);
            });
  }

  // ---------------------------------------------------------------- repair

  private final Set<String> repairsInFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Rebuilds the {@code lost} shards of one segment from K intact siblings (ciphertext only: no
   * key needed), stores them on other miners within the policy's per-node limit, records them in
   * the File entity and removes the lost copies that can still be reached. Completes with the
   * number of shards rebuilt; one repair per segment runs at a time.
   */
  public CompletionStage<Integer> repair(String fileId, int segmentIndex, Set<Integer> lost) {
    String key = fileId + "/" + segmentIndex;
    if (lost.isEmpty() || !repairsInFlight.add(key)) {
      return CompletableFuture.completedFuture(0);
    }
    return manifest(fileId)
        .thenCompose(
            found -> {
              if (found.isEmpty() || segmentIndex >= found.get().segments().size()) {
                return CompletableFuture.completedFuture(0);
              }
              return repair(found.get(), found.get().segments().get(segmentIndex), lost);
            })
        .whenComplete(
            (n, e) -> {
              repairsInFlight.remove(key);
              if (e != null) {
                log.warn("repair of segment {} of file {} failed (will be retried by the next scan): {}", segmentIndex, fileId, e.toString());
              } else if (n > 0) {
                log.info("repaired {} shards of segment {} of file {}", n, segmentIndex, fileId);
              }
            });
  }

  private CompletionStage<Integer> repair(Manifest m, Manifest.Segment segment, Set<Integer> lost) {
    StoragePolicy policy = StoragePolicy.parse(m.policy());
    SegmentCodec codec = new SegmentCodec(policy);
    byte[][] shards = new byte[segment.shards().size()][];
    Set<Integer> damaged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return view()
        .thenCompose(
            view -> {
              List<Manifest.Shard> sources =
                  orderedShards(segment, view).stream().filter(x -> !lost.contains(x.index())).toList();
              return gather(view, segment, sources, 0, policy.readShards(), shards, damaged, null)
                  .thenApplyAsync(ok -> codec.rebuildShards(segment.cipherSizeBytes(), shards), codecExecutor)
                  .thenCompose(
                      rebuilt -> {
                        List<SegmentCodec.EncodedShard> pending = new ArrayList<>();
                        Set<String> keep = new HashSet<>();
                        List<Manifest.Shard> held = new ArrayList<>();

                        for (Manifest.Shard x : segment.shards()) {
                          if (lost.contains(x.index())) {
                            byte[] bytes = rebuilt[x.index()];
                            if (!Sha256.hex(bytes).equals(x.sha256())) {
                              throw new IllegalStateException("rebuilt shard " + x.index() + " does not match its fingerprint");
                            }
                            pending.add(new SegmentCodec.EncodedShard(x.index(), bytes, x.sha256(), x.merkleRoot()));
                          } else {
                            held.add(x);
                            keep.add(x.minerId() + "/" + x.sha256());
                          }
                        }
                        SegmentCodec.EncodedSegment encoded = new SegmentCodec.EncodedSegment(
                            segment.index(), segment.sizeBytes(), segment.sha256(), segment.cipherSizeBytes(), pending, keep);
                        // a miner that served a corrupt copy may take the rebuilt one (it replaces the bad file);
                        // holders on lost nodes are not in the view, so they are not candidates anyway
                        return placeShards(view, encoded, pending, held, new HashSet<>(), Math.max(1, policy.tolerableLosses()), settings.placementAttempts(), null)
                            .thenCompose(
                                all -> {
                                  List<Manifest.Shard> fresh = all.stream().filter(x -> lost.contains(x.index())).toList();
                                  return file(m.fileId())
                                      .<Manifest>askWithStatus(r -> new File.RecordRepair(segment.index(), fresh, r), settings.askTimeout())
                                      .thenCompose(
                                          recorded -> {
                                            List<Manifest.Shard> old = segment.shards().stream()
                                                .filter(x -> lost.contains(x.index()))
                                                .filter(x -> fresh.stream().noneMatch(f -> f.minerId().equals(x.minerId())))
                                                .toList();
                                            return deleteShards(List.of(new Manifest.Segment(segment.index(), 0, "", 0, old)));
                                          })
                                      .thenApply(d -> fresh.size());
                                });
                      });
            });
  }

  /**
   * Repairs every shard of a file whose holder is no longer a cluster member that is Up (its
   * node was downed or left): the periodic scan calls this for each stored file.
   */
  public CompletionStage<Integer> repairLostHolders(String fileId, Set<String> upNodes) {
    return manifest(fileId)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return CompletableFuture.completedFuture(0);
              }
              List<CompletableFuture<Integer>> repairs = new ArrayList<>();
              for (Manifest.Segment seg : found.get().segments()) {
                Set<Integer> lost = new HashSet<>();
                seg.shards().stream().filter(x -> !upNodes.contains(x.nodeId())).forEach(x -> lost.add(x.index()));
                if (!lost.isEmpty()) {
                  repairs.add(repair(fileId, seg.index(), lost).toCompletableFuture());
                }
              }
              return CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new))
                  .thenApply(v -> repairs.stream().mapToInt(CompletableFuture::join).sum());
            });
  }

  /** The manifest of a stored file, if it is stored. */
  public CompletionStage<Optional<Manifest>> manifest(String fileId) {
    return file(fileId)
        .<File.ManifestLookup>ask(File.GetManifest::new, settings.askTimeout())
        .thenApply(l -> Optional.ofNullable(l.manifest()));
  }

  /** Per segment: shards on nodes that are live members now, and the margin above K. */
  public record SegmentHealth(int index, int shards, int liveShards, int needed, int spare) {}

  public record FileHealth(String fileId, String policy, int segments, int minimumSpare, List<SegmentHealth> perSegment) {}

  public CompletionStage<Optional<FileHealth>> health(String fileId) {
    return manifest(fileId)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<FileHealth>empty());
              }
              Manifest m = found.get();
              int k = StoragePolicy.parse(m.policy()).readShards();
              return view()
                  .thenApply(
                      view -> {
                        List<SegmentHealth> rows = new ArrayList<>();
                        int minSpare = Integer.MAX_VALUE;
                        for (Manifest.Segment s : m.segments()) {
                          int live = (int) s.shards().stream().filter(x -> view.host(x.nodeId()) != null).count();
                          rows.add(new SegmentHealth(s.index(), s.shards().size(), live, k, live - k));
                          minSpare = Math.min(minSpare, live - k);
                        }
                        return Optional.of(new FileHealth(
                            fileId, m.policy(), rows.size(), rows.isEmpty() ? 0 : minSpare, rows));
                      });
            });
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
                    ? deleteShards(released.manifest().segments())
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /**
   * Removes the given segments' shards from their holders. A holder that cannot be reached keeps
   * an orphan, which is logged here (collecting orphans is the garbage collector's job).
   */
  private CompletionStage<Done> deleteShards(List<Manifest.Segment> segments) {
    return view()
        .thenCompose(
            view -> {
              List<CompletableFuture<Done>> deletes = new ArrayList<>();
              for (Manifest.Segment seg : segments) {
                for (Manifest.Shard s : seg.shards()) {
                  deletes.add(
                      transferUrl(view, s.nodeId())
                          .thenCompose(url -> transfer.delete(url, s.minerId(), s.sha256()))
                          .exceptionally(
                              e -> {
                                log.warn("orphaned shard {} on miner {}: {}", s.sha256(), s.minerId(), e.toString());
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
