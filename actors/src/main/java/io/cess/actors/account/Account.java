package io.cess.actors.account;

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
import io.cess.core.account.AccountIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * An account, identified by a fingerprint of its Ed25519 public key: the key that signs its
 * requests, and its server-side key pair (X25519) under whose public half the data keys of its
 * files are wrapped. The private half is kept only wrapped under the cluster's master key, so the
 * journal alone opens nothing. Created once; creating it again with the same keys is a no-op.
 * It also lists the ids of the S3 access keys it minted ({@link AccessKey}, which holds each
 * key's secret and status), sorted; a revoked key stays listed so that its revocation shows.
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

  /** Lists an access key minted for the account; a no-op if listed, or if the account does not exist. */
  public record AddAccessKey(String accessKeyId, ActorRef<Done> replyTo) implements Command {}

  /** Drops an access key from the listing (a key whose minting did not complete); a no-op if not listed. */
  public record RemoveAccessKey(String accessKeyId, ActorRef<Done> replyTo) implements Command {}

  /**
   * Reply: {@code status} is {@code none} for an account never created (the keys then null);
   * {@code accessKeys} the ids of its access keys, sorted.
   */
  public record Details(
      String accountId,
      String status,
      String signingKey,
      String encryptionKey,
      String wrappedDecryptionKey,
      Instant createdAt,
      List<String> accessKeys)
      implements CborSerializable {
    public Details {
      accessKeys = accessKeys == null ? List.of() : List.copyOf(accessKeys);
    }
  }

  public sealed interface Event extends CborSerializable {}

  public record AccountCreated(String signingKey, String encryptionKey, String wrappedDecryptionKey, Instant at)
      implements Event {}

  public record AccessKeyAdded(String accessKeyId) implements Event {}

  public record AccessKeyRemoved(String accessKeyId) implements Event {}

  /** {@code accessKeys}: sorted, without duplicates (null, from a snapshot taken before keys existed, reads as empty). */
  public record State(
      String signingKey, String encryptionKey, String wrappedDecryptionKey, Instant createdAt, List<String> accessKeys)
      implements CborSerializable {
    public State {
      accessKeys = accessKeys == null ? List.of() : List.copyOf(new TreeSet<>(accessKeys));
    }

    boolean exists() {
      return signingKey != null;
    }

    State withAccessKeys(List<String> keys) {
      return new State(signingKey, encryptionKey, wrappedDecryptionKey, createdAt, keys);
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
    return new State(null, null, null, null, List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // access keys come and go over an account's life: keep recovery short
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), details(state)))
        .onCommand(AddAccessKey.class, this::onAddAccessKey)
        .onCommand(RemoveAccessKey.class, this::onRemoveAccessKey)
        .build();
  }

  private ReplyEffect<Event, State> onAddAccessKey(State state, AddAccessKey cmd) {
    if (!state.exists() || state.accessKeys().contains(cmd.accessKeyId())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new AccessKeyAdded(cmd.accessKeyId())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onRemoveAccessKey(State state, RemoveAccessKey cmd) {
    if (!state.accessKeys().contains(cmd.accessKeyId())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new AccessKeyRemoved(cmd.accessKeyId())).thenReply(cmd.replyTo(), s -> Done.getInstance());
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
    return new Details(
        accountId, s.exists() ? "active" : "none", s.signingKey(), s.encryptionKey(), s.wrappedDecryptionKey(), s.createdAt(),
        s.accessKeys());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(AccountCreated.class,
            (s, e) -> new State(e.signingKey(), e.encryptionKey(), e.wrappedDecryptionKey(), e.at(), s.accessKeys()))
        .onEvent(AccessKeyAdded.class, (s, e) -> {
          List<String> keys = new java.util.ArrayList<>(s.accessKeys());
          keys.add(e.accessKeyId());
          return s.withAccessKeys(keys);
        })
        .onEvent(AccessKeyRemoved.class, (s, e) -> {
          List<String> keys = new java.util.ArrayList<>(s.accessKeys());
          keys.remove(e.accessKeyId());
          return s.withAccessKeys(keys);
        })
        .build();
  }
}
