package io.cess.actors.node;

import akka.Done;
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
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.cess.actors.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One JVM of the cluster, identified by its node name. Lifecycle: {@code new} until the JVM
 * first registers, then {@code up}; {@code left} after a graceful leave; a restart registers
 * again (back to {@code up}). Keeps the node's declared roles, region and capacity, and its
 * join/leave history (the most recent {@value #HISTORY_LIMIT} entries).
 */
public final class StorageNode
    extends EventSourcedBehaviorWithEnforcedReplies<
        StorageNode.Command, StorageNode.Event, StorageNode.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "StorageNode");

  static final int HISTORY_LIMIT = 50;

  /** What a JVM declares about itself when it joins. */
  public record NodeInfo(
      List<String> roles,
      String region,
      long capacityBytes,
      String httpUrl,
      String akkaAddress,
      List<String> minerIds)
      implements CborSerializable {}

  public record Membership(String change, String detail, Instant at) implements CborSerializable {}

  // --- protocol

  public sealed interface Command extends CborSerializable {}

  public record RegisterNode(NodeInfo info, ActorRef<NodeDetails> replyTo) implements Command {}

  public record RecordLeave(String reason, ActorRef<Done> replyTo) implements Command {}

  public record GetNode(ActorRef<NodeDetails> replyTo) implements Command {}

  /** Reply: what the cluster knows of a node ({@code info} is null while {@code new}). */
  public record NodeDetails(String nodeId, String status, NodeInfo info, List<Membership> history)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record NodeJoined(NodeInfo info, Instant at) implements Event {}

  public record NodeLeft(String reason, Instant at) implements Event {}

  public record State(String status, NodeInfo info, List<Membership> history)
      implements CborSerializable {
    static final State NEW = new State("new", null, List.of());

    State with(String newStatus, NodeInfo newInfo, Membership change) {
      List<Membership> h = new ArrayList<>(history);
      h.add(change);
      if (h.size() > HISTORY_LIMIT) {
        h = h.subList(h.size() - HISTORY_LIMIT, h.size());
      }
      return new State(newStatus, newInfo, List.copyOf(h));
    }
  }

  // --- wiring

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String nodeId) {
    return new StorageNode(nodeId);
  }

  private final String nodeId;

  private StorageNode(String nodeId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), nodeId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.nodeId = nodeId;
  }

  @Override
  public State emptyState() {
    return State.NEW;
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
            RegisterNode.class,
            cmd ->
                Effect()
                    .persist(new NodeJoined(cmd.info(), Instant.now()))
                    .thenReply(cmd.replyTo(), this::details))
        .onCommand(RecordLeave.class, this::onRecordLeave)
        .onCommand(GetNode.class, (state, cmd) -> Effect().reply(cmd.replyTo(), details(state)))
        .build();
  }

  private ReplyEffect<Event, State> onRecordLeave(State state, RecordLeave cmd) {
    if (!state.status().equals("up")) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new NodeLeft(cmd.reason(), Instant.now()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private NodeDetails details(State state) {
    return new NodeDetails(nodeId, state.status(), state.info(), state.history());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            NodeJoined.class,
            (state, e) ->
                state.with("up", e.info(), new Membership("joined", e.info().akkaAddress(), e.at())))
        .onEvent(
            NodeLeft.class,
            (state, e) -> state.with("left", state.info(), new Membership("left", e.reason(), e.at())))
        .build();
  }
}
