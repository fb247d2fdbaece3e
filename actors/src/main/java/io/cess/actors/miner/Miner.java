package io.cess.actors.miner;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.cess.actors.CborSerializable;
import io.cess.core.placement.Placement;
import java.time.Duration;
import java.time.Instant;

/**
 * A miner account: a quota of disk on one storage node that holds shards. Lifecycle: {@code
 * unregistered} until its host node declares it, then {@code active}. Re-registering (a node
 * restart, or a new quota) records the new declaration. Stake, credit and exits arrive with the
 * incentives work; free space is live data owned by the host's FragmentStore, not journaled.
 */
public final class Miner
    extends EventSourcedBehaviorWithEnforcedReplies<Miner.Command, Miner.Event, Miner.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Miner");

  /** What the host node declares about a miner it runs. */
  public record MinerInfo(String nodeId, long capacityBytes) implements CborSerializable {}

  public sealed interface Command extends CborSerializable {}

  public record RegisterMiner(MinerInfo info, ActorRef<MinerDetails> replyTo) implements Command {}

  public record GetMiner(ActorRef<MinerDetails> replyTo) implements Command {}

  /**
   * A shard this miner should hold was found corrupt or missing (a failed integrity check, like
   * a failed storage proof): it lowers the miner's credit, and with it the miner's share of new
   * shards.
   */
  public record RecordFault(String shard, String reason, ActorRef<akka.Done> replyTo) implements Command {}

  /**
   * Reply: a miner's journaled facts ({@code info} is null while unregistered); {@code credit}
   * from {@value #MIN_CREDIT} to {@link Placement#FULL_CREDIT}, lowered by each fault.
   */
  public record MinerDetails(
      String minerId, String status, MinerInfo info, Instant firstRegisteredAt, int registrations, int faults, int credit)
      implements CborSerializable {}

  /** Credit lost per fault, and the floor (a faulty miner still gets some work, to prove itself). */
  static final int CREDIT_PER_FAULT = 100;

  static final int MIN_CREDIT = 100;

  public static int credit(int faults) {
    return Math.max(MIN_CREDIT, Placement.FULL_CREDIT - CREDIT_PER_FAULT * faults);
  }

  public sealed interface Event extends CborSerializable {}

  public record MinerRegistered(MinerInfo info, Instant at) implements Event {}

  public record FaultRecorded(String shard, String reason, Instant at) implements Event {}

  public record State(String status, MinerInfo info, Instant firstRegisteredAt, int registrations, int faults)
      implements CborSerializable {
    static final State UNREGISTERED = new State("unregistered", null, null, 0, 0);
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String minerId) {
    return new Miner(minerId);
  }

  private final String minerId;

  private Miner(String minerId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), minerId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.minerId = minerId;
  }

  @Override
  public State emptyState() {
    return State.UNREGISTERED;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            RegisterMiner.class,
            (state, cmd) ->
                Effect()
                    .persist(new MinerRegistered(cmd.info(), Instant.now()))
                    .thenReply(cmd.replyTo(), this::details))
        .onCommand(GetMiner.class, (state, cmd) -> Effect().reply(cmd.replyTo(), details(state)))
        .onCommand(
            RecordFault.class,
            (state, cmd) ->
                Effect()
                    .persist(new FaultRecorded(cmd.shard(), cmd.reason(), Instant.now()))
                    .thenReply(cmd.replyTo(), s -> akka.Done.getInstance()))
        .build();
  }

  private MinerDetails details(State s) {
    return new MinerDetails(
        minerId, s.status(), s.info(), s.firstRegisteredAt(), s.registrations(), s.faults(), credit(s.faults()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            MinerRegistered.class,
            (s, e) ->
                new State(
                    "active",
                    e.info(),
                    s.firstRegisteredAt() == null ? e.at() : s.firstRegisteredAt(),
                    s.registrations() + 1,
                    s.faults()))
        .onEvent(
            FaultRecorded.class,
            (s, e) -> new State(s.status(), s.info(), s.firstRegisteredAt(), s.registrations(), s.faults() + 1))
        .build();
  }
}
