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
 * policy, or from being created or claimed by an owner account, who may grant other accounts
 * read or write access ({@link #allows}). Keys are kept sorted so that listings by prefix are
 * cheap.
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

  /**
   * Creates the bucket for {@code owner} (S3 CreateBucket). Refused when it exists: with {@code
   * BucketAlreadyOwnedByYou} for the same owner, else {@code BucketAlreadyExists} (also for a
   * bucket that native uploads filled without an owner).
   */
  public record CreateBucket(String owner, ActorRef<StatusReply<BucketInfo>> replyTo) implements Command {}

  /** Deletes the (empty) bucket: refused with {@code BucketNotEmpty}, or {@code AccessDenied}. */
  public record DeleteBucket(String owner, ActorRef<StatusReply<akka.Done>> replyTo) implements Command {}

  public record GetInfo(ActorRef<BucketInfo> replyTo) implements Command {}

  /**
   * Creates the bucket for {@code owner} unless it exists; replies with the bucket as it then is
   * (whoever owns it). The native API's first write into a new bucket claims it.
   */
  public record Claim(String owner, ActorRef<BucketInfo> replyTo) implements Command {}

  /** The owner ({@code by}) grants {@code account} READ or WRITE; refused with {@code AccessDenied}. */
  public record Grant(String by, String account, Access access, ActorRef<StatusReply<BucketInfo>> replyTo)
      implements Command {}

  /** The owner ({@code by}) takes {@code account}'s grant back; refused with {@code AccessDenied}. */
  public record Revoke(String by, String account, ActorRef<StatusReply<BucketInfo>> replyTo) implements Command {}

  /** What an account may do in a bucket: READ (get, list), WRITE (also put, delete), OWNER (all). */
  public enum Access { READ, WRITE, OWNER }

  /**
   * Reply: whether the bucket exists (created, or holding objects or a policy), its owner (null:
   * a bucket of anonymous uploads, open to all) and the accounts it grants access to.
   */
  public record BucketInfo(boolean exists, String owner, java.time.Instant createdAt, int objects, Map<String, Access> grants)
      implements CborSerializable {

    /** Whether {@code account} (null: anonymous) may do what {@code needed} takes. */
    public boolean allows(String account, Access needed) {
      if (owner == null || owner.equals(account)) {
        return true;
      }
      Access granted = account == null ? null : grants.get(account);
      return granted != null && needed != Access.OWNER && (granted == Access.WRITE || needed == Access.READ);
    }
  }

  /**
   * One page of an S3-style listing: keys after {@code startAfter} (null: from the start) under
   * {@code prefix}; with a {@code delimiter}, keys that have it after the prefix are rolled up
   * into common prefixes. Keys and prefixes together are at most {@code maxKeys}.
   */
  public record ListPage(String prefix, String delimiter, String startAfter, int maxKeys, ActorRef<ObjectPage> replyTo)
      implements Command {}

  /** Reply: the page; {@code nextStartAfter} continues it when {@code truncated}. */
  public record ObjectPage(List<ListedObject> objects, List<String> commonPrefixes, boolean truncated, String nextStartAfter)
      implements CborSerializable {}

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

  public record BucketCreated(String owner, java.time.Instant at) implements Event {}

  public record BucketDeleted(java.time.Instant at) implements Event {}

  public record AccessGranted(String account, Access access) implements Event {}

  public record AccessRevoked(String account) implements Event {}

  /**
   * The objects by key (updated in place by the event handler: never shared), the policy, and
   * the owner and creation time once created or claimed (null for buckets that anonymous
   * uploads brought into being), and the grants to other accounts.
   */
  public record State(
      TreeMap<String, ObjectEntry> objects, String policy, String owner, java.time.Instant createdAt, TreeMap<String, Access> grants)
      implements CborSerializable {
    public State {
      grants = grants == null ? new TreeMap<>() : grants; // snapshots from before grants existed
    }

    boolean exists() {
      return createdAt != null || !objects.isEmpty() || policy != null;
    }
  }

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
    return new State(new TreeMap<>(), null, null, null, new TreeMap<>());
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
        .onCommand(GetInfo.class, (state, cmd) -> Effect().reply(cmd.replyTo(), info(state)))
        .onCommand(CreateBucket.class, this::onCreate)
        .onCommand(DeleteBucket.class, this::onDeleteBucket)
        .onCommand(
            Claim.class,
            (state, cmd) -> state.exists()
                ? Effect().reply(cmd.replyTo(), info(state))
                : Effect().persist(new BucketCreated(cmd.owner(), java.time.Instant.now())).thenReply(cmd.replyTo(), Bucket::info))
        .onCommand(Grant.class, this::onGrant)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(ListPage.class, (state, cmd) -> Effect().reply(cmd.replyTo(), page(state, cmd)))
        .build();
  }

  private static BucketInfo info(State s) {
    return new BucketInfo(s.exists(), s.owner(), s.createdAt(), s.objects().size(), Map.copyOf(s.grants()));
  }

  private ReplyEffect<Event, State> onGrant(State state, Grant cmd) {
    return ownerOnly(state, cmd.by(), cmd.replyTo()).orElseGet(() -> cmd.access() == Access.OWNER || cmd.account().equals(state.owner())
        ? Effect().reply(cmd.replyTo(), StatusReply.error("InvalidArgument"))
        : Effect().persist(new AccessGranted(cmd.account(), cmd.access())).thenReply(cmd.replyTo(), s -> StatusReply.success(info(s))));
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke cmd) {
    return ownerOnly(state, cmd.by(), cmd.replyTo()).orElseGet(() -> !state.grants().containsKey(cmd.account())
        ? Effect().reply(cmd.replyTo(), StatusReply.success(info(state)))
        : Effect().persist(new AccessRevoked(cmd.account())).thenReply(cmd.replyTo(), s -> StatusReply.success(info(s))));
  }

  /** The refusal of a grant change by anyone but the owner of an existing, owned bucket. */
  private java.util.Optional<ReplyEffect<Event, State>> ownerOnly(State state, String by, ActorRef<StatusReply<BucketInfo>> replyTo) {
    if (!state.exists()) {
      return java.util.Optional.of(Effect().reply(replyTo, StatusReply.error("NoSuchBucket")));
    }
    return state.owner() == null || !state.owner().equals(by)
        ? java.util.Optional.of(Effect().reply(replyTo, StatusReply.error("AccessDenied")))
        : java.util.Optional.empty();
  }

  private ReplyEffect<Event, State> onCreate(State state, CreateBucket cmd) {
    if (state.exists()) {
      boolean mine = cmd.owner() != null && cmd.owner().equals(state.owner());
      return Effect().reply(cmd.replyTo(), StatusReply.error(mine ? "BucketAlreadyOwnedByYou" : "BucketAlreadyExists"));
    }
    return Effect()
        .persist(new BucketCreated(cmd.owner(), java.time.Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(info(s)));
  }

  private ReplyEffect<Event, State> onDeleteBucket(State state, DeleteBucket cmd) {
    if (!state.exists()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("NoSuchBucket"));
    }
    if (state.owner() != null && !state.owner().equals(cmd.owner())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("AccessDenied"));
    }
    if (!state.objects().isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("BucketNotEmpty"));
    }
    return Effect()
        .persist(new BucketDeleted(java.time.Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  static ObjectPage page(State state, ListPage cmd) {
    String prefix = cmd.prefix() == null ? "" : cmd.prefix();
    String delimiter = cmd.delimiter() == null || cmd.delimiter().isEmpty() ? null : cmd.delimiter();
    int max = Math.max(0, Math.min(cmd.maxKeys(), MAX_LIST));
    String after = cmd.startAfter();
    // a page that ended on a common prefix continues after every key under it
    String skipUnder = after != null && delimiter != null && after.startsWith(prefix) && after.endsWith(delimiter) ? after : null;
    java.util.SortedMap<String, ObjectEntry> tail =
        after != null && after.compareTo(prefix) >= 0 ? state.objects().tailMap(after) : state.objects().tailMap(prefix);
    List<ListedObject> objects = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    for (Map.Entry<String, ObjectEntry> e : tail.entrySet()) {
      String key = e.getKey();
      if (after != null && key.compareTo(after) <= 0 || skipUnder != null && key.startsWith(skipUnder)) {
        continue;
      }
      if (!key.startsWith(prefix)) {
        break;
      }
      int at = delimiter == null ? -1 : key.indexOf(delimiter, prefix.length());
      String item = at < 0 ? key : key.substring(0, at + delimiter.length());
      if (at >= 0 && item.equals(last)) {
        continue; // more keys under the prefix just rolled up
      }
      if (objects.size() + prefixes.size() == max) {
        return new ObjectPage(objects, prefixes, true, last);
      }
      if (at < 0) {
        objects.add(new ListedObject(key, e.getValue()));
      } else {
        prefixes.add(item);
      }
      last = item;
    }
    return new ObjectPage(objects, prefixes, false, null);
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
        .onEvent(PolicySet.class, (s, e) -> new State(s.objects(), e.policy(), s.owner(), s.createdAt(), s.grants()))
        .onEvent(BucketCreated.class, (s, e) -> new State(s.objects(), s.policy(), e.owner(), e.at(), s.grants()))
        .onEvent(BucketDeleted.class, (s, e) -> new State(new TreeMap<>(), null, null, null, new TreeMap<>()))
        .onEvent(
            AccessGranted.class,
            (s, e) -> {
              s.grants().put(e.account(), e.access());
              return s;
            })
        .onEvent(
            AccessRevoked.class,
            (s, e) -> {
              s.grants().remove(e.account());
              return s;
            })
        .build();
  }
}
