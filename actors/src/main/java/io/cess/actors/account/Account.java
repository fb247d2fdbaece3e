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
import io.cess.core.account.AccountIds;
import java.time.Duration;
import java.time.Instant;

/**
 * An account, identified by a fingerprint of its Ed25519 public key: the key that signs its
 * requests, and its server-side key pair (X25519) under whose public half the data keys of its
 * files are wrapped. The private half is kept only wrapped under the cluster's master key, so the
 * journal alone opens nothing. Created once; creating it again with the same keys is a no-op.
 */
public final class Account
    extends EventSourcedBehaviorWithEnforcedReplies<Account.Command, Account.Event, Account.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Account");

  public sealed interface Command extends CborSerializable {}

  /**
   * @param signingKey the Ed25519 public key, base64 of its 32 raw bytes
   * @param encryptionKey the X25519 public key data keys are wrapped to, base64
   * @param wrappedDecryptionKey the X25519 private key wrapped under the master key, base64
   */
  public record Create(
      String signingKey, String encryptionKey, String wrappedDecryptionKey, ActorRef<StatusReply<Details>> replyTo)
      implements Command {}

  public record Get(ActorRef<Details> replyTo) implements Command {}

  /** Reply: {@code status} is {@code none} for an account never created (the keys then null). */
  public record Details(
      String accountId, String status, String signingKey, String encryptionKey, String wrappedDecryptionKey, Instant createdAt)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record AccountCreated(String signingKey, String encryptionKey, String wrappedDecryptionKey, Instant at)
      implements Event {}

  public record State(String signingKey, String encryptionKey, String wrappedDecryptionKey, Instant createdAt)
      implements CborSerializable {
    boolean exists() {
      return signingKey != null;
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String accountId) {
    return new Account(accountId);
  }

  private final String accountId;

  private Account(String accountId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), accountId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.accountId = accountId;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), details(state)))
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    try {
      if (!AccountIds.of(AccountIds.parsePublicKey(cmd.signingKey())).equals(accountId)) {
        return Effect().reply(cmd.replyTo(), StatusReply.error("the signing key does not belong to account " + accountId));
      }
    } catch (IllegalArgumentException e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("bad signing key: " + e.getMessage()));
    }
    if (state.exists()) {
      return state.signingKey().equals(cmd.signingKey())
          ? Effect().reply(cmd.replyTo(), StatusReply.success(details(state)))
          : Effect().reply(cmd.replyTo(), StatusReply.error("account " + accountId + " exists with another key"));
    }
    return Effect()
        .persist(new AccountCreated(cmd.signingKey(), cmd.encryptionKey(), cmd.wrappedDecryptionKey(), Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(details(s)));
  }

  private Details details(State s) {
    return new Details(accountId, s.exists() ? "active" : "none", s.signingKey(), s.encryptionKey(), s.wrappedDecryptionKey(), s.createdAt());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AccountCreated.class, (s, e) -> new State(e.signingKey(), e.encryptionKey(), e.wrappedDecryptionKey(), e.at()))
        .build();
  }
}
