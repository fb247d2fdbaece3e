package io.cess.actors.bucket;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.bucket.Bucket.Command;
import io.cess.actors.bucket.Bucket.DeleteObject;
import io.cess.actors.bucket.Bucket.Event;
import io.cess.actors.bucket.Bucket.GetObject;
import io.cess.actors.bucket.Bucket.ListObjects;
import io.cess.actors.bucket.Bucket.ListedObject;
import io.cess.actors.bucket.Bucket.ObjectListing;
import io.cess.actors.bucket.Bucket.ObjectLookup;
import io.cess.actors.bucket.Bucket.ObjectRemoved;
import io.cess.actors.bucket.Bucket.ObjectReplaced;
import io.cess.actors.bucket.Bucket.ObjectStored;
import io.cess.actors.bucket.Bucket.PutObject;
import io.cess.actors.bucket.Bucket.State;
import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class BucketTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private EventSourcedBehaviorTestKit<Command, Event, State> bucket;

  @Before
  public void freshJournal() {
    bucket =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), Bucket.create("photos"), UnitTestConfig.strictSerialization());
    bucket.clear();
  }

  private static ObjectEntry entry(String content) {
    String hash = Sha256.hex(content.getBytes(StandardCharsets.UTF_8));
    return new ObjectEntry(
        io.cess.core.Fingerprints.fileId(List.of(hash), content.length()),
        content.length(),
        hash,
        Instant.parse("2024-03-01T12:00:00Z").plusSeconds(content.length()));
  }

  private CommandResultWithReply<Command, Event, State, ObjectReplaced> put(
      String key, ObjectEntry entry) {
    return bucket.runCommand(replyTo -> new PutObject(key, entry, replyTo));
  }

  private ObjectEntry get(String key) {
    CommandResultWithReply<Command, Event, State, ObjectLookup> r =
        bucket.runCommand(replyTo -> new GetObject(key, replyTo));
    assertTrue(r.hasNoEvents());
    return r.reply().entry();
  }

  private CommandResultWithReply<Command, Event, State, ObjectLookup> delete(String key) {
    return bucket.runCommand(replyTo -> new DeleteObject(key, replyTo));
  }

  private ObjectListing list(String prefix, int maxKeys) {
    CommandResultWithReply<Command, Event, State, ObjectListing> r =
        bucket.runCommand(replyTo -> new ListObjects(prefix, maxKeys, replyTo));
    assertTrue(r.hasNoEvents());
    return r.reply();
  }

  private static List<String> keys(ObjectListing listing) {
    return listing.objects().stream().map(ListedObject::key).toList();
  }

  @Test
  public void putOfANewKeyReturnsNoPreviousEntry() {
    ObjectEntry cat = entry("cat");
    CommandResultWithReply<Command, Event, State, ObjectReplaced> r = put("cat.jpg", cat);
    assertEquals(new ObjectReplaced(null), r.reply());
    assertEquals(new ObjectStored("cat.jpg", cat), r.event());
    assertEquals(new State(new TreeMap<>(Map.of("cat.jpg", cat)), null, null, null, new TreeMap<>()), r.state());
    assertEquals(cat, get("cat.jpg"));
  }

  @Test
  public void putOverAnExistingKeyReturnsTheReplacedEntry() {
    ObjectEntry v1 = entry("cat, first version");
    ObjectEntry v2 = entry("cat, second version!");
    put("cat.jpg", v1);
    CommandResultWithReply<Command, Event, State, ObjectReplaced> r = put("cat.jpg", v2);
    assertEquals(new ObjectReplaced(v1), r.reply());
    assertEquals(new ObjectStored("cat.jpg", v2), r.event());
    assertEquals(v2, get("cat.jpg"));
    assertEquals(1, r.state().objects().size());
  }

  @Test
  public void getOfAMissingKeyIsNull() {
    assertNull(get("nothing"));
    put("cat.jpg", entry("cat"));
    assertNull(get("cat.jp"));
  }

  @Test
  public void deleteOfAMissingKeyRecordsNothing() {
    CommandResultWithReply<Command, Event, State, ObjectLookup> r = delete("nothing");
    assertEquals(new ObjectLookup(null), r.reply());
    assertTrue(r.hasNoEvents());
  }

  @Test
  public void deleteReturnsTheRemovedEntry() {
    ObjectEntry cat = entry("cat");
    put("cat.jpg", cat);
    put("dog.jpg", entry("dog"));
    CommandResultWithReply<Command, Event, State, ObjectLookup> r = delete("cat.jpg");
    assertEquals(new ObjectLookup(cat), r.reply());
    assertEquals(new ObjectRemoved("cat.jpg"), r.event());
    assertNull(get("cat.jpg"));
    assertEquals(List.of("dog.jpg"), keys(list("", 10)));
    assertTrue("a second delete finds nothing", delete("cat.jpg").hasNoEvents());
  }

  @Test
  public void listingByPrefixIsSortedAndTruncatedAtMaxKeys() {
    for (String key : List.of("b/1", "a/3", "a", "a/1", "ab", "a/2", "a/2/x", "c")) {
      put(key, entry(key));
    }
    assertEquals(List.of("a/1", "a/2", "a/2/x", "a/3"), keys(list("a/", 100)));
    assertFalse(list("a/", 100).truncated());

    ObjectListing firstTwo = list("a/", 2);
    assertEquals(List.of("a/1", "a/2"), keys(firstTwo));
    assertTrue(firstTwo.truncated());
    assertEquals(new ListedObject("a/1", entry("a/1")), firstTwo.objects().get(0));

    ObjectListing exactlyAll = list("a/", 4);
    assertEquals(4, exactlyAll.objects().size());
    assertFalse("nothing is left out", exactlyAll.truncated());

    assertEquals(List.of("a", "a/1", "a/2", "a/2/x", "a/3", "ab"), keys(list("a", 100)));
    assertEquals(List.of("a", "a/1", "a/2", "a/2/x", "a/3", "ab", "b/1", "c"), keys(list("", 100)));
    assertEquals(List.of(), keys(list("d", 100)));
    assertFalse(list("d", 100).truncated());
    assertEquals(List.of(), keys(list("a/0", 100)));
  }

  @Test
  public void maxKeysIsClampedToTheListLimit() {
    int total = Bucket.MAX_LIST + 5;
    ObjectEntry e = entry("same content");
    for (int i = 0; i < total; i++) {
      put(String.format("k%05d", i), e);
    }
    ObjectListing capped = list("k", Integer.MAX_VALUE);
    assertEquals(Bucket.MAX_LIST, capped.objects().size());
    assertTrue(capped.truncated());

    ObjectListing none = list("k", 0);
    assertEquals(List.of(), none.objects());
    assertTrue(none.truncated());
    ObjectListing negative = list("k", -3);
    assertEquals(List.of(), negative.objects());
    assertTrue(negative.truncated());
  }

  private static final String OWNER = "cess" + "1".repeat(40);
  private static final String FRIEND = "cess" + "2".repeat(40);
  private static final String STRANGER = "cess" + "3".repeat(40);

  @Test
  public void aClaimCreatesTheBucketOnceForItsFirstOwner() {
    Bucket.BucketInfo first = bucket.<Bucket.BucketInfo>runCommand(r -> new Bucket.Claim(OWNER, r)).reply();
    Bucket.BucketInfo second = bucket.<Bucket.BucketInfo>runCommand(r -> new Bucket.Claim(STRANGER, r)).reply();
    assertEquals(OWNER, first.owner());
    assertEquals("a claim of an existing bucket changes nothing", OWNER, second.owner());
    assertFalse(second.allows(STRANGER, Bucket.Access.READ));
  }

  @Test
  public void grantsAllowWhatTheyNameOnlyTheOwnerChangesThemAndTheySurviveARestart() {
    bucket.<Bucket.BucketInfo>runCommand(r -> new Bucket.Claim(OWNER, r));
    var refused = bucket.<akka.pattern.StatusReply<Bucket.BucketInfo>>runCommand(
        r -> new Bucket.Grant(FRIEND, FRIEND, Bucket.Access.WRITE, r));
    assertEquals("AccessDenied", refused.reply().getError().getMessage());
    assertTrue(refused.hasNoEvents());

    Bucket.BucketInfo info = bucket.<akka.pattern.StatusReply<Bucket.BucketInfo>>runCommand(
        r -> new Bucket.Grant(OWNER, FRIEND, Bucket.Access.READ, r)).reply().getValue();
    assertTrue(info.allows(FRIEND, Bucket.Access.READ));
    assertFalse(info.allows(FRIEND, Bucket.Access.WRITE));
    assertFalse(info.allows(STRANGER, Bucket.Access.READ));
    assertFalse(info.allows(null, Bucket.Access.READ));
    assertTrue(info.allows(OWNER, Bucket.Access.OWNER));

    bucket.restart();
    info = bucket.<Bucket.BucketInfo>runCommand(Bucket.GetInfo::new).reply();
    assertEquals(Map.of(FRIEND, Bucket.Access.READ), info.grants());

    info = bucket.<akka.pattern.StatusReply<Bucket.BucketInfo>>runCommand(r -> new Bucket.Revoke(OWNER, FRIEND, r)).reply().getValue();
    assertFalse(info.allows(FRIEND, Bucket.Access.READ));
  }

  @Test
  public void aBucketOfAnonymousUploadsIsOpenToAllButGrantsNothing() {
    put("cat.jpg", entry("cat"));
    Bucket.BucketInfo info = bucket.<Bucket.BucketInfo>runCommand(Bucket.GetInfo::new).reply();
    assertTrue(info.allows(null, Bucket.Access.WRITE));
    assertTrue(info.allows(STRANGER, Bucket.Access.READ));
    var refused = bucket.<akka.pattern.StatusReply<Bucket.BucketInfo>>runCommand(
        r -> new Bucket.Grant(null, FRIEND, Bucket.Access.READ, r));
    assertEquals("AccessDenied", refused.reply().getError().getMessage());
  }

  @Test
  public void restartRecoversTheObjects() {
    put("a", entry("a"));
    put("b", entry("b"));
    put("a", entry("a2"));
    State before = delete("b").state();
    TreeMap<String, ObjectEntry> expected = new TreeMap<>(before.objects());

    State recovered = bucket.restart().state();
    assertEquals(expected, recovered.objects());
    assertEquals(entry("a2"), get("a"));
    assertNull(get("b"));
  }

  @Test
  public void behavesLikeASortedMapAcrossRestartsAndSnapshots() {
    Random random = new Random(42);
    TreeMap<String, ObjectEntry> model = new TreeMap<>();
    // 400 operations: several snapshots (every 100 events) and restarts in between.
    for (int op = 0; op < 400; op++) {
      String key = "dir" + random.nextInt(3) + "/" + random.nextInt(20);
      switch (random.nextInt(10)) {
        case 0, 1, 2, 3, 4 -> {
          ObjectEntry e = entry("content " + random.nextInt(1000));
          assertEquals("op " + op, new ObjectReplaced(model.put(key, e)), put(key, e).reply());
        }
        case 5, 6 -> {
          ObjectEntry removed = model.remove(key);
          CommandResultWithReply<Command, Event, State, ObjectLookup> r = delete(key);
          assertEquals("op " + op, new ObjectLookup(removed), r.reply());
          assertEquals("op " + op, removed == null, r.hasNoEvents());
        }
        case 7, 8 -> assertEquals("op " + op, model.get(key), get(key));
        default -> {
          String prefix = "dir" + random.nextInt(3) + "/";
          int maxKeys = random.nextInt(25);
          List<String> matching = new ArrayList<>();
          for (String k : model.tailMap(prefix, true).keySet()) {
            if (k.startsWith(prefix)) {
              matching.add(k);
            }
          }
          ObjectListing listing = list(prefix, maxKeys);
          assertEquals(
              "op " + op, matching.subList(0, Math.min(maxKeys, matching.size())), keys(listing));
          assertEquals("op " + op, matching.size() > maxKeys, listing.truncated());
        }
      }
      if (op % 97 == 96) {
        assertEquals("after restart at op " + op, model, bucket.restart().state().objects());
      }
    }
    assertEquals(model, bucket.restart().state().objects());
  }
}
