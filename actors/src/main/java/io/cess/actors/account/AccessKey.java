package io.cess.actors.account;

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
import io.cess.actors.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * An S3 access key of an account, identified by its access key id ({@code "CESS"} and 16
 * uppercase letters or digits). Its secret is kept only wrapped under the cluster's master key,
 * with the access key id as the wrap's context, so the journal alone signs nothing and a wrapped
 * secret copied to another key's record does not open.
 *
 * <p>Lifecycle: {@code none} → {@code active} (Create, once) → {@code revoked} (Revoke, by the
 * owning account only; final). A revoked key stays in the journal so that its id is never reused
 * and the account's listing can show when it was revoked.
 */
public final class AccessKey
    extends EventSourcedBehaviorWithEnforcedReplies<AccessKey.Command, AccessKey.Event, AccessKey.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "AccessKey");

  private static final Pattern ID = Pattern.compile("CESS[A-Z0-9]{16}");

  /** Whether {@code id} has the shape of an access key id (says nothing about its existence). */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public sealed interface Command extends CborSerializable {}

  /**
   * @param wrappedSecret the secret access key wrapped under the master key (context: the access
   *     key id), base64
   */
  public record Create(String accountId, String wrappedSecret, ActorRef<StatusReply<Details>> replyTo)
      implements Command {}

  /** Refused unless the key belongs to {@code accountId}; revoking a revoked key changes nothing. */
  public record Revoke(String accountId, ActorRef<StatusReply<Details>> replyTo) implements Command {}

  public record Get(ActorRef<Details> replyTo) implements Command {}

  /** Reply: {@code status} is {@code none} (never created; the rest null), {@code active} or {@code revoked}. */
  public record Details(
      String accessKeyId, String accountId, String status, String wrappedSecret, Instant createdAt, Instant revokedAt)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record AccessKeyCreated(String accountId, String wrappedSecret, Instant at) implements Event {}

  public record AccessKeyRevoked(Instant at) implements Event {}

  public record State(String accountId, String wrappedSecret, String status, Instant createdAt, Instant revokedAt)
      implements CborSerializable {
    static State empty() {
      return new State(null, null, "none", null, null);
    }

    boolean exists() {
      return !status.equals("none");
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String accessKeyId) {
    return new AccessKey(accessKeyId);
  }

  private final String accessKeyId;

  private AccessKey(String accessKeyId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), accessKeyId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.accessKeyId = accessKeyId;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder
        .forState(s -> !s.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(Revoke.class, (s, cmd) ->
            Effect().reply(cmd.replyTo(), StatusReply.error("no access key " + accessKeyId)));
    builder
        .forState(State::exists)
        .onCommand(Create.class, (s, cmd) ->
            Effect().reply(cmd.replyTo(), StatusReply.error("access key " + accessKeyId + " exists")))
        .onCommand(Revoke.class, this::onRevoke);
    builder
        .forAnyState()
        .onCommand(Get.class, (s, cmd) -> Effect().reply(cmd.replyTo(), details(s)));
    return builder.build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    if (!isValidId(accessKeyId)) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("not an access key id: " + accessKeyId));
    }
    if (cmd.accountId() == null || cmd.wrappedSecret() == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("an access key needs an account and a wrapped secret"));
    }
    return Effect()
        .persist(new AccessKeyCreated(cmd.accountId(), cmd.wrappedSecret(), Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(details(s)));
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke cmd) {
    if (!state.accountId().equals(cmd.accountId())) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error("access key " + accessKeyId + " does not belong to account " + cmd.accountId()));
    }
    if (state.status().equals("revoked")) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(details(state)));
    }
    return Effect()
        .persist(new AccessKeyRevoked(Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(details(s)));
  }

  private Details details(State s) {
    return new Details(accessKeyId, s.accountId(), s.status(), s.wrappedSecret(), s.createdAt(), s.revokedAt());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AccessKeyCreated.class, (s, e) -> new State(e.accountId(), e.wrappedSecret(), "active", e.at(), null))
        .onEvent(AccessKeyRevoked.class, (s, e) -> new State(s.accountId(), s.wrappedSecret(), "revoked", s.createdAt(), e.at()))
        .build();
  }
}
