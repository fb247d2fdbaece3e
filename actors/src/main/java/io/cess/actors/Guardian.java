package io.cess.actors;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.file.File;
import io.cess.actors.shard.Shard;
import io.cess.actors.account.AccessKey;
import io.cess.actors.account.Account;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.actors.gateway.GatewaySettings;
import io.cess.actors.gateway.MasterKey;
import io.cess.actors.gateway.OrphanCollector;
import io.cess.actors.gateway.RepairScan;
import io.cess.actors.gateway.ShardRepair;
import io.cess.actors.gateway.ShardTransfers;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.actors.miner.Miner;
import io.cess.actors.node.NodeRegistration;
import io.cess.actors.node.StorageNode;
import io.cess.actors.storage.ClusterMiners;
import io.cess.actors.storage.FragmentStore;
import io.cess.actors.storage.MinerHost;
import io.cess.actors.transfer.TransferClient;
import io.cess.core.node.NodeRequestAuth;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The one place that wires a node: sharded entities, the node-local storage services for the
 * storage role, the object path for the gateway role, the node's registration, and (through the
 * callback) the HTTP server that the http module builds on top.
 */
public final class Guardian {

  /**
   * What the HTTP layer needs; {@code fragments} is null without the storage role, {@code
   * objects}, {@code accounts}, {@code miners} and {@code masterKey} without the gateway role.
   */
  public record NodeServices(
      NodeSettings node,
      FragmentStore fragments,
      ObjectGateway objects,
      AccountKeyring accounts,
      ActorRef<ClusterMiners.Command> miners,
      NodeRequestAuth nodeAuth,
      MasterKey masterKey) {}

  private static final Duration REGISTRATION_RETRY = Duration.ofSeconds(3);
  private static final Duration LEAVE_RECORD_TIMEOUT = Duration.ofSeconds(3);

  private Guardian() {}

  public static Behavior<Void> create(
      NodeSettings node, GatewaySettings gateway, BiConsumer<ActorSystem<?>, NodeServices> startHttp) {
    return Behaviors.setup(
        ctx -> {
          ActorSystem<?> system = ctx.getSystem();
          StorageNode.init(system);
          Miner.init(system);
          File.init(system);
          Shard.init(system);
          Account.init(system);
          AccessKey.init(system);
          Bucket.init(system);
          io.cess.actors.bucket.MultipartUpload.init(system);
          io.cess.actors.bucket.BucketUploads.init(system);

          NodeRequestAuth nodeAuth = new NodeRequestAuth(SecretFile.loadOrCreate(node.clusterSecretFile(), "cluster secret"));
          FragmentStore fragments = null;
          if (node.hasRole("storage")) {
            fragments = new FragmentStore(node.dataDir(), node.minerCapacities());
            int leftovers = fragments.removeLeftoverTempFiles();
            if (leftovers > 0) {
              ctx.getLog().info("removed {} partial shard files left by an earlier crash", leftovers);
            }
            ctx.spawn(MinerHost.create(node.name(), node.region(), node.httpUrl(), fragments), "miner-host");
          }

          ObjectGateway objects = null;
          AccountKeyring accounts = null;
          ActorRef<ClusterMiners.Command> miners = null;
          MasterKey masterKey = null;
          if (node.hasRole("gateway")) {
            miners = ctx.spawn(
                ClusterMiners.create(gateway.minerRefreshInterval(), gateway.askTimeout()), "cluster-miners");
            TransferClient transfer = new TransferClient(system, gateway.transferTimeout(), nodeAuth);
            ShardTransfers transfers = new ShardTransfers(system, miners, transfer, gateway, node.name());
            ShardRepair repairs = new ShardRepair(system, transfers, gateway, node.name());
            masterKey = MasterKey.loadOrCreate(gateway.masterKeyFile());
            accounts = new AccountKeyring(system, gateway, masterKey);
            objects = new ObjectGateway(system, transfers, repairs, gateway, accounts);
            akka.cluster.typed.ClusterSingleton.get(system)
                .init(
                    akka.cluster.typed.SingletonActor.of(
                            RepairScan.create(
                                repairs, gateway.repairScanInterval(), gateway.repairFileTimeout(), gateway.repairScanTimeout(), 4,
                                new OrphanCollector(system, transfers, transfer, gateway), gateway.orphanScanInterval()),
                            "repair-scan")
                        .withSettings(akka.cluster.typed.ClusterSingletonSettings.create(system).withRole("gateway")));
          }

          StorageNode.NodeInfo info = new StorageNode.NodeInfo(
              node.roles(),
              node.region(),
              node.capacityBytes(),
              node.httpUrl(),
              Cluster.get(system).selfMember().address().toString(),
              java.util.List.copyOf(node.minerCapacities().keySet()));
          ctx.spawn(
              NodeRegistration.create(node.name(), info, node.minerCapacities(), REGISTRATION_RETRY),
              "node-registration");
          recordLeaveOnShutdown(system, node.name());

          startHttp.accept(system, new NodeServices(node, fragments, objects, accounts, miners, nodeAuth, masterKey));
          return Behaviors.empty();
        });
  }

  private static void recordLeaveOnShutdown(ActorSystem<?> system, String nodeId) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeClusterShutdown(),
            "record-node-leave",
            () ->
                ClusterSharding.get(system)
                    .entityRefFor(StorageNode.ENTITY_KEY, nodeId)
                    .<Done>ask(r -> new StorageNode.RecordLeave("graceful shutdown", r), LEAVE_RECORD_TIMEOUT)
                    .exceptionally(e -> {
                      system.log().warn("could not record the leave of {}: {}", nodeId, e.toString());
                      return Done.getInstance();
                    }));
  }
}
