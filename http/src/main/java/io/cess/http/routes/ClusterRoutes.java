package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.Member;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.GetClusterShardingStats;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.file.File;
import io.cess.actors.miner.Miner;
import io.cess.actors.node.StorageNode;
import io.cess.actors.storage.ClusterMiners;
import io.cess.actors.storage.MinerHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/cluster} (members, roles, status, shard placement), {@code /v1/nodes} (the
 * StorageNode entities of the members) and {@code /v1/miners} (live space and journaled status).
 */
public final class ClusterRoutes {

  private static final String NAME_ROLE_PREFIX = io.cess.actors.NodeSettings.NAME_ROLE_PREFIX;

  private static final List<EntityTypeKey<?>> ENTITY_TYPES =
      List.of(StorageNode.ENTITY_KEY, Miner.ENTITY_KEY, File.ENTITY_KEY, Bucket.ENTITY_KEY);

  public record MemberView(String address, String node, List<String> roles, String status, boolean reachable) {}

  public record ClusterView(
      String self, String leader, List<MemberView> members, Map<String, Map<String, Integer>> shardsPerRegion) {}

  public record MinerView(
      String minerId, String nodeId, String region, long capacityBytes, long usedBytes, long freeBytes, String status,
      int faults, int credit) {}

  private final ActorSystem<?> system;
  private final ActorRef<ClusterMiners.Command> miners;
  private final Duration timeout;

  public ClusterRoutes(ActorSystem<?> system, ActorRef<ClusterMiners.Command> miners, Duration timeout) {
    this.system = system;
    this.miners = miners;
    this.timeout = timeout;
  }

  public Route route() {
    return pathPrefix(
        "v1",
        () ->
            concat(
                path("cluster", () -> get(() -> onSuccess(clusterView(), v -> completeOK(v, Json.marshaller())))),
                path(PathMatchers.segment("cluster").slash("members"), () -> get(() -> completeOK(membership(), Json.marshaller()))),
                path("nodes", () -> get(() -> onSuccess(nodes(), v -> completeOK(v, Json.marshaller())))),
                path("miners", () -> get(() -> onSuccess(minerViews(), v -> completeOK(v, Json.marshaller()))))));
  }

  /** Members and leader as this node sees them now: answered at once, even during a partition. */
  public record MembershipView(String self, String leader, List<MemberView> members) {}

  private MembershipView membership() {
    Cluster cluster = Cluster.get(system);
    Address leader = cluster.state().getLeader();
    return new MembershipView(cluster.selfMember().address().toString(), leader == null ? null : leader.toString(), members());
  }

  private List<MemberView> members() {
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    List<MemberView> out = new ArrayList<>();
    for (Member m : state.getMembers()) {
      List<String> roles = new ArrayList<>();
      String name = null;
      for (String r : m.getRoles()) {
        if (r.startsWith(NAME_ROLE_PREFIX)) {
          name = r.substring(NAME_ROLE_PREFIX.length());
        } else if (!r.startsWith("dc-")) {
          roles.add(r);
        }
      }
      roles.sort(String::compareTo);
      out.add(new MemberView(
          m.address().toString(), name, roles, m.status().toString(), !state.getUnreachable().contains(m)));
    }
    return out;
  }

  private CompletionStage<ClusterView> clusterView() {
    Cluster cluster = Cluster.get(system);
    Address leader = cluster.state().getLeader();
    Map<String, Map<String, Integer>> shards = new TreeMap<>();
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    for (EntityTypeKey<?> key : ENTITY_TYPES) {
      asks.add(
          AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                  ClusterSharding.get(system).shardState(),
                  r -> new GetClusterShardingStats(key, timeout, r),
                  timeout.plusSeconds(1),
                  system.scheduler())
              .thenAccept(
                  stats -> {
                    Map<String, Integer> perRegion = new TreeMap<>();
                    stats.getRegions().forEach((addr, s) -> perRegion.put(addr.toString(), s.getStats().size()));
                    synchronized (shards) {
                      shards.put(key.name(), perRegion);
                    }
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> new ClusterView(
                cluster.selfMember().address().toString(),
                leader == null ? null : leader.toString(),
                members(),
                shards));
  }

  private CompletionStage<List<StorageNode.NodeDetails>> nodes() {
    List<CompletableFuture<StorageNode.NodeDetails>> asks = new ArrayList<>();
    for (MemberView m : members()) {
      if (m.node() != null) {
        asks.add(
            ClusterSharding.get(system)
                .entityRefFor(StorageNode.ENTITY_KEY, m.node())
                .<StorageNode.NodeDetails>ask(StorageNode.GetNode::new, timeout)
                .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(v -> asks.stream().map(CompletableFuture::join).toList());
  }

  private CompletionStage<List<MinerView>> minerViews() {
    return AskPattern.<ClusterMiners.Command, ClusterMiners.MinersView>ask(
            miners, ClusterMiners.GetView::new, timeout, system.scheduler())
        .thenCompose(
            view -> {
              Map<String, CompletableFuture<Miner.MinerDetails>> status = new LinkedHashMap<>();
              List<MinerView> rows = new ArrayList<>();
              for (MinerHost.HostDescription h : view.hosts()) {
                for (MinerHost.HostedMiner m : h.miners()) {
                  status.put(
                      m.minerId(),
                      ClusterSharding.get(system)
                          .entityRefFor(Miner.ENTITY_KEY, m.minerId())
                          .<Miner.MinerDetails>ask(Miner.GetMiner::new, timeout)
                          .toCompletableFuture());
                  rows.add(new MinerView(
                      m.minerId(), h.nodeId(), h.region(), m.capacityBytes(), m.usedBytes(), m.freeBytes(), null, 0, 0));
                }
              }
              return CompletableFuture.allOf(status.values().toArray(CompletableFuture[]::new))
                  .thenApply(
                      v -> rows.stream()
                          .map(r -> {
                            Miner.MinerDetails d = status.get(r.minerId()).join();
                            return new MinerView(
                                r.minerId(), r.nodeId(), r.region(), r.capacityBytes(), r.usedBytes(), r.freeBytes(),
                                d.status(), d.faults(), d.credit());
                          })
                          .toList());
            });
  }
}
