package io.cess.actors.gateway;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.cess.actors.file.File;
import io.cess.actors.file.Manifest;
import io.cess.actors.miner.Miner;
import io.cess.actors.shard.Shard;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import java.util.UUID;
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
 * ({@code ShardsRepaired}) and in each shard's {@link Shard} entity (whose lease keeps two
 * gateways from rebuilding the same shard); reachable bad copies are then removed. Reads call it for the shards
 * they found damaged, the {@link RepairScan} for shards of nodes that are no longer Up.
 */
public final class ShardRepair {

  private static final Logger log = LoggerFactory.getLogger(ShardRepair.class);

  private final ActorSystem<?> system;
  private final String localNodeId;
  private final ClusterSharding sharding;
  private final ShardTransfers transfers;
  private final GatewaySettings settings;
  private final Executor codecExecutor;

  public ShardRepair(ActorSystem<?> system, ShardTransfers transfers, GatewaySettings settings, String localNodeId) {
    this.system = system;
    this.localNodeId = localNodeId;
    this.sharding = ClusterSharding.get(system);
    this.transfers = transfers;
    this.settings = settings;
    this.codecExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig("cess.codec-dispatcher"));
  }

  /**
   * Removes a deleted file's shards and, once none is left, confirms it to the File entity; a
   * removal cut short (holder unreachable) stays pending and the repair scan retries it.
   *
   * @return how many shards are still to be removed (0: the removal is confirmed)
   */
  public CompletionStage<Integer> removeShards(String fileId, Manifest manifest) {
    return transfers
        .deleteShards(ShardTransfers.shardsOf(manifest.segments()))
        .thenCompose(
            failed ->
                failed > 0
                    ? CompletableFuture.completedFuture(failed)
                    : sharding
                        .entityRefFor(File.ENTITY_KEY, fileId)
                        .<akka.Done>ask(File.ConfirmRemoval::new, settings.askTimeout())
                        .thenApply(d -> 0));
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
                    : removeShards(fileId, pending.manifest()).thenApply(left -> {
                      if (left == 0) {
                        log.info("pending removal of deleted file {} finished", fileId);
                      } else {
                        log.debug("pending removal of deleted file {}: {} shards still to remove", fileId, left);
                      }
                      return 0;
                    }));
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
   * the File entity and removes the lost copies that can still be reached. Each shard's repair
   * holds its {@link Shard} entity's lease, so no two gateways rebuild the same shard at once;
   * shards leased to another repairer are left to it. With {@code minersAtFault} (the copies
   * were found corrupt or missing on live miners) each holder gets a fault on its {@link Miner}
   * record, once per damaged shard. {@code observedAt}: when the damage was seen at the latest
   * (a read's start); a shard repaired since is left alone. Completes with the number rebuilt.
   */
  public CompletionStage<Integer> repair(
      String fileId, int segmentIndex, Set<Integer> lost, String reason, boolean minersAtFault, java.time.Instant observedAt) {
    return repair(fileId, segmentIndex, lost, reason, minersAtFault, observedAt, node -> true);
  }

  /** As above; rebuilt copies go only to nodes that {@code mayHold}. */
  private CompletionStage<Integer> repair(
      String fileId, int segmentIndex, Set<Integer> lost, String reason, boolean minersAtFault, java.time.Instant observedAt,
      java.util.function.Predicate<String> mayHold) {
    String key = fileId + "/" + segmentIndex;
    if (lost.isEmpty() || !repairsInFlight.add(key)) {
      return CompletableFuture.completedFuture(0);
    }
    String repairer = localNodeId + "/" + UUID.randomUUID();
    Set<Integer> leased = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return manifest(fileId)
        .thenCompose(
            found -> {
              if (found.isEmpty() || segmentIndex >= found.get().segments().size()) {
                return CompletableFuture.completedFuture(0);
              }
              Manifest.Segment segment = found.get().segments().get(segmentIndex);
              return lease(fileId, segment, lost, reason, repairer, observedAt, leased)
                  .thenApply(v -> {
                    if (minersAtFault) {
                      leased.forEach(i -> sharding.entityRefFor(Miner.ENTITY_KEY, segment.shards().get(i).minerId())
                          .tell(new Miner.RecordFault(Shard.entityId(fileId, segmentIndex, i), reason, system.ignoreRef())));
                    }
                    return v;
                  })
                  .thenCompose(v -> leased.isEmpty() ? CompletableFuture.completedFuture(List.<Manifest.Shard>of())
                      : repair(found.get(), segment, leased, mayHold))
                  .thenCompose(fresh -> finish(fileId, segmentIndex, repairer, fresh).thenApply(d -> fresh.size()));
            })
        .whenComplete(
            (n, e) -> {
              repairsInFlight.remove(key);
              if (e != null) {
                log.warn("repair of segment {} of file {} failed (will be retried by the next scan): {}", segmentIndex, fileId, e.toString());
                leased.forEach(i -> shard(fileId, segmentIndex, i).tell(new Shard.AbandonRepair(repairer, e.toString(), system.ignoreRef())));
              } else if (n > 0) {
                log.info("repaired {} shards of segment {} of file {}", n, segmentIndex, fileId);
              }
            });
  }

  /** Takes the repair lease of each lost shard; those another repairer holds are skipped. */
  private CompletionStage<Void> lease(
      String fileId, Manifest.Segment segment, Set<Integer> lost, String reason, String repairer, java.time.Instant observedAt,
      Set<Integer> leased) {
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    for (int i : lost) {
      Manifest.Shard s = segment.shards().get(i);
      asks.add(
          shard(fileId, segment.index(), i)
              .<akka.Done>askWithStatus(
                  r -> new Shard.BeginRepair(repairer, reason, s.minerId(), s.nodeId(), observedAt, settings.repairLease(), r), settings.askTimeout())
              .handle(
                  (ok, e) -> {
                    if (e == null) {
                      leased.add(i);
                    } else {
                      log.info("not repairing shard {} of segment {} of file {}: {}", i, segment.index(), fileId, e.getMessage());
                    }
                    return (Void) null;
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
  }

  private CompletionStage<akka.Done> finish(String fileId, int segmentIndex, String repairer, List<Manifest.Shard> fresh) {
    List<CompletableFuture<akka.Done>> asks = new ArrayList<>();
    for (Manifest.Shard s : fresh) {
      asks.add(shard(fileId, segmentIndex, s.index())
          .<akka.Done>ask(r -> new Shard.FinishRepair(repairer, s.minerId(), s.nodeId(), r), settings.askTimeout())
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> akka.Done.getInstance());
  }

  private EntityRef<Shard.Command> shard(String fileId, int segmentIndex, int shardIndex) {
    return sharding.entityRefFor(Shard.ENTITY_KEY, Shard.entityId(fileId, segmentIndex, shardIndex));
  }

  /** Rebuilds and places the {@code lost} shards of {@code segment}; completes with their new placement. */
  private CompletionStage<List<Manifest.Shard>> repair(
      Manifest m, Manifest.Segment segment, Set<Integer> lost, java.util.function.Predicate<String> mayHold) {
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
                        // a node that is not Up may still be in the view (its registration outlives it, or it
                        // is back and not Up yet): a copy there would be taken for lost again
                        Set<String> excludedMiners = new HashSet<>();
                        view.hosts().stream().filter(h -> !mayHold.test(h.nodeId()))
                            .forEach(h -> h.miners().forEach(x -> excludedMiners.add(x.minerId())));
                        return transfers.placeShards(view, encoded, pending, held, excludedMiners, Math.max(1, policy.tolerableLosses()), settings.placementAttempts(), null)
                            .thenCompose(
                                all -> {
                                  List<Manifest.Shard> fresh = all.stream().filter(x -> lost.contains(x.index())).toList();
                                  return sharding.entityRefFor(File.ENTITY_KEY, m.fileId())
                                      .<Manifest>askWithStatus(r -> new File.RecordRepair(segment.index(), fresh, r), settings.askTimeout())
                                      .exceptionallyCompose(
                                          e -> {
                                            // refused (e.g. the file was deleted meanwhile): nothing names the rebuilt
                                            // copies, so they go now; after a timeout they may be recorded and stay
                                            Throwable cause = e.getCause() != null ? e.getCause() : e;
                                            if (!(cause instanceof akka.pattern.StatusReply.ErrorMessage)) {
                                              return CompletableFuture.failedFuture(e);
                                            }
                                            // (placement never puts a rebuilt copy on a miner holding an intact sibling)
                                            return transfers.deleteShards(fresh).thenCompose(n -> CompletableFuture.<Manifest>failedFuture(e));
                                          })
                                      .thenCompose(
                                          recorded -> {
                                            List<Manifest.Shard> old = segment.shards().stream()
                                                .filter(x -> lost.contains(x.index()))
                                                .filter(x -> fresh.stream().noneMatch(f -> f.minerId().equals(x.minerId())))
                                                .toList();
                                            return transfers.deleteShards(old);
                                          })
                                      .thenApply(d -> fresh);
                                });
                      });
            });
  }

  /**
   * Repairs every shard of a file whose holder is no longer a cluster member that is Up (its
   * node was downed or left): the periodic scan calls this for each stored file. {@code upNodes}
   * is read once the manifest is in, so a node that came back during a long scan is not taken
   * for lost; only Up nodes take rebuilt copies.
   */
  public CompletionStage<Integer> repairLostHolders(String fileId, java.util.function.Supplier<Set<String>> upNodes) {
    return manifest(fileId)
        .thenCompose(
            found -> {
              if (found.isEmpty()) {
                return CompletableFuture.completedFuture(0);
              }
              Set<String> up = upNodes.get();
              List<CompletableFuture<Integer>> repairs = new ArrayList<>();
              for (Manifest.Segment seg : found.get().segments()) {
                Set<Integer> lost = new HashSet<>();
                seg.shards().stream().filter(x -> !up.contains(x.nodeId())).forEach(x -> lost.add(x.index()));
                if (!lost.isEmpty()) {
                  repairs.add(repair(fileId, seg.index(), lost, "holder node no longer up", false, java.time.Instant.now(), up::contains)
                      .toCompletableFuture());
                }
              }
              return CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new))
                  .thenApply(v -> repairs.stream().mapToInt(CompletableFuture::join).sum());
            });
  }
}
