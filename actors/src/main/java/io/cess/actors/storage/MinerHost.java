package io.cess.actors.storage;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.cess.actors.CborSerializable;
import java.util.List;

/**
 * The node-local face of this node's FragmentStore: registers with the receptionist so that
 * gateways find it, and describes the miners it hosts with their live space. Not sharded and
 * not persistent: it owns a disk, and the disk is its state.
 */
public final class MinerHost {

  public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "miner-hosts");

  public sealed interface Command extends CborSerializable {}

  public record Describe(ActorRef<HostDescription> replyTo) implements Command {}

  public record HostedMiner(String minerId, long capacityBytes, long usedBytes) implements CborSerializable {
    public long freeBytes() {
      return Math.max(0, capacityBytes - usedBytes);
    }
  }

  /** Reply: the node, where its transfer endpoint is, and its miners' space. */
  public record HostDescription(String nodeId, String region, String transferUrl, List<HostedMiner> miners)
      implements CborSerializable {}

  private MinerHost() {}

  public static Behavior<Command> create(String nodeId, String region, String transferUrl, FragmentStore store) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
          return Behaviors.receive(Command.class)
              .onMessage(
                  Describe.class,
                  d -> {
                    List<HostedMiner> miners =
                        store.space().stream()
                            .map(s -> new HostedMiner(s.minerId(), s.capacityBytes(), s.usedBytes()))
                            .toList();
                    d.replyTo().tell(new HostDescription(nodeId, region, transferUrl, miners));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
