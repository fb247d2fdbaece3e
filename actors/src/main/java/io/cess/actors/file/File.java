package io.cess.actors.file;

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
import io.cess.core.policy.StoragePolicy;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * A stored file, identified by its content fingerprint. Lifecycle: {@code empty} until the first
 * upload of this content records its manifest ({@code stored}); later uploads of the same content
 * only add a reference (dedup), and their own shards are removed by the caller; an upload with a
 * policy that tolerates more lost shards (a push) replaces the manifest instead, and the caller
 * removes the old one's shards. When the last reference (bucket/key) is released the file is
 * {@code deleted} and the caller removes its shards; the manifest is kept until the removal is
 * confirmed ({@code ShardsRemoved}), so that a removal cut short is retried by the repair scan.
 * The same content may be stored again later.
 * While stored, repairs replace lost or corrupt shards with rebuilt copies on other miners.
 */
public final class File
    extends EventSourcedBehaviorWithEnforcedReplies<File.Command, File.Event, File.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "File");

  public sealed interface Command extends CborSerializable {}

  /** Records the manifest (first upload) or adds {@code reference} to the stored one. */
  public record RecordUpload(Manifest manifest, String reference, ActorRef<StatusReply<Recorded>> replyTo)
      implements Command {}

  /** Reply: the manifest now stored; {@code deduplicated} when the content was already stored. */
  /**
   * Reply to {@link RecordUpload}: the manifest the file now has; {@code deduplicated} when the
   * content was stored already (the upload's own shards are surplus); {@code superseded} the
   * weaker manifest this upload replaced (its shards are surplus now), else null.
   */
  public record Recorded(Manifest manifest, boolean deduplicated, Manifest superseded) implements CborSerializable {
    public Recorded(Manifest manifest, boolean deduplicated) {
      this(manifest, deduplicated, null);
    }
  }

  public record GetManifest(ActorRef<ManifestLookup> replyTo) implements Command {}

  public record ReleaseReference(String reference, ActorRef<Released> replyTo) implements Command {}

  /** The shards of a deleted file still to be removed (a null manifest when none are). */
  public record GetPendingRemoval(ActorRef<ManifestLookup> replyTo) implements Command {}

  /** Every shard of the deleted file is gone from its holder. */
  public record ConfirmRemoval(ActorRef<akka.Done> replyTo) implements Command {}

  /** Records rebuilt shards of one segment on their new holders (replacing the lost ones). */
  public record RecordRepair(int segmentIndex, List<Manifest.Shard> rebuilt, ActorRef<StatusReply<Manifest>> replyTo)
      implements Command {}

  /** Reply: the manifest, or null when the file is not stored. */
  public record ManifestLookup(Manifest manifest) implements CborSerializable {}

  /**
   * Reply: whether releasing removed the file; if so {@code manifest} names the shards to remove.
   */
  public record Released(boolean fileDeleted, Manifest manifest) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record FileStored(Manifest manifest, String reference) implements Event {}

  public record ReferenceAdded(String reference) implements Event {}

  /**
   * The content, stored already, was uploaded again with a policy that tolerates more lost
   * shards: the new manifest replaces the old one (whose shards the uploader removes), and the
   * upload's reference is added.
   */
  public record ManifestStrengthened(Manifest manifest, String reference) implements Event {}

  public record ReferenceReleased(String reference) implements Event {}

  public record FileDeleted(String fileId) implements Event {}

  public record ShardsRemoved(String fileId) implements Event {}

  public record ShardsRepaired(int segmentIndex, List<Manifest.Shard> rebuilt, java.time.Instant at) implements Event {}

  /** {@code manifest} is null unless stored. */
  public record State(String status, Manifest manifest, TreeSet<String> references)
      implements CborSerializable {
    static State empty() {
      return new State("empty", null, new TreeSet<>());
    }

    boolean stored() {
      return status.equals("stored");
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String fileId) {
    return new File(fileId);
  }

  private final String fileId;

  private File(String fileId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), fileId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.fileId = fileId;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordUpload.class, this::onRecordUpload)
        .onCommand(
            GetManifest.class,
            (state, cmd) ->
                Effect()
                    .reply(cmd.replyTo(), new ManifestLookup(state.stored() ? state.manifest() : null)))
        .onCommand(ReleaseReference.class, this::onRelease)
        .onCommand(RecordRepair.class, this::onRecordRepair)
        .onCommand(
            GetPendingRemoval.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new ManifestLookup(removalPending(state) ? state.manifest() : null)))
        .onCommand(
            ConfirmRemoval.class,
            (state, cmd) ->
                removalPending(state)
                    ? Effect().persist(new ShardsRemoved(fileId)).thenReply(cmd.replyTo(), s -> akka.Done.getInstance())
                    : Effect().reply(cmd.replyTo(), akka.Done.getInstance()))
        .build();
  }

  private ReplyEffect<Event, State> onRecordUpload(State state, RecordUpload cmd) {
    if (!cmd.manifest().fileId().equals(fileId)) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error("manifest of " + cmd.manifest().fileId() + " sent to file " + fileId));
    }
    if (!state.stored()) {
      return Effect()
          .persist(new FileStored(cmd.manifest(), cmd.reference()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(new Recorded(s.manifest(), false)));
    }
    if (stronger(cmd.manifest(), state.manifest())) {
      Manifest weaker = state.manifest();
      return Effect()
          .persist(new ManifestStrengthened(cmd.manifest(), cmd.reference()))
          .thenReply(cmd.replyTo(), s -> StatusReply.success(new Recorded(s.manifest(), false, weaker)));
    }
    if (state.references().contains(cmd.reference())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(new Recorded(state.manifest(), true)));
    }
    return Effect()
        .persist(new ReferenceAdded(cmd.reference()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Recorded(s.manifest(), true)));
  }

  /** Whether {@code upload} survives more lost shards than the stored {@code current}. */
  static boolean stronger(Manifest upload, Manifest current) {
    StoragePolicy asked = StoragePolicy.parse(upload.policy());
    StoragePolicy stored = StoragePolicy.parse(current.policy());
    return !stored.toleratesAtLeast(asked);
  }

  private static boolean removalPending(State state) {
    return state.status().equals("deleted") && state.manifest() != null;
  }

  private ReplyEffect<Event, State> onRecordRepair(State state, RecordRepair cmd) {
    if (!state.stored()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("file " + fileId + " is not stored"));
    }
    if (cmd.segmentIndex() < 0 || cmd.segmentIndex() >= state.manifest().segments().size()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("no segment " + cmd.segmentIndex()));
    }
    Manifest.Segment segment = state.manifest().segments().get(cmd.segmentIndex());
    for (Manifest.Shard s : cmd.rebuilt()) {
      if (s.index() < 0 || s.index() >= segment.shards().size() || !segment.shards().get(s.index()).merkleRoot().equals(s.merkleRoot())) {
        return Effect().reply(cmd.replyTo(), StatusReply.error("shard " + s.index() + " does not belong to segment " + cmd.segmentIndex()));
      }
    }
    return Effect()
        .persist(new ShardsRepaired(cmd.segmentIndex(), cmd.rebuilt(), java.time.Instant.now()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.manifest()));
  }

  static Manifest withShards(Manifest m, int segmentIndex, List<Manifest.Shard> rebuilt) {
    List<Manifest.Segment> segments = new java.util.ArrayList<>(m.segments());
    Manifest.Segment seg = segments.get(segmentIndex);
    List<Manifest.Shard> shards = new java.util.ArrayList<>(seg.shards());
    for (Manifest.Shard s : rebuilt) {
      shards.set(s.index(), s);
    }
    segments.set(segmentIndex, new Manifest.Segment(seg.index(), seg.sizeBytes(), seg.sha256(), seg.cipherSizeBytes(), List.copyOf(shards)));
    return new Manifest(
        m.fileId(), m.sizeBytes(), m.sha256(), m.segmentSizeBytes(), m.policy(), m.uploadId(), m.wrappedKey(), List.copyOf(segments), m.createdAt(), m.keyOwner());
  }

  private ReplyEffect<Event, State> onRelease(State state, ReleaseReference cmd) {
    if (!state.stored() || !state.references().contains(cmd.reference())) {
      return Effect().reply(cmd.replyTo(), new Released(false, null));
    }
    Manifest manifest = state.manifest();
    if (state.references().size() > 1) {
      return Effect()
          .persist(new ReferenceReleased(cmd.reference()))
          .thenReply(cmd.replyTo(), s -> new Released(false, null));
    }
    return Effect()
        .persist(List.of(new ReferenceReleased(cmd.reference()), new FileDeleted(fileId)))
        .thenReply(cmd.replyTo(), s -> new Released(true, manifest));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            FileStored.class,
            (s, e) -> new State("stored", e.manifest(), new TreeSet<>(List.of(e.reference()))))
        .onEvent(
            ReferenceAdded.class,
            (s, e) -> {
              TreeSet<String> refs = new TreeSet<>(s.references());
              refs.add(e.reference());
              return new State(s.status(), s.manifest(), refs);
            })
        .onEvent(
            ReferenceReleased.class,
            (s, e) -> {
              TreeSet<String> refs = new TreeSet<>(s.references());
              refs.remove(e.reference());
              return new State(s.status(), s.manifest(), refs);
            })
        .onEvent(
            ManifestStrengthened.class,
            (s, e) -> {
              TreeSet<String> refs = new TreeSet<>(s.references());
              refs.add(e.reference());
              return new State(s.status(), e.manifest(), refs);
            })
        .onEvent(FileDeleted.class, (s, e) -> new State("deleted", s.manifest(), new TreeSet<>()))
        .onEvent(ShardsRemoved.class, (s, e) -> new State("deleted", null, new TreeSet<>()))
        .onEvent(
            ShardsRepaired.class,
            (s, e) -> new State(s.status(), withShards(s.manifest(), e.segmentIndex(), e.rebuilt()), s.references()))
        .build();
  }
}
