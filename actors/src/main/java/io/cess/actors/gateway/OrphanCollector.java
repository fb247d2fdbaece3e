package io.cess.actors.gateway;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cess.actors.file.File;
import io.cess.actors.file.Manifest;
import io.cess.actors.storage.ClusterMiners;
import io.cess.actors.storage.MinerHost.HostDescription;
import io.cess.actors.storage.MinerHost.HostedMiner;
import io.cess.actors.transfer.TransferClient;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes orphans: shard files on a live miner that no manifest references, left by a crash in
 * the middle of an upload or a repair, by a removal whose confirmation was lost, or as the old
 * copies on a node that came back after its shards had been rebuilt elsewhere.
 *
 * <p>One pass: every File's manifest (stored, or deleted with its removal pending) is read first;
 * if any cannot be read the pass stops, because deleting on an incomplete picture could destroy
 * data. Then each live miner lists its fragments last written more than {@code grace} ago, and
 * those no manifest names on that miner are deleted. A shard of an upload or repair still in
 * progress is younger than the grace period (its manifest is journaled at the end), so it is
 * never a candidate; the grace must therefore exceed the longest upload.
 */
public final class OrphanCollector {

  private static final Logger log = LoggerFactory.getLogger(OrphanCollector.class);
  private static final int PARALLELISM = 4;

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ShardTransfers transfers;
  private final TransferClient transfer;
  private final GatewaySettings settings;

  public OrphanCollector(ActorSystem<?> system, ShardTransfers transfers, TransferClient transfer, GatewaySettings settings) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.transfers = transfers;
    this.transfer = transfer;
    this.settings = settings;
  }

  /** One pass; completes with the number of orphans removed. */
  public CompletionStage<Integer> collect() {
    Instant cutoff = Instant.now().minus(settings.orphanGrace());
    return referencedShards()
        .thenCompose(referenced -> transfers.view().thenCompose(view -> sweep(view, referenced, cutoff)));
  }

  /** Miner id to the roots its manifests name, over every File that still has a manifest. */
  private CompletionStage<Map<String, Set<String>>> referencedShards() {
    Map<String, Set<String>> referenced = new ConcurrentHashMap<>();
    return io.cess.actors.EntityIds.current(system, File.ENTITY_KEY)
        .mapAsyncUnordered(PARALLELISM, this::manifestOf)
        .runForeach(
            m -> {
              if (m != null) {
                for (Manifest.Segment seg : m.segments()) {
                  for (Manifest.Shard s : seg.shards()) {
                    referenced.computeIfAbsent(s.minerId(), k -> ConcurrentHashMap.newKeySet()).add(s.merkleRoot());
                  }
                }
              }
            },
            system)
        .thenApply(done -> referenced);
  }

  /** The stored manifest, else the one of a removal still pending, else null. */
  private CompletionStage<Manifest> manifestOf(String fileId) {
    EntityRef<File.Command> file = sharding.entityRefFor(File.ENTITY_KEY, fileId);
    return file.<File.ManifestLookup>ask(File.GetManifest::new, settings.askTimeout())
        .thenCompose(
            stored ->
                stored.manifest() != null
                    ? CompletableFuture.completedFuture(stored.manifest())
                    : file.<File.ManifestLookup>ask(File.GetPendingRemoval::new, settings.askTimeout())
                        .thenApply(File.ManifestLookup::manifest));
  }

  private CompletionStage<Integer> sweep(ClusterMiners.MinersView view, Map<String, Set<String>> referenced, Instant cutoff) {
    return Source.from(view.hosts())
        .mapConcat(h -> h.miners().stream().map(m -> new HostMiner(h, m)).toList())
        .mapAsync(1, hm -> sweepMiner(hm, referenced.getOrDefault(hm.miner().minerId(), Set.of()), cutoff))
        .runWith(Sink.fold(0, Integer::sum), system);
  }

  private record HostMiner(HostDescription host, HostedMiner miner) {}

  private CompletionStage<Integer> sweepMiner(HostMiner hm, Set<String> keep, Instant cutoff) {
    String minerId = hm.miner().minerId();
    return transfer
        .listOlderThan(hm.host().transferUrl(), minerId, cutoff)
        .thenCompose(
            roots -> {
              Set<String> orphans = new HashSet<>(roots);
              orphans.removeAll(keep);
              if (orphans.isEmpty()) {
                return CompletableFuture.completedFuture(0);
              }
              log.info("miner {} holds {} orphan shards (no manifest names them, older than {}); removing them",
                  minerId, orphans.size(), cutoff);
              List<Manifest.Shard> doomed = orphans.stream()
                  .map(root -> new Manifest.Shard(-1, root, 0, minerId, hm.host().nodeId()))
                  .toList();
              return transfers.deleteShards(doomed).thenApply(failed -> doomed.size() - failed);
            });
  }
}
