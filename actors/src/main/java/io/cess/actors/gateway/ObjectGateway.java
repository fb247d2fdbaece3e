package io.cess.actors.gateway;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.BucketUploads;
import io.cess.actors.bucket.MultipartUpload;
import io.cess.actors.bucket.ObjectEntry;
import io.cess.actors.file.File;
import io.cess.actors.file.Manifest;
import io.cess.actors.shard.Shard;
import io.cess.actors.storage.ClusterMiners;
import io.cess.core.Sha256;
import io.cess.core.Fingerprints;
import io.cess.core.codec.SegmentCodec;
import io.cess.core.crypto.SegmentCipher;
import io.cess.core.policy.StoragePolicy;
import java.util.Map;
import java.util.UUID;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

  /**
   * The outcome of a put. {@code deduplicated}: the content was already stored; {@code policy}:
   * the policy the content is stored with (a stronger one than asked when it was stored so before).
   */
  public record StoredObject(
      String bucket, String key, String fileId, String sha256, long sizeBytes, int segments, boolean deduplicated, String etag,
      String policy) {}

  /** A readable object: its entry and its manifest; {@link #content} streams its bytes. */
  public record ObjectDownload(ObjectEntry entry, Manifest manifest) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ShardTransfers transfers;
  private final ShardRepair repairs;
  private final GatewaySettings settings;
  private final AccountKeyring keys;
  private final java.util.concurrent.Executor codecExecutor;

  public ObjectGateway(
      ActorSystem<?> system, ShardTransfers transfers, ShardRepair repairs, GatewaySettings settings, AccountKeyring keys) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.transfers = transfers;
    this.repairs = repairs;
    this.settings = settings;
    this.keys = keys;
    this.codecExecutor = system.dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("cess.codec-dispatcher"));
  }

  public GatewaySettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- upload

  /**
   * Stores {@code body} under {@code bucket/key}; its data key is wrapped to {@code owner}'s
   * account key (null: under the master key). When {@code expectedSha256} is given (a signed
   * request's body hash) and the body does not match it, nothing is recorded and the shards
   * already stored are removed.
   */
  public CompletionStage<StoredObject> put(String bucket, String key, Source<ByteString, ?> body, PutOptions options) {
    String reference = bucket + "/" + key;
    return policyFor(bucket, options)
        .thenCompose(policy -> storeContent(body, policy, options, reference))
        .thenCompose(stored -> placeInBucket(bucket, key, stored, options));
  }

  /**
   * The whitepaper's "push": stores like {@link #put} with {@link
   * StoragePolicy#withExtraRedundancy() extra redundancy} on the bucket's policy (or on {@code
   * options}' explicit one). Fails with {@link io.cess.core.placement.PlacementException} before
   * reading the body when the cluster has too few miners for it.
   */
  public CompletionStage<StoredObject> push(String bucket, String key, Source<ByteString, ?> body, PutOptions options) {
    return put(bucket, key, body, options.withPolicy(options.policy(), true));
  }

  /**
   * The policy an upload into {@code bucket} is stored with: {@code options}' own or the
   * bucket's, with extra redundancy when asked; fails when the live miners cannot hold it.
   */
  public CompletionStage<StoragePolicy> policyFor(String bucket, PutOptions options) {
    CompletionStage<StoragePolicy> bucketPolicy =
        options.policy() != null ? CompletableFuture.completedFuture(options.policy()) : policyOf(bucket);
    return bucketPolicy
        .thenApply(options::effectivePolicy)
        .thenCompose(policy -> requirePlaceable(policy).thenApply(ok -> policy));
  }

  /**
   * Fails with {@link io.cess.core.placement.PlacementException} when the live miners cannot take
   * a segment of {@code policy} (each shard on its own miner, at most M per node), so that an
   * upload is refused before its body is read rather than after its first segment.
   */
  public CompletionStage<Done> requirePlaceable(StoragePolicy policy) {
    int maxPerNode = maxPerNode(policy);
    return view().thenApply(view -> {
      List<io.cess.core.placement.Placement.Candidate> candidates = new ArrayList<>();
      view.hosts().forEach(h -> h.miners().forEach(m ->
          candidates.add(new io.cess.core.placement.Placement.Candidate(m.minerId(), h.nodeId(), h.region(), m.freeBytes(), view.credit(m.minerId())))));
      int capacity = io.cess.core.placement.Placement.capacity(candidates, 1, maxPerNode);
      if (capacity < policy.shardCount()) {
        throw new io.cess.core.placement.PlacementException(
            "policy " + policy + " needs " + policy.shardCount() + " miners with room, at most " + maxPerNode
                + " per node; the live cluster offers " + capacity);
      }
      return Done.getInstance();
    });
  }

  /** A node may hold as many shards of a segment as may be lost (at least one). */
  private static int maxPerNode(StoragePolicy policy) {
    return Math.max(1, policy.tolerableLosses());
  }

  /** Content stored and journaled as a File, referenced by {@code reference}. */
  public record StoredContent(
      String fileId, long sizeBytes, String sha256, String etag, int segments, boolean deduplicated, String policy) {}

  /**
   * Stores one part of a multipart upload as a File of its own, referenced by the upload (so it
   * is kept until the upload completes or is aborted, then released).
   */
  public CompletionStage<StoredContent> storePart(String bucket, String uploadId, int partNumber, Source<ByteString, ?> body, PutOptions options) {
    return policyFor(bucket, options).thenCompose(policy -> storeContent(body, policy, options, partReference(uploadId, partNumber)));
  }

  public static String partReference(String uploadId, int partNumber) {
    return "multipart/" + uploadId + "/" + partNumber;
  }

  /** Drops {@code reference} from a file; the file's shards go with its last reference. */
  public CompletionStage<Done> releaseReference(String fileId, String reference) {
    return release(fileId, reference);
  }

  private CompletionStage<StoredContent> storeContent(
      Source<ByteString, ?> body, StoragePolicy policy, PutOptions options, String reference) {
    SegmentCodec codec = new SegmentCodec(policy);
    String uploadId = UUID.randomUUID().toString();
    byte[] dataKey = SegmentCipher.newDataKey();
    MessageDigest whole = Sha256.newDigest();
    MessageDigest md5 = options.computeMd5() || options.expectedMd5Base64() != null ? io.cess.core.s3.ETags.newMd5() : null;
    long[] size = {0};
    // every segment store started, so that a failed upload can remove what they stored: a body
    // that fails (cut off, too large, too slow) fails the stream at once, while segments already
    // handed to placement are still being written and finish later
    List<CompletableFuture<Manifest.Segment>> started = java.util.Collections.synchronizedList(new ArrayList<>());
    return body.via(new Segmenter(settings.segmentSizeBytes()))
        .map(
            segment -> {
              for (ByteBuffer bb : segment.getByteBuffers()) {
                if (md5 != null) {
                  md5.update(bb.duplicate());
                }
                whole.update(bb);
              }
              size[0] += segment.size();
              return segment;
            })
        .zipWithIndex()
        .mapAsync(
            settings.uploadParallelism(),
            p -> {
              CompletableFuture<Manifest.Segment> segment = CompletableFuture.supplyAsync(
                      () -> codec.encode(dataKey, uploadId, p.second().intValue(), p.first().toArray()), codecExecutor)
                  .thenCompose(encoded -> storeSegment(encoded, policy))
                  .toCompletableFuture();
              started.add(segment);
              return segment;
            })
        .runWith(Sink.seq(), system)
        .thenCompose(
            segments -> {
              String sha256 = Sha256.hex(whole);
              if (options.expectedSha256() != null && !options.expectedSha256().equals(sha256)) {
                throw new PutOptions.DigestMismatch("XAmzContentSHA256Mismatch",
                    "the body's SHA-256 is " + sha256 + " but the request signed " + options.expectedSha256() + "; nothing was stored");
              }
              byte[] md5Bytes = md5 == null ? null : md5.digest();
              if (options.expectedMd5Base64() != null
                  && !java.util.Base64.getEncoder().encodeToString(md5Bytes).equals(options.expectedMd5Base64())) {
                throw new PutOptions.DigestMismatch("BadDigest",
                    "the Content-MD5 you specified did not match what we received; nothing was stored");
              }
              String etag = options.etag() != null ? options.etag() : md5Bytes == null ? null : java.util.HexFormat.of().formatHex(md5Bytes);
              return keys.wrap(options.owner(), uploadId, dataKey)
                    .thenCompose(wrapped -> record(reference, policy, uploadId, wrapped, options, etag, segments, size[0], sha256));
            })
        .whenComplete(
            (stored, failure) -> {
              if (failure != null) {
                removeStoredSegments(reference, failure, List.copyOf(started));
              }
            });
  }

  /** Once every segment store of a failed upload has settled, deletes the shards of those that succeeded. */
  private void removeStoredSegments(String reference, Throwable failure, List<CompletableFuture<Manifest.Segment>> started) {
    CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .handle((allSettled, someFailed) -> {
          List<Manifest.Segment> written = started.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join).toList();
          if (!written.isEmpty()) {
            log.info("upload of {} failed ({}); removing its {} stored segments", reference, failure.toString(), written.size());
            transfers.deleteShards(ShardTransfers.shardsOf(written));
          }
          return Done.getInstance();
        });
  }

  /** Places every shard of a coded segment on its own miner, at most M of them per node. */
  private CompletionStage<Manifest.Segment> storeSegment(SegmentCodec.EncodedSegment encoded, StoragePolicy policy) {
    int maxPerNode = maxPerNode(policy);
    return view()
        .thenCompose(
            view ->
                transfers.placeShards(view, encoded, encoded.shards(), List.of(), new HashSet<>(), maxPerNode, settings.placementAttempts(), null))
        .thenApply(
            shards -> {
              List<Manifest.Shard> ordered = new ArrayList<>(shards);
              ordered.sort(java.util.Comparator.comparingInt(Manifest.Shard::index));
              return new Manifest.Segment(
                  encoded.index(), encoded.plainSizeBytes(), encoded.plainSha256(), encoded.cipherSizeBytes(), List.copyOf(ordered));
            });
  }

  private CompletionStage<StoredContent> record(
      String reference,
      StoragePolicy policy,
      String uploadId,
      String wrappedKey,
      PutOptions options,
      String etag,
      List<Manifest.Segment> segments,
      long sizeBytes,
      String sha256) {
    String fileId = Fingerprints.fileId(segments.stream().map(Manifest.Segment::sha256).toList(), sizeBytes);
    Manifest manifest = new Manifest(
        fileId, sizeBytes, sha256, settings.segmentSizeBytes(), policy.toString(), uploadId, wrappedKey, segments, Instant.now(), options.owner());
    return file(fileId)
        .<File.Recorded>askWithStatus(r -> new File.RecordUpload(manifest, reference, r), settings.askTimeout())
        .thenCompose(
            recorded -> {
              CompletionStage<?> surplus;
              if (recorded.deduplicated()) {
                // content already stored (under another data key): this upload's shards are surplus
                surplus = transfers.deleteShards(ShardTransfers.shardsOf(segments));
              } else if (recorded.superseded() != null) {
                // stored before with a weaker policy: this upload's manifest replaced it, its shards go
                log.info("file {} now stored as {} (was {}); removing the old shards", fileId, policy, recorded.superseded().policy());
                surplus = transfers.deleteShards(ShardTransfers.shardsOf(recorded.superseded().segments()));
              } else {
                surplus = CompletableFuture.completedFuture(Done.getInstance());
              }
              return surplus.thenApply(d -> new StoredContent(
                  fileId, sizeBytes, sha256, etag, segments.size(), recorded.deduplicated(), recorded.manifest().policy()));
            });
  }

  /** Points {@code bucket/key} at stored content; the content the key held before is released. */
  private CompletionStage<StoredObject> placeInBucket(String bucket, String key, StoredContent stored, PutOptions options) {
    String reference = bucket + "/" + key;
    ObjectEntry entry = new ObjectEntry(
        stored.fileId(), stored.sizeBytes(), stored.sha256(), Instant.now(), stored.etag(), options.contentType(), options.metadata());
    return bucket(bucket)
        .<Bucket.ObjectReplaced>ask(r -> new Bucket.PutObject(key, entry, r), settings.askTimeout())
        .thenCompose(
            replaced ->
                replaced.previous() != null && !replaced.previous().fileId().equals(stored.fileId())
                    ? release(replaced.previous().fileId(), reference)
                    : CompletableFuture.completedFuture(Done.getInstance()))
        .thenApply(
            done -> new StoredObject(
                bucket, key, stored.fileId(), stored.sha256(), stored.sizeBytes(), stored.segments(), stored.deduplicated(), stored.etag(),
                stored.policy()));
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

  /**
   * The content of bytes {@code first..last}, started: completes once its first bytes are decoded
   * (or fails as the stream would, e.g. with too few shards reachable), so that a download's
   * status is sent only when its first segment is at hand; the rest streams on from there.
   */
  public CompletionStage<Source<ByteString, NotUsed>> contentStarted(Manifest manifest, long first, long last) {
    return content(manifest, first, last)
        .prefixAndTail(1)
        .runWith(Sink.head(), system)
        .thenApply(started -> Source.from(started.first()).concat(started.second()));
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
    return Source.completionStageSource(keys.unwrap(manifest).thenApply(dataKey -> segments(manifest, codec, dataKey, from, to, first, last)))
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  private Source<ByteString, NotUsed> segments(
      Manifest manifest, SegmentCodec codec, byte[] dataKey, int from, int to, long first, long last) {
    long seg = manifest.segmentSizeBytes();
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
    java.time.Instant started = Instant.now();
    int k = codec.policy().readShards();
    byte[][] shards = new byte[segment.shards().size()][];
    Set<Integer> damaged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return view()
        .thenCompose(view -> transfers.gather(view, segment, transfers.orderedShards(segment, view), k, shards, damaged))
        .thenApplyAsync(
            ok -> codec.decode(dataKey, manifest.uploadId(), segment.index(), segment.cipherSizeBytes(), segment.sha256(), shards),
            codecExecutor)
        .whenComplete(
            (plain, e) -> {
              if (!damaged.isEmpty()) {
                log.warn("segment {} of file {}: shards {} are missing or corrupt; repairing", segment.index(), manifest.fileId(), damaged);
                repairs.repair(manifest.fileId(), segment.index(), Set.copyOf(damaged), "missing or corrupt on read", true, started);
              }
            });
  }

  /** The manifest of a stored file, if it is stored. */
  public CompletionStage<Optional<Manifest>> manifest(String fileId) {
    return file(fileId)
        .<File.ManifestLookup>ask(File.GetManifest::new, settings.askTimeout())
        .thenApply(l -> Optional.ofNullable(l.manifest()));
  }

  /** One shard as the manifest places it, with its repair record from its {@link Shard} entity. */
  public record ShardRecord(String fileId, int segment, Manifest.Shard placement, Shard.State record) {}

  /** Empty when the file is not stored or has no such segment or shard. */
  public CompletionStage<Optional<ShardRecord>> shard(String fileId, int segmentIndex, int shardIndex) {
    return manifest(fileId)
        .thenCompose(
            m -> {
              if (m.isEmpty() || segmentIndex < 0 || segmentIndex >= m.get().segments().size()) {
                return CompletableFuture.completedFuture(Optional.<ShardRecord>empty());
              }
              List<Manifest.Shard> shards = m.get().segments().get(segmentIndex).shards();
              if (shardIndex < 0 || shardIndex >= shards.size()) {
                return CompletableFuture.completedFuture(Optional.<ShardRecord>empty());
              }
              return sharding
                  .entityRefFor(Shard.ENTITY_KEY, Shard.entityId(fileId, segmentIndex, shardIndex))
                  .<Shard.State>ask(Shard.GetShard::new, settings.askTimeout())
                  .thenApply(state -> Optional.of(new ShardRecord(fileId, segmentIndex, shards.get(shardIndex), state)));
            });
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

  // ---------------------------------------------------------------- buckets (S3)

  public CompletionStage<Bucket.BucketInfo> bucketInfo(String bucket) {
    return bucket(bucket).ask(Bucket.GetInfo::new, settings.askTimeout());
  }

  /** Fails with the S3 error code as message (BucketAlreadyExists, BucketAlreadyOwnedByYou). */
  public CompletionStage<Bucket.BucketInfo> createBucket(String bucket, String owner) {
    return bucket(bucket).askWithStatus(r -> new Bucket.CreateBucket(owner, r), settings.askTimeout());
  }

  /**
   * The bucket when {@code account} (null: anonymous) may do what {@code needed} takes in it;
   * fails with {@link BucketAccessException} when it does not exist or is not the caller's. A
   * WRITE into a bucket that does not exist yet creates it for the caller (native API, RPC).
   */
  public CompletionStage<Bucket.BucketInfo> access(String bucket, String account, Bucket.Access needed) {
    CompletionStage<Bucket.BucketInfo> info = needed == Bucket.Access.WRITE ? claimBucket(bucket, account) : bucketInfo(bucket);
    return info.thenApply(b -> allowed(b, bucket, account, needed));
  }

  /** The bucket, created for {@code account} first when it does not exist yet; fails unless it is the account's. */
  public CompletionStage<Bucket.BucketInfo> claimOwned(String bucket, String account) {
    return claimBucket(bucket, account).thenApply(b -> allowed(b, bucket, account, Bucket.Access.OWNER));
  }

  private CompletionStage<Bucket.BucketInfo> claimBucket(String bucket, String owner) {
    return bucket(bucket).ask(r -> new Bucket.Claim(owner, r), settings.askTimeout());
  }

  private static Bucket.BucketInfo allowed(Bucket.BucketInfo b, String bucket, String account, Bucket.Access needed) {
    if (!b.exists()) {
      throw new BucketAccessException(BucketAccessException.Reason.NO_SUCH_BUCKET, "no bucket " + bucket);
    }
    if (!b.allows(account, needed)) {
      throw new BucketAccessException(BucketAccessException.Reason.ACCESS_DENIED,
          (account == null ? "anonymous requests" : "account " + account) + " may not do this in bucket " + bucket);
    }
    return b;
  }

  /** Fails with the error code as message (NoSuchBucket, AccessDenied, InvalidArgument). */
  public CompletionStage<Bucket.BucketInfo> grant(String bucket, String by, String account, Bucket.Access access) {
    return bucket(bucket).askWithStatus(r -> new Bucket.Grant(by, account, access, r), settings.askTimeout());
  }

  /** Fails with the error code as message (NoSuchBucket, AccessDenied). */
  public CompletionStage<Bucket.BucketInfo> revoke(String bucket, String by, String account) {
    return bucket(bucket).askWithStatus(r -> new Bucket.Revoke(by, account, r), settings.askTimeout());
  }

  /** Fails with the S3 error code as message (NoSuchBucket, BucketNotEmpty, AccessDenied). */
  public CompletionStage<Done> deleteBucket(String bucket, String owner) {
    return bucket(bucket).askWithStatus(r -> new Bucket.DeleteBucket(owner, r), settings.askTimeout());
  }

  public CompletionStage<Bucket.ObjectPage> listPage(String bucket, String prefix, String delimiter, String startAfter, int maxKeys) {
    return bucket(bucket).ask(r -> new Bucket.ListPage(prefix, delimiter, startAfter, maxKeys, r), settings.askTimeout());
  }

  /** A bucket an account owns, with its creation time. */
  public record OwnedBucket(String name, Instant createdAt) {}

  /**
   * The buckets {@code owner} created, by name. Walks every bucket's entity: fine for the
   * hundreds of buckets a cluster has today; at scale this wants a per-account index.
   */
  public CompletionStage<List<OwnedBucket>> bucketsOf(String owner) {
    return io.cess.actors.EntityIds.current(system, Bucket.ENTITY_KEY)
        .mapAsyncUnordered(4, name -> bucketInfo(name).thenApply(info ->
            owner.equals(info.owner()) ? Optional.of(new OwnedBucket(name, info.createdAt())) : Optional.<OwnedBucket>empty()))
        .mapConcat(found -> found.stream().toList())
        .runWith(Sink.seq(), system)
        .thenApply(list -> list.stream().sorted(java.util.Comparator.comparing(OwnedBucket::name)).toList());
  }

  // ---------------------------------------------------------------- multipart uploads (S3)

  public CompletionStage<MultipartUpload.State> multipartUpload(String uploadId) {
    return upload(uploadId).ask(MultipartUpload.Get::new, settings.askTimeout());
  }

  /**
   * Opens an upload, then records it in its bucket's {@link BucketUploads}. If the recording
   * fails the upload is aborted again (it has no parts yet) and the failure returned, so that no
   * open upload is missing from the listing.
   */
  public CompletionStage<MultipartUpload.State> initiateMultipart(
      String uploadId, String bucket, String key, String owner, String contentType, java.util.Map<String, String> metadata) {
    return upload(uploadId)
        .<MultipartUpload.State>askWithStatus(
            r -> new MultipartUpload.Initiate(bucket, key, owner, contentType, metadata, r), settings.askTimeout())
        .thenCompose(state -> uploadsOf(bucket)
            .<Done>ask(r -> new BucketUploads.RecordUpload(new BucketUploads.OpenUpload(key, uploadId, owner, state.initiatedAt()), r),
                settings.askTimeout())
            .thenApply(d -> state)
            .exceptionallyCompose(notRecorded -> upload(uploadId)
                .<MultipartUpload.State>askWithStatus(r -> new MultipartUpload.Finish(false, r), settings.askTimeout())
                .<MultipartUpload.State>thenApply(aborted -> {
                  throw new java.util.concurrent.CompletionException(notRecorded);
                })));
  }

  /**
   * A page of a bucket's uploads in progress (S3 ListMultipartUploads). Each listed upload is
   * checked against its {@link MultipartUpload}: one that has ended but was not forgotten (a
   * crash between the two steps) is left out and forgotten now.
   */
  public CompletionStage<BucketUploads.UploadPage> listUploads(
      String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads) {
    return uploadsOf(bucket)
        .<BucketUploads.UploadPage>ask(r -> new BucketUploads.ListUploads(prefix, delimiter, keyMarker, uploadIdMarker, maxUploads, r),
            settings.askTimeout())
        .thenCompose(page -> Source.from(page.uploads())
            .mapAsync(8, u -> multipartUpload(u.uploadId()).thenCompose(state -> state.open()
                ? CompletableFuture.completedFuture(Optional.of(u))
                : uploadsOf(bucket)
                    .<Done>ask(r -> new BucketUploads.ForgetUpload(u.key(), u.uploadId(), r), settings.askTimeout())
                    .thenApply(d -> Optional.<BucketUploads.OpenUpload>empty())))
            .mapConcat(found -> found.stream().toList())
            .runWith(Sink.seq(), system)
            .thenApply(open -> new BucketUploads.UploadPage(
                open, page.commonPrefixes(), page.truncated(), page.nextKeyMarker(), page.nextUploadIdMarker())));
  }

  /** Records a stored part; a part it replaces is released. */
  public CompletionStage<Done> addPart(String uploadId, int partNumber, StoredContent stored) {
    MultipartUpload.Part part = new MultipartUpload.Part(stored.fileId(), stored.sizeBytes(), stored.etag(), Instant.now());
    return upload(uploadId)
        .<MultipartUpload.PartReplaced>askWithStatus(r -> new MultipartUpload.AddPart(partNumber, part, r), settings.askTimeout())
        .thenCompose(replaced ->
            replaced.previous() != null && !replaced.previous().fileId().equals(stored.fileId())
                ? release(replaced.previous().fileId(), partReference(uploadId, partNumber))
                : CompletableFuture.completedFuture(Done.getInstance()));
  }

  /**
   * Ends the upload (completed or aborted), releases every part's file and takes it out of its
   * bucket's listing. The listing is told, not asked: a lost message only leaves an entry that
   * the next listing drops (it checks each upload is still open), while the releases must run.
   */
  public CompletionStage<Done> finishMultipart(String uploadId, boolean completed) {
    return upload(uploadId)
        .<MultipartUpload.State>askWithStatus(r -> new MultipartUpload.Finish(completed, r), settings.askTimeout())
        .thenCompose(state -> {
          uploadsOf(state.bucket()).tell(new BucketUploads.ForgetUpload(state.key(), uploadId, system.ignoreRef()));
          List<CompletableFuture<Done>> releases = new ArrayList<>();
          state.parts().forEach((n, p) -> releases.add(release(p.fileId(), partReference(uploadId, n)).toCompletableFuture()));
          return CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new)).thenApply(v -> Done.getInstance());
        });
  }

  private EntityRef<BucketUploads.Command> uploadsOf(String bucket) {
    return sharding.entityRefFor(BucketUploads.ENTITY_KEY, bucket);
  }

  private EntityRef<MultipartUpload.Command> upload(String uploadId) {
    return sharding.entityRefFor(MultipartUpload.ENTITY_KEY, uploadId);
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
                    ? repairs.removeShards(fileId, released.manifest()).thenApply(left -> Done.getInstance())
                    : CompletableFuture.completedFuture(Done.getInstance()));
  }


  // ---------------------------------------------------------------- plumbing

  private CompletionStage<ClusterMiners.MinersView> view() {
    return transfers.view();
  }

  private EntityRef<File.Command> file(String fileId) {
    return sharding.entityRefFor(File.ENTITY_KEY, fileId);
  }

  private EntityRef<Bucket.Command> bucket(String bucket) {
    return sharding.entityRefFor(Bucket.ENTITY_KEY, bucket);
  }
}
