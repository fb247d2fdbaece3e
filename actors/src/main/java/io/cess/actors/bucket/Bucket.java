package io.cess.actors.bucket;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A named bucket: object keys mapped to stored files, and the storage policy its new objects are
 * written with (null: the cluster default). Lifecycle: it exists from its first stored object or
 * policy (owners arrive with accounts and the S3 API). Keys are kept sorted so that listings by
 * prefix are cheap.
 */
public final class Bucket
    extends EventSourcedBehaviorWithEnforcedReplies<Bucket.Command, Bucket.Event, Bucket.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Bucket");

  public static final int MAX_LIST = 1000;

  public sealed interface Command extends CborSerializable {}

  public record PutObject(String key, ObjectEntry entry, ActorRef<ObjectReplaced> replyTo)
      implements Command {}

  public record GetObject(String key, ActorRef<ObjectLookup> replyTo) implements Command {}

  public record DeleteObject(String key, ActorRef<ObjectLookup> replyTo) implements Command {}

  public record ListObjects(String prefix, int maxKeys, ActorRef<ObjectListing> replyTo)
      implements Command {}

  /** Sets the policy for objects written from now on ({@code ec:K+M} or {@code replicas:N}). */
  public record SetPolicy(String policy, ActorRef<StatusReply<BucketPolicy>> replyTo) implements Command {}

  public record GetPolicy(ActorRef<BucketPolicy> replyTo) implements Command {}

  /** Reply: the bucket's policy, null when it uses the cluster default. */
  public record BucketPolicy(String policy) implements CborSerializable {}

  /** Reply to a put: the entry that the key held before, or null. */
  public record ObjectReplaced(ObjectEntry previous) implements CborSerializable {}

  /** Reply: the entry under a key (for delete: the one removed), or null when there is none. */
  public record ObjectLookup(ObjectEntry entry) implements CborSerializable {}

  public record ListedObject(String key, ObjectEntry entry) implements CborSerializable {}

  public record ObjectListing(List<ListedObject> objects, boolean truncated)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record ObjectStored(String key, ObjectEntry entry) implements Event {}

  public record ObjectRemoved(String key) implements Event {}

  public record PolicySet(String policy) implements Event {}

  /** The objects by key (updated in place by the event handler: never shared) and the policy. */
  public record State(TreeMap<String, ObjectEntry> objects, String policy) implements CborSerializable {}

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String bucket) {
    return new Bucket(bucket);
  }

  private Bucket(String bucket) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), bucket),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  @Override
  public State emptyState() {
    return new State(new TreeMap<>(), null);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(PutObject.class, this::onPut)
        .onCommand(
            GetObject.class,
            (state, cmd) ->
                Effect().reply(cmd.replyTo(), new ObjectLookup(state.objects().get(cmd.key()))))
        .onCommand(DeleteObject.class, this::onDelete)
        .onCommand(ListObjects.class, this::onList)
        .onCommand(
            SetPolicy.class,
            (state, cmd) -> {
              try {
                io.cess.core.policy.StoragePolicy.parse(cmd.policy());
              } catch (IllegalArgumentException e) {
                return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
              }
              return Effect()
                  .persist(new PolicySet(cmd.policy()))
                  .thenReply(cmd.replyTo(), s -> StatusReply.success(new BucketPolicy(s.policy())));
            })
        .onCommand(GetPolicy.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new BucketPolicy(state.policy())))
        .build();
  }

  private ReplyEffect<Event, State> onPut(State state, PutObject cmd) {
    ObjectEntry previous = state.objects().get(cmd.key());
    return Effect()
        .persist(new ObjectStored(cmd.key(), cmd.entry()))
        .thenReply(cmd.replyTo(), s -> new ObjectReplaced(previous));
  }

  private ReplyEffect<Event, State> onDelete(State state, DeleteObject cmd) {
    ObjectEntry existing = state.objects().get(cmd.key());
    if (existing == null) {
      return Effect().reply(cmd.replyTo(), new ObjectLookup(null));
    }
    return Effect()
        .persist(new ObjectRemoved(cmd.key()))
        .thenReply(cmd.replyTo(), s -> new ObjectLookup(existing));
  }

  private ReplyEffect<Event, State> onList(State state, ListObjects cmd) {
    int max = Math.max(0, Math.min(cmd.maxKeys(), MAX_LIST));
    List<ListedObject> out = new ArrayList<>();
    boolean truncated = false;
    for (Map.Entry<String, ObjectEntry> e : state.objects().tailMap(cmd.prefix(), true).entrySet()) {
      if (!e.getKey().startsWith(cmd.prefix())) {
        break;
      }
      if (out.size() == max) {
        truncated = true;
        break;
      }
      out.add(new ListedObject(e.getKey(), e.getValue()));
    }
    return Effect().reply(cmd.replyTo(), new ObjectListing(out, truncated));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ObjectStored.class,
            (s, e) -> {
              s.objects().put(e.key(), e.entry());
              return s;
            })
        .onEvent(
            ObjectRemoved.class,
            (s, e) -> {
              s.objects().remove(e.key());
              return s;
            })
        .onEvent(PolicySet.class, (s, e) -> new State(s.objects(), e.policy()))
        .build();
  }
}
