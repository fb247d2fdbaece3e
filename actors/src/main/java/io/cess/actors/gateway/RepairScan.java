package io.cess.actors.gateway;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.stream.javadsl.Sink;
import io.cess.actors.NodeSettings;
import io.cess.actors.file.File;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Cluster singleton (on a gateway) that periodically walks every stored file and repairs the
 * shards whose holder is no longer an Up member: a node that was downed or left takes its
 * shards with it, and they are rebuilt from their siblings onto the remaining miners. One scan
 * runs at a time; a scan that cannot place a shard (too few nodes) leaves it for the next one.
 * The same walk finishes removals of deleted files that were cut short. On its own, slower timer
 * it runs the {@link OrphanCollector}.
 */
public final class RepairScan {

  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Finished(Integer repaired, Throwable failure) implements Command {}

  private enum OrphanTick implements Command {
    INSTANCE
  }

  private record OrphansCollected(Integer removed, Throwable failure) implements Command {}

  /** For the callbacks of a scan, which run outside the actor. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RepairScan.class);

  private RepairScan() {}

  public static Behavior<Command> create(
      ShardRepair repairs, Duration interval, Duration fileTimeout, Duration scanTimeout, int parallelism, OrphanCollector orphans,
      Duration orphanInterval) {
    return Behaviors.<Command>supervise(scan(repairs, interval, fileTimeout, scanTimeout, parallelism, orphans, orphanInterval))
        .onFailure(akka.actor.typed.SupervisorStrategy.restartWithBackoff(interval, interval.multipliedBy(10), 0.2));
  }

  private static Behavior<Command> scan(
      ShardRepair repairs, Duration interval, Duration fileTimeout, Duration scanTimeout, int parallelism, OrphanCollector orphans,
      Duration orphanInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
                  timers.startTimerWithFixedDelay(OrphanTick.INSTANCE, orphanInterval);
                  Cluster cluster = Cluster.get(ctx.getSystem());
                  boolean[] running = {false};
                  boolean[] collecting = {false};
                  return Behaviors.receive(Command.class)
                      .onMessageEquals(
                          Tick.INSTANCE,
                          () -> {
                            if (running[0]) {
                              return Behaviors.same();
                            }
                            running[0] = true;
                            ctx.pipeToSelf(
                                io.cess.actors.EntityIds.current(ctx.getSystem(), File.ENTITY_KEY)
                                    .mapAsyncUnordered(
                                        parallelism,
                                        fileId ->
                                            // removals first (cheap, and a deleted file has nothing to repair);
                                            // one slow file gives up after fileTimeout so the scan goes on
                                            repairs
                                                .finishRemoval(fileId)
                                                .thenCompose(m -> repairs.repairLostHolders(fileId, () -> upNodes(cluster)).thenApply(n -> n + m))
                                                .toCompletableFuture()
                                                .orTimeout(fileTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                                                // a file that cannot be repaired now waits for the next scan
                                                .exceptionally(e -> {
                                                  LOG.warn("file {} left for the next repair scan: {}", fileId, e.toString());
                                                  return 0;
                                                }))
                                    .completionTimeout(scanTimeout)
                                    .runWith(Sink.fold(0, Integer::sum), ctx.getSystem()),
                                Finished::new);
                            return Behaviors.same();
                          })
                      .onMessageEquals(
                          OrphanTick.INSTANCE,
                          () -> {
                            if (!collecting[0]) {
                              collecting[0] = true;
                              ctx.pipeToSelf(orphans.collect(), OrphansCollected::new);
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          OrphansCollected.class,
                          c -> {
                            collecting[0] = false;
                            if (c.failure() != null) {
                              ctx.getLog().warn("orphan collection stopped, nothing removed after the failure: {}", c.failure().toString());
                            } else if (c.removed() > 0) {
                              ctx.getLog().info("orphan collection removed {} shards", c.removed());
                            }
                            return Behaviors.same();
                          })
                      .onMessage(
                          Finished.class,
                          f -> {
                            running[0] = false;
                            if (f.failure() != null) {
                              ctx.getLog().warn("repair scan failed: {}", f.failure().toString());
                            } else if (f.repaired() > 0) {
                              ctx.getLog().info("repair scan rebuilt {} shards", f.repaired());
                            }
                            return Behaviors.same();
                          })
                      .build();
                }));
  }

  static Set<String> upNodes(Cluster cluster) {
    Set<String> up = new HashSet<>();
    akka.cluster.ClusterEvent.CurrentClusterState state = cluster.state();
    Set<Member> unreachable = state.getUnreachable();
    for (Member m : state.getMembers()) {
      if (m.status().equals(MemberStatus.up()) && !unreachable.contains(m)) {
        for (String role : m.getRoles()) {
          if (role.startsWith(NodeSettings.NAME_ROLE_PREFIX)) {
            up.add(role.substring(NodeSettings.NAME_ROLE_PREFIX.length()));
          }
        }
      }
    }
    return up;
  }
}
