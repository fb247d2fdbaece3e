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
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An S3 multipart upload (identity: its upload id): the bucket, key and owner it will complete
 * into, and its parts so far, each stored as a File of its own. Lifecycle: {@code open} after
 * Initiate, then {@code completed} or {@code aborted}; parts can only be added while open. The
 * caller releases the parts' files when the upload ends (and a part replaced by a re-upload of
 * the same number).
 */
public final class MultipartUpload
    extends EventSourcedBehaviorWithEnforcedReplies<MultipartUpload.Command, MultipartUpload.Event, MultipartUpload.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "MultipartUpload");

  /** S3's limit on part numbers. */
  public static final int MAX_PARTS = 10_000;

  public sealed interface Command extends CborSerializable {}

  public record Initiate(
      String bucket, String key, String owner, String contentType, Map<String, String> metadata, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /** Records a stored part; replies with the part it replaced (to release), or null. */
  public record AddPart(int partNumber, Part part, ActorRef<StatusReply<PartReplaced>> replyTo) implements Command {}

  /** Ends the upload (completed or aborted); replies with its last state, parts included. */
  public record Finish(boolean completed, ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record Get(ActorRef<State> replyTo) implements Command {}

  /** One stored part: its file, size, and MD5 (the part's ETag, hex). */
  public record Part(String fileId, long sizeBytes, String etag, Instant storedAt) implements CborSerializable {}

  public record PartReplaced(Part previous) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record Initiated(String bucket, String key, String owner, String contentType, Map<String, String> metadata, Instant at)
      implements Event {}

  public record PartAdded(int partNumber, Part part) implements Event {}

  public record Finished(boolean completed, Instant at) implements Event {}

  /** {@code status}: none, open, completed or aborted. */
  public record State(
      String status, String bucket, String key, String owner, String contentType, Map<String, String> metadata,
      Instant initiatedAt, TreeMap<Integer, Part> parts)
      implements CborSerializable {
    public boolean open() {
      return status.equals("open");
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String uploadId) {
    return new MultipartUpload(uploadId);
  }

  private MultipartUpload(String uploadId) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), uploadId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  @Override
  public State emptyState() {
    return new State("none", null, null, null, null, Map.of(), null, new TreeMap<>());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Initiate.class,
            (state, cmd) ->
                !state.status().equals("none")
                    ? Effect().reply(cmd.replyTo(), StatusReply.error("upload already initiated"))
                    : Effect()
                        .persist(new Initiated(cmd.bucket(), cmd.key(), cmd.owner(), cmd.contentType(), cmd.metadata(), Instant.now()))
                        .thenReply(cmd.replyTo(), StatusReply::success))
        .onCommand(AddPart.class, this::onAddPart)
        .onCommand(
            Finish.class,
            (state, cmd) ->
                !state.open()
                    ? Effect().reply(cmd.replyTo(), StatusReply.error("NoSuchUpload"))
                    : Effect().persist(new Finished(cmd.completed(), Instant.now())).thenReply(cmd.replyTo(), StatusReply::success))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .build();
  }

  private ReplyEffect<Event, State> onAddPart(State state, AddPart cmd) {
    if (!state.open()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("NoSuchUpload"));
    }
    if (cmd.partNumber() < 1 || cmd.partNumber() > MAX_PARTS) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("InvalidArgument"));
    }
    Part previous = state.parts().get(cmd.partNumber());
    return Effect().persist(new PartAdded(cmd.partNumber(), cmd.part())).thenReply(cmd.replyTo(), s -> StatusReply.success(new PartReplaced(previous)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Initiated.class,
            (s, e) -> new State("open", e.bucket(), e.key(), e.owner(), e.contentType(), e.metadata(), e.at(), new TreeMap<>()))
        .onEvent(
            PartAdded.class,
            (s, e) -> {
              TreeMap<Integer, Part> parts = new TreeMap<>(s.parts());
              parts.put(e.partNumber(), e.part());
              return new State(s.status(), s.bucket(), s.key(), s.owner(), s.contentType(), s.metadata(), s.initiatedAt(), parts);
            })
        .onEvent(
            Finished.class,
            (s, e) -> new State(e.completed() ? "completed" : "aborted", s.bucket(), s.key(), s.owner(), s.contentType(), s.metadata(),
                s.initiatedAt(), s.parts()))
        .build();
  }
}
