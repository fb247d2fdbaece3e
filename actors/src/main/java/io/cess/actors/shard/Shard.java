package io.cess.actors.shard;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.cess.actors.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One erasure-coded shard of a stored file (identity: file id, segment, shard index): its health
 * and repair history, and the single-writer lock for its repair. A gateway that finds the shard
 * lost or corrupt takes a time-limited repair lease ({@code BeginRepair}), rebuilds it from its
 * siblings, records the new holder in the File's manifest and then here ({@code FinishRepair});
 * a second gateway that finds the same damage meanwhile is refused, so a shard is never rebuilt
 * twice at once. A lease left by a crashed gateway expires. The File's manifest stays the source
 * of truth for where a shard lives; an entity exists only for shards that were ever damaged.
 */
public final class Shard
    extends EventSourcedBehaviorWithEnforcedReplies<Shard.Command, Shard.Event, Shard.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Shard");

  /** Entries of history kept; older ones are dropped (the journal keeps them all). */
  static final int HISTORY = 50;

  public static String entityId(String fileId, int segmentIndex, int shardIndex) {
    return fileId + "-" + segmentIndex + "-" + shardIndex;
  }

  public sealed interface Command extends CborSerializable {}

  /**
   * Takes the repair lease for {@code lease}, recording why the copy on {@code lostMinerId} is
   * lost; refused while another repairer's lease runs, and when the shard was repaired after
   * {@code observedAt} (the damage seen then is already gone: two readers of one bad copy must
   * not rebuild it twice).
   */
  public record BeginRepair(
      String repairer, String reason, String lostMinerId, String lostNodeId, Instant observedAt, Duration lease,
      ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The rebuilt shard is stored on its new holder and recorded in the manifest. */
  public record FinishRepair(String repairer, String minerId, String nodeId, ActorRef<Done> replyTo) implements Command {}

  /** The repair failed; the lease is released so that the next scan can try again. */
  public record AbandonRepair(String repairer, String why, ActorRef<Done> replyTo) implements Command {}

  public record GetShard(ActorRef<State> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record RepairStarted(String repairer, String reason, String lostMinerId, String lostNodeId, Instant leaseUntil, Instant at)
      implements Event {}

  public record Repaired(String repairer, String minerId, String nodeId, Instant at) implements Event {}

  public record RepairAbandoned(String repairer, String why, Instant at) implements Event {}

  /** One line of the shard's history. */
  public record HistoryEntry(Instant at, String what, String detail) implements CborSerializable {}

  /**
   * {@code status}: {@code healthy} (never damaged, or repaired), {@code repairing} (a lease
   * runs) or {@code damaged} (the last repair failed; the next scan or read tries again); the holder
   * last recorded here (null until the first repair finishes); the last {@value #HISTORY} entries.
   */
  public record State(
      String status, String repairer, Instant leaseUntil, String minerId, String nodeId, long repairs,
      Instant lastRepairedAt, List<HistoryEntry> history)
      implements CborSerializable {
    static State empty() {
      return new State("healthy", null, null, null, null, 0, null, List.of());
    }

    boolean leasedToAnother(String repairer, Instant now) {
      return status.equals("repairing") && !repairer.equals(this.repairer) && leaseUntil.isAfter(now);
    }

    State with(
        String status, String repairer, Instant leaseUntil, String minerId, String nodeId, long repairs, Instant repairedAt,
        HistoryEntry entry) {
      List<HistoryEntry> h = new ArrayList<>(history);
      h.add(entry);
      return new State(status, repairer, leaseUntil, minerId, nodeId, repairs, repairedAt,
          List.copyOf(h.subList(Math.max(0, h.size() - HISTORY), h.size())));
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String shardId) {
    return new Shard(shardId);
  }

  private final String shardId;

  private Shard(String shardId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), shardId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.shardId = shardId;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(BeginRepair.class, this::onBegin)
        .onCommand(
            FinishRepair.class,
            (state, cmd) ->
                state.status().equals("repairing") && cmd.repairer().equals(state.repairer())
                    ? Effect()
                        .persist(new Repaired(cmd.repairer(), cmd.minerId(), cmd.nodeId(), Instant.now()))
                        .thenReply(cmd.replyTo(), s -> Done.getInstance())
                    : Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(
            AbandonRepair.class,
            (state, cmd) ->
                state.status().equals("repairing") && cmd.repairer().equals(state.repairer())
                    ? Effect()
                        .persist(new RepairAbandoned(cmd.repairer(), cmd.why(), Instant.now()))
                        .thenReply(cmd.replyTo(), s -> Done.getInstance())
                    : Effect().reply(cmd.replyTo(), Done.getInstance()))
        .onCommand(GetShard.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .build();
  }

  private ReplyEffect<Event, State> onBegin(State state, BeginRepair cmd) {
    Instant now = Instant.now();
    if (cmd.lease().isNegative() || cmd.lease().isZero()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("a repair lease must be positive"));
    }
    if (state.lastRepairedAt() != null && cmd.observedAt().isBefore(state.lastRepairedAt())) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(
              "shard " + shardId + " was repaired at " + state.lastRepairedAt() + ", after the damage seen at " + cmd.observedAt()));
    }
    if (state.leasedToAnother(cmd.repairer(), now)) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(
              "shard " + shardId + " is being repaired by " + state.repairer() + " until " + state.leaseUntil()));
    }
    return Effect()
        .persist(new RepairStarted(cmd.repairer(), cmd.reason(), cmd.lostMinerId(), cmd.lostNodeId(), now.plus(cmd.lease()), now))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            RepairStarted.class,
            (s, e) -> s.with("repairing", e.repairer(), e.leaseUntil(), e.lostMinerId(), e.lostNodeId(), s.repairs(), s.lastRepairedAt(),
                new HistoryEntry(e.at(), "damaged", e.reason() + " (copy on " + e.lostMinerId() + "); repair by " + e.repairer())))
        .onEvent(
            Repaired.class,
            (s, e) -> s.with("healthy", null, null, e.minerId(), e.nodeId(), s.repairs() + 1, e.at(),
                new HistoryEntry(e.at(), "repaired", "rebuilt onto " + e.minerId() + " (" + e.nodeId() + ")")))
        .onEvent(
            RepairAbandoned.class,
            (s, e) -> s.with("damaged", null, null, s.minerId(), s.nodeId(), s.repairs(), s.lastRepairedAt(),
                new HistoryEntry(e.at(), "repair failed", e.why())))
        .build();
  }
}
