package io.cess.actors.gateway;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.util.ByteString;
import io.cess.actors.file.Manifest;
import io.cess.actors.node.StorageNode;
import io.cess.actors.storage.ClusterMiners;
import io.cess.actors.storage.MinerHost.HostDescription;
import io.cess.actors.storage.MinerHost.HostedMiner;
import io.cess.actors.transfer.TransferClient;
import io.cess.actors.transfer.TransferException;
import io.cess.core.codec.SegmentCodec;
import io.cess.core.placement.Placement;
import io.cess.core.placement.PlacementException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving shards between a gateway and the miners: where holders are (the live view, else the
 * node's journaled registration), placing a segment's shards within the policy's per-node limit
 * (re-placing those whose holder fails), fetching K verified shards (skipping missing or corrupt
 * ones and noting them for repair), and removing shards. Shared by uploads, reads and repair.
 */
public final class ShardTransfers {

  private static final Logger log = LoggerFactory.getLogger(ShardTransfers.class);

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ClusterMiners.Command> miners;
  private final TransferClient transfer;
  private final GatewaySettings settings;
  private final String localNodeId;
  private final Random random = new Random();
  private static final int DELETE_PARALLELISM = 8;

  public ShardTransfers(
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

  CompletionStage<ClusterMiners.MinersView> view() {
    return AskPattern.ask(miners, ClusterMiners.GetView::new, settings.askTimeout(), system.scheduler());
  }

  /**
   * Where a node's transfer endpoint is: from the live view, else from the node's journaled
   * registration (a gateway that just started may not have described every host yet).
   */
  CompletionStage<String> transferUrl(ClusterMiners.MinersView view, String nodeId) {
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

  /**
   * Stores {@code pending} shards on miners not yet used by this segment; a holder that fails is
   * excluded and its shard placed elsewhere while attempts remain.
   */
  CompletionStage<List<Manifest.Shard>> placeShards(
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
        candidates.add(new Placement.Candidate(m.minerId(), h.nodeId(), h.region(), m.freeBytes(), view.credit(m.minerId())));
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
              .put(view.host(c.nodeId()).transferUrl(), c.minerId(), shard.merkleRoot(), ByteString.fromArrayUnsafe(shard.bytes()))
              .thenApply(
                  done -> new Manifest.Shard(
                      shard.index(), shard.merkleRoot(), shard.bytes().length, c.minerId(), c.nodeId()))
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
                // remove only what this placement stored: a repair's intact siblings are in `placed` too
                Set<Integer> placing = new HashSet<>();
                encoded.shards().forEach(x -> placing.add(x.index()));
                deleteShards(nowPlaced.stream().filter(x -> placing.contains(x.index())).toList());
                return CompletableFuture.failedFuture(new TransferException(
                    "could not store segment " + encoded.index() + " on enough miners: " + failure));
              }
              return placeShards(view, encoded, retry, nowPlaced, failed, maxPerNode, attemptsLeft - 1, failure);
            });
  }

  /**
   * The order in which to try a segment's shards: holders on this node, then other live nodes,
   * then nodes missing from the live view (tried last: reaching a dead node costs a timeout).
   * Data shards come before parity shards within each group, so decoding is cheapest.
   */
  List<Manifest.Shard> orderedShards(Manifest.Segment segment, ClusterMiners.MinersView view) {
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

  /**
   * Fetches {@code needed} verified shards of a segment into {@code shards}, trying holders in
   * {@code order} and hedging slow ones ({@link ShardGather}); bad or missing copies are added to
   * {@code damaged}.
   */
  CompletionStage<Void> gather(
      ClusterMiners.MinersView view,
      Manifest.Segment segment,
      List<Manifest.Shard> order,
      int needed,
      byte[][] shards,
      Set<Integer> damaged) {
    return ShardGather.run(
        segment, order, needed, shards, damaged, s -> fetchVerified(view, segment, s),
        system.scheduler(), settings.hedgeDelay(), system.executionContext());
  }

  private CompletionStage<byte[]> fetchVerified(ClusterMiners.MinersView view, Manifest.Segment segment, Manifest.Shard s) {
    return transferUrl(view, s.nodeId())
        .thenCompose(url -> transfer.get(url, s.minerId(), s.merkleRoot(), s.sizeBytes()))
        .thenApply(
            b -> {
              if (!SegmentCodec.merkleRoot(b).equals(s.merkleRoot())) {
                throw new TransferException(
                    "shard " + s.index() + " of segment " + segment.index() + " on miner " + s.minerId() + " is corrupt", true);
              }
              return b;
            });
  }

  /** Every shard of the given segments. */
  static List<Manifest.Shard> shardsOf(List<Manifest.Segment> segments) {
    List<Manifest.Shard> shards = new ArrayList<>();
    segments.forEach(seg -> shards.addAll(seg.shards()));
    return shards;
  }

  /**
   * Removes shards from their holders; completes with the number that could not be removed
   * (logged: they stay as orphans unless the caller retries).
   */
  CompletionStage<Integer> deleteShards(List<Manifest.Shard> shards) {
    return view()
        .thenCompose(
            view ->
                // bounded: a large file has thousands of shards, the connection pools take 64 requests
                akka.stream.javadsl.Source.from(shards)
                    .mapAsyncUnordered(
                        DELETE_PARALLELISM,
                        s ->
                            transferUrl(view, s.nodeId())
                                .thenCompose(url -> transfer.delete(url, s.minerId(), s.merkleRoot()))
                                .thenApply(done -> 0)
                                .exceptionally(
                                    e -> {
                                      log.warn("shard {} on miner {} not removed: {}", s.merkleRoot(), s.minerId(), e.toString());
                                      return 1;
                                    }))
                    .runWith(akka.stream.javadsl.Sink.fold(0, Integer::sum), system));
  }

}
