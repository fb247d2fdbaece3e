package io.cess.actors.gateway;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.cess.actors.file.File;
import io.cess.actors.file.Manifest;
import io.cess.core.codec.SegmentCodec;
import io.cess.core.policy.StoragePolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds lost or corrupt shards: from K intact siblings (ciphertext only, so no key is
 * needed), onto miners within the policy's per-node limit, recorded in the File entity
 * ({@code ShardsRepaired}); reachable bad copies are then removed. Reads call it for the shards
 * they found damaged, the {@link RepairScan} for shards of nodes that are no longer Up.
 */
public final class ShardRepair {

  private static final Logger log = LoggerFactory.getLogger(ShardRepair.class);

  private final ClusterSharding sharding;
  private final ShardTransfers transfers;
  private final GatewaySettings settings;
  private final Executor codecExecutor;

  public ShardRepair(ActorSystem<?> system, ShardTransfers transfers, GatewaySettings settings) {
    this.sharding = ClusterSharding.get(system);
    this.transfers = transfers;
    this.settings = settings;
    this.codecExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig("cess.codec-dispatcher"));
  }

  /**
   * Removes a deleted file's shards and, once none is left, confirms it to the File entity; a
   * removal cut short (holder unreachable) stays pending and the repair scan retries it.
   */
  public CompletionStage<akka.Done> removeShards(String fileId, Manifest manifest) {
    return transfers
        .deleteShards(ShardTransfers.shardsOf(manifest.segments()))
        .thenCompose(
            failed ->
                failed > 0
                    ? CompletableFuture.completedFuture(akka.Done.getInstance())
                    : sharding
                        .entityRefFor(File.ENTITY_KEY, fileId)
                        .<akka.Done>ask(File.ConfirmRemoval::new, settings.askTimeout()));
  }

  /** Retries the removal of a deleted file's shards, if some are still pending. */
  public CompletionStage<Integer> finishRemoval(String fileId) {
    return sharding
        .entityRefFor(File.ENTITY_KEY, fileId)
        .<File.ManifestLookup>ask(File.GetPendingRemoval::new, settings.askTimeout())
        .thenCompose(
            pending ->
                pending.manifest() == null
                    ? CompletableFuture.completedFuture(0)
                    : removeShards(fileId, pending.manifest()).thenApply(d -> 0));
  }

  private CompletionStage<Optional<Manifest>> manifest(String fileId) {
    return sharding
        .entityRefFor(File.ENTITY_KEY, fileId)
        .<File.ManifestLookup>ask(File.GetManifest::new, settings.askTimeout())
        .thenApply(l -> Optional.ofNullable(l.manifest()));
  }

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
    return transfers.view()
        .thenCompose(
            view -> {
              List<Manifest.Shard> sources =
                  transfers.orderedShards(segment, view).stream().filter(x -> !lost.contains(x.index())).toList();
              return transfers.gather(view, segment, sources, policy.readShards(), shards, damaged)
                  .thenApplyAsync(ok -> codec.rebuildShards(segment.cipherSizeBytes(), shards), codecExecutor)
                  .thenCompose(
                      rebuilt -> {
                        List<SegmentCodec.EncodedShard> pending = new ArrayList<>();
                        List<Manifest.Shard> held = new ArrayList<>();
                        for (Manifest.Shard x : segment.shards()) {
                          if (lost.contains(x.index())) {
                            byte[] bytes = rebuilt[x.index()];
                            if (!SegmentCodec.merkleRoot(bytes).equals(x.merkleRoot())) {
                              throw new IllegalStateException("rebuilt shard " + x.index() + " does not match its fingerprint");
                            }
                            pending.add(new SegmentCodec.EncodedShard(x.index(), bytes, x.merkleRoot()));
                          } else {
                            held.add(x);
                          }
                        }
                        SegmentCodec.EncodedSegment encoded = new SegmentCodec.EncodedSegment(
                            segment.index(), segment.sizeBytes(), segment.sha256(), segment.cipherSizeBytes(), pending);
                        // a miner that served a corrupt copy may take the rebuilt one (it replaces the bad file);
                        // holders on lost nodes are not in the view, so they are not candidates anyway
                        return transfers.placeShards(view, encoded, pending, held, new HashSet<>(), Math.max(1, policy.tolerableLosses()), settings.placementAttempts(), null)
                            .thenCompose(
                                all -> {
                                  List<Manifest.Shard> fresh = all.stream().filter(x -> lost.contains(x.index())).toList();
                                  return sharding.entityRefFor(File.ENTITY_KEY, m.fileId())
                                      .<Manifest>askWithStatus(r -> new File.RecordRepair(segment.index(), fresh, r), settings.askTimeout())
                                      .thenCompose(
                                          recorded -> {
                                            List<Manifest.Shard> old = segment.shards().stream()
                                                .filter(x -> lost.contains(x.index()))
                                                .filter(x -> fresh.stream().noneMatch(f -> f.minerId().equals(x.minerId())))
                                                .toList();
                                            return transfers.deleteShards(old);
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
}
