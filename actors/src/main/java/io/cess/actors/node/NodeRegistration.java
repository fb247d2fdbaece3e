package io.cess.actors.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.cess.actors.miner.Miner;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Declares this JVM and its miners to their entities after start-up, retrying until each
 * registration is journaled (sharding may still be forming when the node starts), then stops.
 */
public final class NodeRegistration {

  sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Registered(String entityId) implements Command {}

  private record NotYet(String entityId, String why) implements Command {}

  private NodeRegistration() {}

  public static Behavior<Command> create(
      String nodeId, StorageNode.NodeInfo info, Map<String, Long> minerCapacities, Duration retryInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
                  Set<String> pending = new HashSet<>();
                  pending.add("node:" + nodeId);
                  minerCapacities.keySet().forEach(m -> pending.add("miner:" + m));
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, retryInterval);
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            for (String id : List.copyOf(pending)) {
                              if (id.startsWith("node:")) {
                                ctx.ask(
                                    StorageNode.NodeDetails.class,
                                    sharding.entityRefFor(StorageNode.ENTITY_KEY, nodeId),
                                    retryInterval,
                                    r -> new StorageNode.RegisterNode(info, r),
                                    (ok, e) -> ok != null ? new Registered(id) : new NotYet(id, String.valueOf(e)));
                              } else {
                                String minerId = id.substring("miner:".length());
                                ctx.ask(
                                    Miner.MinerDetails.class,
                                    sharding.entityRefFor(Miner.ENTITY_KEY, minerId),
                                    retryInterval,
                                    r -> new Miner.RegisterMiner(
                                        new Miner.MinerInfo(nodeId, minerCapacities.get(minerId)), r),
                                    (ok, e) -> ok != null ? new Registered(id) : new NotYet(id, String.valueOf(e)));
                              }
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Registered.class,
                          r -> {
                            pending.remove(r.entityId());
                            ctx.getLog().info("registered {}", r.entityId());
                            return pending.isEmpty() ? Behaviors.stopped() : Behaviors.same();
                          })
                      .onMessage(
                          NotYet.class,
                          n -> {
                            ctx.getLog().info("registration of {} not acknowledged yet: {}", n.entityId(), n.why());
                            return Behaviors.same();
                          })
                      .build();
                }));
  }
}
