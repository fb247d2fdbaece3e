package io.cess.actors;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.pattern.StatusReply;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.jackson.JacksonCborSerializer;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.ObjectEntry;
import io.cess.actors.file.File;
import io.cess.actors.account.AccessKey;
import io.cess.actors.account.Account;
import io.cess.actors.file.Manifest;
import io.cess.actors.file.SampleManifests;
import io.cess.actors.miner.Miner;
import io.cess.actors.node.StorageNode;
import io.cess.core.Sha256;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * Every message, event, snapshot and reply of the entities goes through jackson-cbor and comes back
 * equal. A new record without a sample here fails {@link #everyRecordOfTheEntitiesHasASample}.
 */
public class SerializationTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private static final Instant AT = Instant.parse("2024-05-06T07:08:09.123456789Z");

  private static SerializationTestKit serialization;

  @BeforeClass
  public static void setUp() {
    serialization = new SerializationTestKit(testKit.system());
  }

  private static <T> ActorRef<T> ref() {
    TestProbe<T> probe = testKit.createTestProbe();
    return probe.getRef();
  }

  private static void roundTrip(List<Object> messages) {
    Serialization ser = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    for (Object m : messages) {
      assertTrue(
          m.getClass() + " must be bound to jackson-cbor",
          ser.findSerializerFor(m) instanceof JacksonCborSerializer);
      serialization.verifySerialization(m, true);
    }
  }

  private static final Manifest MANIFEST =
      SampleManifests.of("some content to cut up", 8, "ser", AT);
  private static final ObjectEntry ENTRY =
      new ObjectEntry(MANIFEST.fileId(), MANIFEST.sizeBytes(), MANIFEST.sha256(), AT);

  private static List<Object> manifestSamples() {
    return List.of(
        MANIFEST,
        MANIFEST.segments().get(0),
        MANIFEST.segments().get(0).shards().get(0),
        new Manifest(Sha256.hex(new byte[0]), 0, Sha256.hex(new byte[0]), 16, "ec:4+2", "u", "k", List.of(), AT, null),
        ENTRY);
  }

  private static List<Object> storageNodeSamples() {
    StorageNode.NodeInfo info =
        new StorageNode.NodeInfo(
            List.of("storage", "gateway"),
            "eu",
            8L << 30,
            "http://127.0.0.1:8080",
            "akka://cess@127.0.0.1:25520",
            List.of("node1-m1"));
    StorageNode.Membership joined = new StorageNode.Membership("joined", info.akkaAddress(), AT);
    return List.of(
        info,
        joined,
        new StorageNode.RegisterNode(info, ref()),
        new StorageNode.RecordLeave("shutdown", ref()),
        new StorageNode.GetNode(ref()),
        new StorageNode.NodeDetails("node1", "up", info, List.of(joined)),
        new StorageNode.NodeDetails("node1", "new", null, List.of()),
        new StorageNode.NodeJoined(info, AT),
        new StorageNode.NodeLeft("shutdown", AT),
        new StorageNode.State(
            "up", info, List.of(joined, new StorageNode.Membership("left", "bye", AT))),
        new StorageNode.State("new", null, List.of()));
  }

  private static List<Object> minerSamples() {
    Miner.MinerInfo info = new Miner.MinerInfo("node1", 4L << 30);
    return List.of(
        info,
        new Miner.RegisterMiner(info, ref()),
        new Miner.GetMiner(ref()),
        new Miner.MinerDetails("node1-m1", "active", info, AT, 2, 1, 900),
        new Miner.RecordFault("f-0-1", "corrupt", ref()),
        new Miner.FaultRecorded("f-0-1", "corrupt", AT),
        new Miner.MinerDetails("node1-m1", "unregistered", null, null, 0, 0, 1000),
        new Miner.MinerRegistered(info, AT),
        new Miner.State("active", info, AT, 3, 2),
        new Miner.State("unregistered", null, null, 0, 0));
  }

  private static List<Object> fileSamples() {
    return List.of(
        new File.RecordUpload(MANIFEST, "photos/cat.jpg", ref()),
        new File.GetManifest(ref()),
        new File.ReleaseReference("photos/cat.jpg", ref()),
        new File.ManifestLookup(MANIFEST),
        new File.ManifestLookup(null),
        new File.Released(true, MANIFEST),
        new File.Released(false, null),
        new File.FileStored(MANIFEST, "photos/cat.jpg"),
        new File.ReferenceAdded("backup/cat.jpg"),
        new File.Recorded(MANIFEST, true),
        new File.Recorded(MANIFEST, false, MANIFEST),
        new File.ManifestStrengthened(MANIFEST, "photos/cat.jpg"),
        new File.ReferenceReleased("photos/cat.jpg"),
        new File.FileDeleted(MANIFEST.fileId()),
        new File.RecordRepair(0, MANIFEST.segments().get(0).shards(), ref()),
        new File.GetPendingRemoval(ref()),
        new File.ConfirmRemoval(ref()),
        new File.ShardsRemoved(MANIFEST.fileId()),
        new File.ShardsRepaired(0, MANIFEST.segments().get(0).shards(), AT),
        new File.State("stored", MANIFEST, new TreeSet<>(Set.of("b", "a"))),
        new File.State("empty", null, new TreeSet<>()));
  }

  private static List<Object> bucketSamples() {
    return List.of(
        new Bucket.PutObject("a/1", ENTRY, ref()),
        new Bucket.GetObject("a/1", ref()),
        new Bucket.DeleteObject("a/1", ref()),
        new Bucket.ListObjects("a/", 100, ref()),
        new Bucket.ObjectReplaced(ENTRY),
        new Bucket.ObjectReplaced(null),
        new Bucket.ObjectLookup(ENTRY),
        new Bucket.ObjectLookup(null),
        new Bucket.ListedObject("a/1", ENTRY),
        new Bucket.ObjectListing(List.of(new Bucket.ListedObject("a/1", ENTRY)), true),
        new Bucket.ObjectListing(List.of(), false),
        new Bucket.ObjectStored("a/1", ENTRY),
        new Bucket.ObjectRemoved("a/1"),
        new Bucket.State(new TreeMap<>(Map.of("b/1", ENTRY, "a/1", ENTRY)), "ec:4+2", "cess" + "2".repeat(40), AT,
            new TreeMap<>(Map.of("cess" + "3".repeat(40), Bucket.Access.WRITE))),
        new Bucket.State(new TreeMap<>(), null, null, null, new TreeMap<>()),
        new Bucket.Claim("cess" + "2".repeat(40), ref()),
        new Bucket.Grant("cess" + "2".repeat(40), "cess" + "3".repeat(40), Bucket.Access.READ, ref()),
        new Bucket.Revoke("cess" + "2".repeat(40), "cess" + "3".repeat(40), ref()),
        new Bucket.AccessGranted("cess" + "3".repeat(40), Bucket.Access.READ),
        new Bucket.AccessRevoked("cess" + "3".repeat(40)),
        new Bucket.CreateBucket("cess" + "2".repeat(40), ref()),
        new Bucket.DeleteBucket("cess" + "2".repeat(40), ref()),
        new Bucket.GetInfo(ref()),
        new Bucket.BucketInfo(true, "cess" + "2".repeat(40), AT, 3, Map.of("cess" + "3".repeat(40), Bucket.Access.READ)),
        new Bucket.BucketInfo(false, null, null, 0, Map.of()),
        new Bucket.ListPage("a/", "/", "a/0", 100, ref()),
        new Bucket.ListPage("", null, null, 100, ref()),
        new Bucket.ObjectPage(List.of(new Bucket.ListedObject("a/1", ENTRY)), List.of("a/b/"), true, "a/b/"),
        new Bucket.BucketCreated("cess" + "2".repeat(40), AT),
        new Bucket.BucketDeleted(AT),
        new ObjectEntry("f", 1, "s", AT, "etag", "text/plain", Map.of("color", "blue")),
        new Bucket.SetPolicy("replicas:3", ref()),
        new Bucket.GetPolicy(ref()),
        new Bucket.BucketPolicy("ec:4+2"),
        new Bucket.PolicySet("ec:4+2"));
  }

  private static final String KEY_ID = "CESSABCDEFGHIJ012345";

  private static List<Object> accountSamples() {
    return List.of(
        new Account.Create("sk", "ek", "wk", ref()),
        new Account.Get(ref()),
        new Account.AddAccessKey(KEY_ID, ref()),
        new Account.RemoveAccessKey(KEY_ID, ref()),
        new Account.Details("cess" + "1".repeat(40), "active", "sk", "ek", "wk", AT, List.of(KEY_ID, "CESSZZZZZZZZZZZZZZZZ")),
        new Account.Details("cess" + "1".repeat(40), "none", null, null, null, null, List.of()),
        new Account.AccountCreated("sk", "ek", "wk", AT),
        new Account.AccessKeyAdded(KEY_ID),
        new Account.AccessKeyRemoved(KEY_ID),
        new Account.State("sk", "ek", "wk", AT, List.of(KEY_ID)),
        new Account.State(null, null, null, null, List.of()));
  }

  private static List<Object> accessKeySamples() {
    String owner = "cess" + "1".repeat(40);
    return List.of(
        new AccessKey.Create(owner, "wrapped", ref()),
        new AccessKey.Revoke(owner, ref()),
        new AccessKey.Get(ref()),
        new AccessKey.Details(KEY_ID, owner, "revoked", "wrapped", AT, AT.plusSeconds(60)),
        new AccessKey.Details(KEY_ID, null, "none", null, null, null),
        new AccessKey.AccessKeyCreated(owner, "wrapped", AT),
        new AccessKey.AccessKeyRevoked(AT),
        new AccessKey.State(owner, "wrapped", "active", AT, null),
        new AccessKey.State(null, null, "none", null, null));
  }

  @Test
  public void accountMessagesRoundTrip() {
    roundTrip(accountSamples());
  }

  @Test
  public void accessKeyMessagesRoundTrip() {
    roundTrip(accessKeySamples());
    // the access key replies go inside Akka's StatusReply
    serialization.verifySerialization(StatusReply.success(accessKeySamples().get(3)), true);
  }

  @Test
  public void accountStateKeepsItsAccessKeysSorted() {
    Account.State s = serialization.verifySerialization(
        new Account.State("sk", "ek", "wk", AT, List.of("CESSZZZZZZZZZZZZZZZZ", KEY_ID, KEY_ID)), true);
    assertEquals(List.of(KEY_ID, "CESSZZZZZZZZZZZZZZZZ"), s.accessKeys());
  }

  private static List<Object> shardSamples() {
    io.cess.actors.shard.Shard.State state = new io.cess.actors.shard.Shard.State(
        "repairing", "gw1/x", AT, "node1-m1", "node1", 2, AT,
        List.of(new io.cess.actors.shard.Shard.HistoryEntry(AT, "damaged", "corrupt on read")));
    return List.of(
        new io.cess.actors.shard.Shard.BeginRepair("gw1/x", "why", "node1-m1", "node1", AT, java.time.Duration.ofMinutes(2), ref()),
        new io.cess.actors.shard.Shard.FinishRepair("gw1/x", "node2-m1", "node2", ref()),
        new io.cess.actors.shard.Shard.AbandonRepair("gw1/x", "why", ref()),
        new io.cess.actors.shard.Shard.GetShard(ref()),
        new io.cess.actors.shard.Shard.RepairStarted("gw1/x", "why", "node1-m1", "node1", AT, AT),
        new io.cess.actors.shard.Shard.Repaired("gw1/x", "node2-m1", "node2", AT),
        new io.cess.actors.shard.Shard.RepairAbandoned("gw1/x", "why", AT),
        state,
        state.history().get(0),
        new io.cess.actors.shard.Shard.State("healthy", null, null, null, null, 0, null, List.of()));
  }

  private static List<Object> multipartSamples() {
    io.cess.actors.bucket.MultipartUpload.Part part = new io.cess.actors.bucket.MultipartUpload.Part("f".repeat(64), 5 << 20, "0a".repeat(16), AT);
    java.util.TreeMap<Integer, io.cess.actors.bucket.MultipartUpload.Part> parts = new java.util.TreeMap<>(Map.of(2, part, 1, part));
    return List.of(
        new io.cess.actors.bucket.MultipartUpload.Initiate("b", "k", "cess" + "3".repeat(40), "text/plain", Map.of("a", "b"), ref()),
        new io.cess.actors.bucket.MultipartUpload.AddPart(1, part, ref()),
        new io.cess.actors.bucket.MultipartUpload.Finish(true, ref()),
        new io.cess.actors.bucket.MultipartUpload.Get(ref()),
        part,
        new io.cess.actors.bucket.MultipartUpload.PartReplaced(part),
        new io.cess.actors.bucket.MultipartUpload.PartReplaced(null),
        new io.cess.actors.bucket.MultipartUpload.Initiated("b", "k", null, null, Map.of(), AT),
        new io.cess.actors.bucket.MultipartUpload.PartAdded(1, part),
        new io.cess.actors.bucket.MultipartUpload.Finished(false, AT),
        new io.cess.actors.bucket.MultipartUpload.State("open", "b", "k", "cess" + "3".repeat(40), null, Map.of(), AT, parts),
        new io.cess.actors.bucket.MultipartUpload.State("none", null, null, null, null, Map.of(), null, new java.util.TreeMap<>()));
  }

  private static List<Object> bucketUploadsSamples() {
    io.cess.actors.bucket.BucketUploads.OpenUpload upload =
        new io.cess.actors.bucket.BucketUploads.OpenUpload("photos/cat.jpg", "0190f00dcafe" + "a".repeat(20), "cess" + "3".repeat(40), AT);
    java.util.TreeMap<String, io.cess.actors.bucket.BucketUploads.OpenUpload> open =
        new java.util.TreeMap<>(Map.of("photos/cat.jpg\u0000" + upload.uploadId(), upload));
    return List.of(
        new io.cess.actors.bucket.BucketUploads.RecordUpload(upload, ref()),
        new io.cess.actors.bucket.BucketUploads.ForgetUpload("photos/cat.jpg", upload.uploadId(), ref()),
        new io.cess.actors.bucket.BucketUploads.ListUploads("photos/", "/", "photos/a", null, 1000, ref()),
        upload,
        new io.cess.actors.bucket.BucketUploads.UploadPage(List.of(upload), List.of("photos/2024/"), true, "photos/cat.jpg", upload.uploadId()),
        new io.cess.actors.bucket.BucketUploads.UploadPage(List.of(), List.of(), false, null, null),
        new io.cess.actors.bucket.BucketUploads.UploadRecorded(upload),
        new io.cess.actors.bucket.BucketUploads.UploadForgotten("photos/cat.jpg", upload.uploadId()),
        new io.cess.actors.bucket.BucketUploads.State(open),
        new io.cess.actors.bucket.BucketUploads.State(new java.util.TreeMap<>()));
  }

  @Test
  public void bucketUploadsMessagesRoundTrip() {
    roundTrip(bucketUploadsSamples());
    io.cess.actors.bucket.BucketUploads.State s = serialization.verifySerialization(
        (io.cess.actors.bucket.BucketUploads.State) bucketUploadsSamples().get(8), true);
    assertEquals(java.util.TreeMap.class, s.uploads().getClass());
  }

  @Test
  public void shardMessagesRoundTrip() {
    roundTrip(shardSamples());
  }

  @Test
  public void multipartMessagesRoundTrip() {
    roundTrip(multipartSamples());
    io.cess.actors.bucket.MultipartUpload.State s = serialization.verifySerialization(
        (io.cess.actors.bucket.MultipartUpload.State) multipartSamples().get(10), true);
    assertEquals(java.util.TreeMap.class, s.parts().getClass());
    assertEquals(Integer.valueOf(1), s.parts().firstKey());
  }

  @Test
  public void manifestAndObjectEntry() {
    roundTrip(manifestSamples());
  }

  @Test
  public void storageNode() {
    roundTrip(storageNodeSamples());
  }

  @Test
  public void miner() {
    roundTrip(minerSamples());
  }

  @Test
  public void file() {
    roundTrip(fileSamples());
  }

  @Test
  public void bucket() {
    roundTrip(bucketSamples());
  }

  @Test
  public void everyRecordOfTheEntitiesHasASample() {
    Set<Class<?>> expected =
        Stream.concat(
                Stream.of(StorageNode.class, Miner.class, File.class, Bucket.class, Manifest.class, Account.class, AccessKey.class,
                        io.cess.actors.shard.Shard.class, io.cess.actors.bucket.MultipartUpload.class,
                        io.cess.actors.bucket.BucketUploads.class)
                    .flatMap(c -> Arrays.stream(c.getDeclaredClasses())),
                Stream.of(Manifest.class, ObjectEntry.class))
            .filter(c -> CborSerializable.class.isAssignableFrom(c) && !c.isInterface())
            .collect(Collectors.toSet());
    Set<Class<?>> sampled =
        Stream.of(
                manifestSamples(),
                storageNodeSamples(),
                minerSamples(),
                fileSamples(),
                bucketSamples(),
                accountSamples(),
                accessKeySamples(),
                shardSamples(),
                multipartSamples(),
                bucketUploadsSamples())
            .flatMap(List::stream)
            .map(Object::getClass)
            .collect(Collectors.toSet());
    Set<Class<?>> missing = new HashSet<>(expected);
    missing.removeAll(sampled);
    assertTrue("serializable classes without a sample in this test: " + missing, missing.isEmpty());
    assertTrue("the scan finds the protocol", expected.size() >= 40);
  }

  @Test
  public void fileStatusRepliesCarryTheManifest() {
    // StatusReply is Akka's own type; the manifest inside it is serialized with jackson-cbor.
    serialization.verifySerialization(StatusReply.success(MANIFEST), true);
    StatusReply<?> error =
        serialization.verifySerialization(StatusReply.error("manifest of x sent to file y"), false);
    assertEquals("manifest of x sent to file y", error.getError().getMessage());
  }

  @Test
  public void stateCollectionsKeepTheirSortedTypes() {
    File.State file =
        serialization.verifySerialization(
            new File.State("stored", MANIFEST, new TreeSet<>(Set.of("z", "a"))), true);
    assertEquals(TreeSet.class, file.references().getClass());
    assertEquals(List.of("a", "z"), List.copyOf(file.references()));
    Bucket.State bucket =
        serialization.verifySerialization(
            new Bucket.State(new TreeMap<>(Map.of("z", ENTRY, "a", ENTRY)), null, null, null, new TreeMap<>()), true);
    assertEquals(TreeMap.class, bucket.objects().getClass());
    assertEquals("a", bucket.objects().firstKey());
  }
}
