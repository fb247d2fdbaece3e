package io.cess.actors.bucket;

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
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The multipart uploads in progress in one bucket (identity: the bucket's name), for S3's
 * ListMultipartUploads: each upload is recorded once its {@link MultipartUpload} is open and
 * forgotten once it has completed or been aborted. The upload entity stays the authority: a
 * listing checks each upload it returns against it, so that an upload whose forgetting did not
 * happen (a crash between the two steps) is never listed, and is forgotten then.
 *
 * <p>Uploads are ordered by key, then by upload id; upload ids begin with their creation time,
 * so that within a key they list in initiation order, as on S3.
 */
public final class BucketUploads
    extends EventSourcedBehaviorWithEnforcedReplies<BucketUploads.Command, BucketUploads.Event, BucketUploads.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "BucketUploads");

  /** The most uploads one listing page holds, as on S3. */
  public static final int MAX_LIST = 1000;

  /** Between key and upload id in the state's keys: object keys hold no control characters. */
  private static final char SEPARATOR = '\u0000';

  public sealed interface Command extends CborSerializable {}

  /** Records an open upload; recording it again changes nothing. */
  public record RecordUpload(OpenUpload upload, ActorRef<Done> replyTo) implements Command {}

  /** Forgets an upload that has ended; forgetting an unknown one changes nothing. */
  public record ForgetUpload(String key, String uploadId, ActorRef<Done> replyTo) implements Command {}

  /**
   * One page of the uploads under {@code prefix}, after {@code keyMarker} (and, for that key,
   * after {@code uploadIdMarker}); with a {@code delimiter}, keys that have it after the prefix
   * are rolled up into common prefixes. Uploads and prefixes together are at most {@code
   * maxUploads}.
   */
  public record ListUploads(
      String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads, ActorRef<UploadPage> replyTo)
      implements Command {}

  /** An upload in progress: its key, id, owner and when it was initiated. */
  public record OpenUpload(String key, String uploadId, String owner, Instant initiatedAt) implements CborSerializable {}

  /** Reply: a page; {@code nextKeyMarker} and {@code nextUploadIdMarker} continue it when {@code truncated}. */
  public record UploadPage(
      List<OpenUpload> uploads, List<String> commonPrefixes, boolean truncated, String nextKeyMarker, String nextUploadIdMarker)
      implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record UploadRecorded(OpenUpload upload) implements Event {}

  public record UploadForgotten(String key, String uploadId) implements Event {}

  /** The open uploads by key and upload id (updated in place by the event handler: never shared). */
  public record State(TreeMap<String, OpenUpload> uploads) implements CborSerializable {}

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String bucket) {
    return new BucketUploads(bucket);
  }

  private BucketUploads(String bucket) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), bucket),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  @Override
  public State emptyState() {
    return new State(new TreeMap<>());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordUpload.class, this::onRecord)
        .onCommand(ForgetUpload.class, this::onForget)
        .onCommand(ListUploads.class, (state, cmd) -> Effect().reply(cmd.replyTo(), page(state, cmd)))
        .build();
  }

  private ReplyEffect<Event, State> onRecord(State state, RecordUpload cmd) {
    if (state.uploads().containsKey(entryKey(cmd.upload().key(), cmd.upload().uploadId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new UploadRecorded(cmd.upload())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onForget(State state, ForgetUpload cmd) {
    if (!state.uploads().containsKey(entryKey(cmd.key(), cmd.uploadId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new UploadForgotten(cmd.key(), cmd.uploadId())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(UploadRecorded.class, (s, e) -> {
          s.uploads().put(entryKey(e.upload().key(), e.upload().uploadId()), e.upload());
          return s;
        })
        .onEvent(UploadForgotten.class, (s, e) -> {
          s.uploads().remove(entryKey(e.key(), e.uploadId()));
          return s;
        })
        .build();
  }

  private static String entryKey(String key, String uploadId) {
    return key + SEPARATOR + uploadId;
  }

  static UploadPage page(State state, ListUploads cmd) {
    String prefix = cmd.prefix() == null ? "" : cmd.prefix();
    String delimiter = cmd.delimiter() == null || cmd.delimiter().isEmpty() ? null : cmd.delimiter();
    int max = Math.max(0, Math.min(cmd.maxUploads(), MAX_LIST));
    String keyMarker = cmd.keyMarker() == null || cmd.keyMarker().isEmpty() ? null : cmd.keyMarker();
    // S3: the upload-id marker counts only with a key marker; without one, every upload of the key marker is passed
    String from = keyMarker == null
        ? prefix
        : cmd.uploadIdMarker() != null && !cmd.uploadIdMarker().isEmpty()
            ? entryKey(keyMarker, cmd.uploadIdMarker()) + SEPARATOR
            : keyMarker + (char) (SEPARATOR + 1);
    // a page that ended on a common prefix continues after every key under it
    String skipUnder = keyMarker != null && delimiter != null && keyMarker.startsWith(prefix) && keyMarker.endsWith(delimiter) ? keyMarker : null;
    SortedMap<String, OpenUpload> tail = state.uploads().tailMap(from.compareTo(prefix) >= 0 ? from : prefix);
    List<OpenUpload> uploads = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String nextKey = null;
    String nextUploadId = null;
    for (Map.Entry<String, OpenUpload> e : tail.entrySet()) {
      OpenUpload upload = e.getValue();
      String key = upload.key();
      if (!key.startsWith(prefix)) {
        break;
      }
      if (skipUnder != null && key.startsWith(skipUnder)) {
        continue;
      }
      String rolledUp = null;
      if (delimiter != null) {
        int at = key.indexOf(delimiter, prefix.length());
        if (at >= 0) {
          rolledUp = key.substring(0, at + delimiter.length());
        }
      }
      if (rolledUp != null && !prefixes.isEmpty() && prefixes.get(prefixes.size() - 1).equals(rolledUp)) {
        continue;
      }
      if (uploads.size() + prefixes.size() == max) {
        return new UploadPage(uploads, prefixes, true, nextKey, nextUploadId);
      }
      if (rolledUp != null) {
        prefixes.add(rolledUp);
        nextKey = rolledUp;
        nextUploadId = null;
      } else {
        uploads.add(upload);
        nextKey = key;
        nextUploadId = upload.uploadId();
      }
    }
    return new UploadPage(uploads, prefixes, false, null, null);
  }
}
