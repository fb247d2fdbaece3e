package io.cess.actors.file;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.file.File.Command;
import io.cess.actors.file.File.Event;
import io.cess.actors.file.File.FileDeleted;
import io.cess.actors.file.File.FileStored;
import io.cess.actors.file.File.GetManifest;
import io.cess.actors.file.File.ManifestLookup;
import io.cess.actors.file.File.RecordUpload;
import io.cess.actors.file.File.ReferenceAdded;
import io.cess.actors.file.File.ReferenceReleased;
import io.cess.actors.file.File.ReleaseReference;
import io.cess.actors.file.File.Released;
import io.cess.actors.file.File.State;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class FileTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private static final String CONTENT = "the quick brown fox jumps over the lazy dog";
  private static final Manifest FIRST_UPLOAD =
      SampleManifests.of(CONTENT, 16, "first", Instant.parse("2024-01-01T10:00:00.123456Z"));

  /** The same content uploaded later and placed elsewhere: same id, different manifest. */
  private static final Manifest SECOND_UPLOAD =
      SampleManifests.of(CONTENT, 16, "second", Instant.parse("2024-02-01T10:00:00Z"));

  private EventSourcedBehaviorTestKit<Command, Event, State> file;

  @Before
  public void freshJournal() {
    file =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            File.create(FIRST_UPLOAD.fileId()),
            UnitTestConfig.strictSerialization());
    file.clear();
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> upload(
      Manifest manifest, String reference) {
    return file.runCommand(replyTo -> new RecordUpload(manifest, reference, replyTo));
  }

  private CommandResultWithReply<Command, Event, State, Released> release(String reference) {
    return file.runCommand(replyTo -> new ReleaseReference(reference, replyTo));
  }

  private Manifest lookup() {
    CommandResultWithReply<Command, Event, State, ManifestLookup> r =
        file.runCommand(GetManifest::new);
    assertTrue(r.hasNoEvents());
    return r.reply().manifest();
  }

  private static Manifest success(StatusReply<File.Recorded> reply) {
    assertTrue("expected success, got " + reply, reply.isSuccess());
    return reply.getValue().manifest();
  }

  private static boolean deduplicated(StatusReply<File.Recorded> reply) {
    return reply.getValue().deduplicated();
  }

  @Test
  public void fixturesDescribeTheSameContentDifferently() {
    assertEquals(FIRST_UPLOAD.fileId(), SECOND_UPLOAD.fileId());
    assertNotEquals(FIRST_UPLOAD, SECOND_UPLOAD);
    assertEquals(3, FIRST_UPLOAD.segments().size());
  }

  @Test
  public void anEmptyFileHasNoManifest() {
    assertNull(lookup());
    assertEquals("empty", file.getState().status());
  }

  @Test
  public void theFirstUploadStoresTheManifest() {
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> r =
        upload(FIRST_UPLOAD, "photos/cat.jpg");
    assertEquals(FIRST_UPLOAD, success(r.reply()));
    assertEquals(new FileStored(FIRST_UPLOAD, "photos/cat.jpg"), r.event());
    assertEquals(
        new State("stored", FIRST_UPLOAD, new TreeSet<>(Set.of("photos/cat.jpg"))), r.state());
    assertEquals(FIRST_UPLOAD, lookup());
  }

  @Test
  public void aSecondUploadOfTheSameContentOnlyAddsAReference() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> r =
        upload(SECOND_UPLOAD, "backup/cat.jpg");
    assertTrue(deduplicated(r.reply()));
    assertEquals(
        "dedup: the caller learns which manifest is kept", FIRST_UPLOAD, success(r.reply()));
    assertEquals(new ReferenceAdded("backup/cat.jpg"), r.event());
    assertEquals(new TreeSet<>(Set.of("photos/cat.jpg", "backup/cat.jpg")), r.state().references());
    assertEquals(FIRST_UPLOAD, r.state().manifest());
  }

  @Test
  public void uploadingAgainUnderAKnownReferenceChangesNothing() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> r =
        upload(FIRST_UPLOAD, "photos/cat.jpg");
    assertEquals(FIRST_UPLOAD, success(r.reply()));
    assertTrue(deduplicated(r.reply()));
    assertTrue(r.hasNoEvents());
    assertEquals(Set.of("photos/cat.jpg"), r.state().references());
  }

  @Test
  public void aManifestOfOtherContentIsRejected() {
    Manifest other =
        SampleManifests.of("other content", 16, "first", Instant.parse("2024-01-01T10:00:00Z"));
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> r =
        upload(other, "photos/dog.jpg");
    assertTrue(r.reply().isError());
    assertEquals(
        "manifest of " + other.fileId() + " sent to file " + FIRST_UPLOAD.fileId(),
        r.reply().getError().getMessage());
    assertTrue(r.hasNoEvents());
    assertEquals("empty", r.state().status());

    upload(FIRST_UPLOAD, "photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> whileStored =
        upload(other, "photos/dog.jpg");
    assertTrue(whileStored.reply().isError());
    assertTrue(whileStored.hasNoEvents());
    assertEquals(Set.of("photos/cat.jpg"), whileStored.state().references());
  }

  @Test
  public void releasingOneOfTwoReferencesKeepsTheFile() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    upload(SECOND_UPLOAD, "backup/cat.jpg");
    CommandResultWithReply<Command, Event, State, Released> r = release("photos/cat.jpg");
    assertEquals(new Released(false, null), r.reply());
    assertEquals(new ReferenceReleased("photos/cat.jpg"), r.event());
    assertEquals(
        new State("stored", FIRST_UPLOAD, new TreeSet<>(Set.of("backup/cat.jpg"))), r.state());
    assertEquals(FIRST_UPLOAD, lookup());
  }

  @Test
  public void releasingTheLastReferenceDeletesTheFile() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    upload(SECOND_UPLOAD, "backup/cat.jpg");
    release("photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, Released> r = release("backup/cat.jpg");
    assertEquals(
        "the caller removes the shards this manifest names",
        new Released(true, FIRST_UPLOAD),
        r.reply());
    assertEquals(
        List.of(new ReferenceReleased("backup/cat.jpg"), new FileDeleted(FIRST_UPLOAD.fileId())),
        r.events());
    assertEquals("the manifest stays until removal is confirmed", new State("deleted", FIRST_UPLOAD, new TreeSet<>()), r.state());
    assertNull(lookup());
  }

  @Test
  public void releasingAnUnknownReferenceChangesNothing() {
    CommandResultWithReply<Command, Event, State, Released> whileEmpty = release("photos/cat.jpg");
    assertEquals(new Released(false, null), whileEmpty.reply());
    assertTrue(whileEmpty.hasNoEvents());

    upload(FIRST_UPLOAD, "photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, Released> r = release("photos/dog.jpg");
    assertEquals(new Released(false, null), r.reply());
    assertTrue(r.hasNoEvents());
    assertEquals(FIRST_UPLOAD, lookup());

    release("photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, Released> afterDelete = release("photos/cat.jpg");
    assertEquals(new Released(false, null), afterDelete.reply());
    assertTrue(afterDelete.hasNoEvents());
  }

  @Test
  public void deletedContentCanBeStoredAgain() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    release("photos/cat.jpg");
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> r =
        upload(SECOND_UPLOAD, "again/cat.jpg");
    assertEquals("a new upload after deletion is stored afresh", SECOND_UPLOAD, success(r.reply()));
    assertEquals(new FileStored(SECOND_UPLOAD, "again/cat.jpg"), r.event());
    assertEquals(Set.of("again/cat.jpg"), r.state().references());
    assertEquals(SECOND_UPLOAD, lookup());
  }

  @Test
  public void aRepairMovesShardsToNewHoldersAndSurvivesARestart() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    Manifest.Shard lost = FIRST_UPLOAD.segments().get(1).shards().get(0);
    Manifest.Shard rebuilt =
        new Manifest.Shard(lost.index(), lost.merkleRoot(), lost.sizeBytes(), "node9-m1", "node9");
    CommandResultWithReply<Command, Event, State, StatusReply<Manifest>> r =
        file.runCommand(replyTo -> new File.RecordRepair(1, List.of(rebuilt), replyTo));
    assertTrue(r.reply().isSuccess());
    Manifest after = r.reply().getValue();
    assertEquals(rebuilt, after.segments().get(1).shards().get(0));
    assertEquals("other shards untouched", FIRST_UPLOAD.segments().get(1).shards().get(1), after.segments().get(1).shards().get(1));
    assertEquals(FIRST_UPLOAD.segments().get(0), after.segments().get(0));
    assertEquals(after, file.restart().state().manifest());
  }

  @Test
  public void aRemovalStaysPendingUntilConfirmed() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    assertNull("nothing to remove while stored", file.runCommand(File.GetPendingRemoval::new).reply().manifest());
    release("photos/cat.jpg");
    assertEquals(FIRST_UPLOAD, file.runCommand(File.GetPendingRemoval::new).reply().manifest());
    assertNull("a deleted file has no readable manifest", lookup());
    assertEquals(FIRST_UPLOAD, file.restart().state().manifest());

    CommandResultWithReply<Command, Event, State, akka.Done> confirmed = file.runCommand(File.ConfirmRemoval::new);
    assertEquals(new File.ShardsRemoved(FIRST_UPLOAD.fileId()), confirmed.event());
    assertEquals(new State("deleted", null, new TreeSet<>()), confirmed.state());
    assertNull(file.runCommand(File.GetPendingRemoval::new).reply().manifest());
    assertTrue("confirming again changes nothing", file.runCommand(File.ConfirmRemoval::new).hasNoEvents());
  }

  @Test
  public void aRepairOfAShardThatIsNotTheFilesIsRefused() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    Manifest.Shard stranger = new Manifest.Shard(0, "f".repeat(64), 8, "node9-m1", "node9");
    CommandResultWithReply<Command, Event, State, StatusReply<Manifest>> r =
        file.runCommand(replyTo -> new File.RecordRepair(0, List.of(stranger), replyTo));
    assertTrue(r.reply().isError());
    assertTrue(r.hasNoEvents());
    CommandResultWithReply<Command, Event, State, StatusReply<Manifest>> beyond =
        file.runCommand(replyTo -> new File.RecordRepair(7, List.of(), replyTo));
    assertTrue(beyond.reply().isError());
  }

  @Test
  public void restartRecoversManifestAndReferences() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    upload(SECOND_UPLOAD, "backup/cat.jpg");
    upload(SECOND_UPLOAD, "third/cat.jpg");
    State before = release("photos/cat.jpg").state();

    State recovered = file.restart().state();
    assertEquals(before, recovered);
    assertEquals(FIRST_UPLOAD, recovered.manifest());
    assertEquals(Set.of("backup/cat.jpg", "third/cat.jpg"), recovered.references());
    assertEquals(FIRST_UPLOAD, lookup());
  }

  @Test
  public void restartRecoversADeletedFile() {
    upload(FIRST_UPLOAD, "photos/cat.jpg");
    release("photos/cat.jpg");
    assertEquals("deleted", file.restart().state().status());
    assertNull(lookup());
    assertFalse(file.getState().stored());
  }

  @Test
  public void aStrongerUploadOfStoredContentReplacesTheManifestAndAWeakerOneIsDeduplicated() {
    success(upload(FIRST_UPLOAD, "b/first").reply());
    Manifest pushed = withPolicy(SECOND_UPLOAD, "replicas:3");
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> strengthened = upload(pushed, "b/pushed");
    assertEquals(new File.ManifestStrengthened(pushed, "b/pushed"), strengthened.event());
    assertFalse(deduplicated(strengthened.reply()));
    assertEquals("the weaker manifest is handed back for removal", FIRST_UPLOAD, strengthened.reply().getValue().superseded());
    assertEquals(pushed, lookup());
    assertEquals(new TreeSet<>(Set.of("b/first", "b/pushed")), strengthened.state().references());

    // the weaker upload again: deduplicated onto the stronger manifest, which stays
    CommandResultWithReply<Command, Event, State, StatusReply<File.Recorded>> weaker = upload(FIRST_UPLOAD, "b/again");
    assertTrue(deduplicated(weaker.reply()));
    assertNull(weaker.reply().getValue().superseded());
    assertEquals(pushed, success(weaker.reply()));

    file.restart();
    assertEquals(pushed, lookup());
  }

  private static Manifest withPolicy(Manifest m, String policy) {
    return new Manifest(m.fileId(), m.sizeBytes(), m.sha256(), m.segmentSizeBytes(), policy, m.uploadId(), m.wrappedKey(), m.segments(), m.createdAt(), m.keyOwner());
  }
}
