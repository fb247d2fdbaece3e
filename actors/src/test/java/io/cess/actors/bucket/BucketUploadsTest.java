package io.cess.actors.bucket;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.bucket.BucketUploads.Command;
import io.cess.actors.bucket.BucketUploads.Event;
import io.cess.actors.bucket.BucketUploads.OpenUpload;
import io.cess.actors.bucket.BucketUploads.State;
import io.cess.actors.bucket.BucketUploads.UploadPage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

/** The open uploads of a bucket: recorded, forgotten, recovered, and listed page by page as S3 lists them. */
public class BucketUploadsTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(UnitTestConfig.create());

  private EventSourcedBehaviorTestKit<Command, Event, State> uploads;

  @Before
  public void freshJournal() {
    uploads = EventSourcedBehaviorTestKit.create(testKit.system(), BucketUploads.create("photos"), UnitTestConfig.strictSerialization());
    uploads.clear();
  }

  private static OpenUpload upload(String key, String uploadId) {
    return new OpenUpload(key, uploadId, "cess-owner", Instant.parse("2024-03-01T12:00:00Z"));
  }

  private void record(OpenUpload upload) {
    CommandResultWithReply<Command, Event, State, Done> r = uploads.runCommand(replyTo -> new BucketUploads.RecordUpload(upload, replyTo));
    assertEquals(Done.getInstance(), r.reply());
  }

  private UploadPage list(String prefix, String delimiter, String keyMarker, String uploadIdMarker, int max) {
    return uploads.<UploadPage>runCommand(replyTo -> new BucketUploads.ListUploads(prefix, delimiter, keyMarker, uploadIdMarker, max, replyTo))
        .reply();
  }

  private static List<String> ids(UploadPage page) {
    return page.uploads().stream().map(u -> u.key() + "#" + u.uploadId()).toList();
  }

  @Test
  public void recordedUploadsAreListedByKeyThenIdUntilForgotten() {
    CommandResultWithReply<Command, Event, State, Done> first =
        uploads.runCommand(replyTo -> new BucketUploads.RecordUpload(upload("b", "02"), replyTo));
    assertEquals(new BucketUploads.UploadRecorded(upload("b", "02")), first.event());
    assertTrue("recording again changes nothing",
        uploads.<Done>runCommand(replyTo -> new BucketUploads.RecordUpload(upload("b", "02"), replyTo)).hasNoEvents());
    record(upload("b", "01"));
    record(upload("a/x", "09"));
    record(upload("ab", "03"));
    assertEquals(List.of("a/x#09", "ab#03", "b#01", "b#02"), ids(list("", null, null, null, 1000)));

    CommandResultWithReply<Command, Event, State, Done> forgot =
        uploads.runCommand(replyTo -> new BucketUploads.ForgetUpload("b", "01", replyTo));
    assertEquals(new BucketUploads.UploadForgotten("b", "01"), forgot.event());
    assertTrue(uploads.<Done>runCommand(replyTo -> new BucketUploads.ForgetUpload("b", "01", replyTo)).hasNoEvents());
    uploads.restart();
    assertEquals(List.of("a/x#09", "ab#03", "b#02"), ids(list("", null, null, null, 1000)));
  }

  @Test
  public void prefixDelimiterAndMarkersAsOnS3() {
    for (String[] u : new String[][] {{"a/1", "01"}, {"a/2", "02"}, {"b", "03"}, {"b", "04"}, {"b", "05"}, {"c/d/e", "06"}, {"cz", "07"}}) {
      record(upload(u[0], u[1]));
    }
    assertEquals(List.of("a/1#01", "a/2#02"), ids(list("a/", null, null, null, 1000)));
    UploadPage rolled = list("", "/", null, null, 1000);
    assertEquals(List.of("a/", "c/"), rolled.commonPrefixes());
    assertEquals(List.of("b#03", "b#04", "b#05", "cz#07"), ids(rolled));
    // key marker alone: every upload of that key is passed; with an upload id: the key's later uploads
    assertEquals(List.of("c/d/e#06", "cz#07"), ids(list("", null, "b", null, 1000)));
    assertEquals(List.of("b#05", "c/d/e#06", "cz#07"), ids(list("", null, "b", "04", 1000)));
    assertEquals(List.of("b#03", "b#04", "b#05", "c/d/e#06", "cz#07"), ids(list("", null, "az", "04", 1000)));
    // a page that ended on a common prefix continues after it
    UploadPage page = list("", "/", null, null, 1);
    assertEquals(List.of("a/"), page.commonPrefixes());
    assertTrue(page.truncated());
    assertEquals("a/", page.nextKeyMarker());
    UploadPage next = list("", "/", page.nextKeyMarker(), page.nextUploadIdMarker(), 2);
    assertEquals(List.of("b#03", "b#04"), ids(next));
    assertEquals("b", next.nextKeyMarker());
    assertEquals("04", next.nextUploadIdMarker());
  }

  @Test
  public void pagingThroughMarkersListsEachUploadOnce() {
    Random random = new Random(4711);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String key = "k" + random.nextInt(12);
      String id = String.format("%04d", i);
      record(upload(key, id));
      expected.add(key + "#" + id);
    }
    expected.sort(String::compareTo);
    for (int max : new int[] {1, 7, 59, 60, 61}) {
      List<String> seen = new ArrayList<>();
      String keyMarker = null;
      String idMarker = null;
      UploadPage page;
      do {
        page = list("", null, keyMarker, idMarker, max);
        seen.addAll(ids(page));
        keyMarker = page.nextKeyMarker();
        idMarker = page.nextUploadIdMarker();
      } while (page.truncated());
      assertEquals("max " + max, expected, seen);
      assertFalse(page.truncated());
    }
  }
}
