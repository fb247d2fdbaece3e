package io.cess.actors.storage;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.cess.actors.miner.Miner;
import io.cess.actors.storage.MinerHost.HostDescription;
import io.cess.core.placement.Placement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A gateway's live view of every MinerHost in the cluster: which nodes are reachable, where
 * their transfer endpoints are, and each miner's free space. Hosts come and go with the
 * receptionist's listing; their space is re-read every refresh interval. A host that does not
 * answer a refresh drops out of the view until it answers again. A view is only handed out once
 * every newly listed host has answered (or timed out), so that a fresh gateway does not report
 * reachable nodes as missing.
 */
public final class ClusterMiners {

  public sealed interface Command {}

  public record GetView(ActorRef<MinersView> replyTo) implements Command {}

  /**
   * Reply: the hosts that answered their last refresh, and the miners' credit as their {@code
   * Miner} entities last gave it (full credit until known).
   */
  public record MinersView(List<HostDescription> hosts, Map<String, Integer> credits) {
    public int credit(String minerId) {
      return credits.getOrDefault(minerId, Placement.FULL_CREDIT);
    }

    public HostDescription host(String nodeId) {
      for (HostDescription h : hosts) {
        if (h.nodeId().equals(nodeId)) {
          return h;
        }
      }
      return null;
    }
  }

  private record ListingChanged(Set<ActorRef<MinerHost.Command>> hosts) implements Command {}

  private enum Refresh implements Command {
    INSTANCE
  }

  private record Described(ActorRef<MinerHost.Command> host, HostDescription description)
      implements Command {}

  private record NotDescribed(ActorRef<MinerHost.Command> host) implements Command {}

  private record CreditKnown(String minerId, int credit) implements Command {}

  /** Credits change slowly (a fault at a time): they are re-read every this many refreshes. */
  private static final int CREDIT_EVERY_REFRESHES = 10;

  private ClusterMiners() {}

  public static Behavior<Command> create(Duration refreshInterval, Duration askTimeout) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  ActorRef<Receptionist.Listing> adapter =
                      ctx.messageAdapter(
                          Receptionist.Listing.class,
                          l -> new ListingChanged(l.getServiceInstances(MinerHost.SERVICE_KEY)));
                  ctx.getSystem()
                      .receptionist()
                      .tell(Receptionist.subscribe(MinerHost.SERVICE_KEY, adapter));
                  timers.startTimerWithFixedDelay(Refresh.INSTANCE, refreshInterval);
                  return new Running(ctx, describeTimeout(askTimeout)).behavior();
                }));
  }

  /** Short enough that a view held back for a slow host still reaches an asker in time. */
  static Duration describeTimeout(Duration askTimeout) {
    Duration half = askTimeout.dividedBy(2);
    return half.compareTo(Duration.ofSeconds(5)) < 0 ? half : Duration.ofSeconds(5);
  }

  private static final class Running {
    private final ActorContext<Command> ctx;
    private final Duration askTimeout;
    private final Set<ActorRef<MinerHost.Command>> listed = new HashSet<>();
    private final Map<ActorRef<MinerHost.Command>, HostDescription> described = new HashMap<>();
    private final Set<ActorRef<MinerHost.Command>> firstAnswerPending = new HashSet<>();
    private final List<ActorRef<MinersView>> waiting = new ArrayList<>();
    private final Map<String, Integer> credits = new HashMap<>();
    private int refreshes;

    Running(ActorContext<Command> ctx, Duration askTimeout) {
      this.ctx = ctx;
      this.askTimeout = askTimeout;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(ListingChanged.class, this::onListing)
          .onMessageEquals(Refresh.INSTANCE, this::refreshAll)
          .onMessage(
              Described.class,
              d -> {
                if (listed.contains(d.host())) {
                  described.put(d.host(), d.description());
                }
                answered(d.host());
                return Behaviors.same();
              })
          .onMessage(
              NotDescribed.class,
              n -> {
                described.remove(n.host());
                answered(n.host());
                return Behaviors.same();
              })
          .onMessage(
              CreditKnown.class,
              c -> {
                credits.put(c.minerId(), c.credit());
                return Behaviors.same();
              })
          .onMessage(
              GetView.class,
              g -> {
                if (firstAnswerPending.isEmpty()) {
                  g.replyTo().tell(view());
                } else {
                  waiting.add(g.replyTo());
                }
                return Behaviors.same();
              })
          .build();
    }

    private void answered(ActorRef<MinerHost.Command> host) {
      if (firstAnswerPending.remove(host) && firstAnswerPending.isEmpty()) {
        MinersView view = view();
        waiting.forEach(w -> w.tell(view));
        waiting.clear();
      }
    }

    private MinersView view() {
      List<HostDescription> hosts = new ArrayList<>(described.values());
      hosts.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
      return new MinersView(List.copyOf(hosts), Map.copyOf(credits));
    }

    private Behavior<Command> onListing(ListingChanged l) {
      for (ActorRef<MinerHost.Command> h : l.hosts()) {
        if (!listed.contains(h)) {
          firstAnswerPending.add(h);
        }
      }
      listed.clear();
      listed.addAll(l.hosts());
      described.keySet().retainAll(listed);
      firstAnswerPending.retainAll(listed);
      if (firstAnswerPending.isEmpty() && !waiting.isEmpty()) {
        MinersView view = view();
        waiting.forEach(w -> w.tell(view));
        waiting.clear();
      }
      listed.forEach(this::describe);
      return Behaviors.same();
    }

    private Behavior<Command> refreshAll() {
      listed.forEach(this::describe);
      if (refreshes++ % CREDIT_EVERY_REFRESHES == 0) {
        described.values().forEach(h -> h.miners().forEach(m -> askCredit(m.minerId())));
      }
      return Behaviors.same();
    }

    private void askCredit(String minerId) {
      ctx.ask(
          Miner.MinerDetails.class,
          ClusterSharding.get(ctx.getSystem()).entityRefFor(Miner.ENTITY_KEY, minerId),
          askTimeout,
          Miner.GetMiner::new,
          // unknown for now (entity unreachable): keep the last credit, ask again later
          (d, failure) -> d != null ? new CreditKnown(minerId, d.credit()) : new CreditKnown(minerId, credits.getOrDefault(minerId, Placement.FULL_CREDIT)));
    }

    private void describe(ActorRef<MinerHost.Command> host) {
      ctx.ask(
          HostDescription.class,
          host,
          askTimeout,
          MinerHost.Describe::new,
          (desc, failure) -> desc != null ? new Described(host, desc) : new NotDescribed(host));
    }
  }
}
