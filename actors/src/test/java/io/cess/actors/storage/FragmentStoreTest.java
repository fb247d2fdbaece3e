package io.cess.actors.storage;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.actors.storage.FragmentException.Reason;
import io.cess.actors.storage.FragmentStore.MinerSpace;
import io.cess.core.codec.SegmentCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FragmentStoreTest {

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static final String M1 = "node1-m1";
  private static final String M2 = "node1-m2";
  private static final long CAPACITY_BYTES = 10_000;

  private final Random random = new Random(42);
  private Path dataDir;
  private FragmentStore store;

  @Before
  public void openStore() throws IOException {
    dataDir = folder.newFolder("data").toPath();
    store = open();
  }

  private FragmentStore open() {
    Map<String, Long> capacities = new LinkedHashMap<>();
    capacities.put(M1, CAPACITY_BYTES);
    capacities.put(M2, CAPACITY_BYTES / 2);
    return new FragmentStore(dataDir, capacities);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static InputStream in(byte[] data) {
    return new ByteArrayInputStream(data);
  }

  private String write(String minerId, byte[] data) {
    String hash = root(data);
    store.write(minerId, hash, data.length, in(data));
    return hash;
  }

  private long used(String minerId) {
    return store.space().stream()
        .filter(s -> s.minerId().equals(minerId))
        .findFirst()
        .orElseThrow()
        .usedBytes();
  }

  private Path tmpDir(String minerId) {
    return dataDir.resolve("miners").resolve(minerId).resolve("tmp");
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void assertRefused(Reason reason, Runnable action) {
    FragmentException e = assertThrows(FragmentException.class, action::run);
    assertEquals(e.getMessage(), reason, e.reason());
  }

  @Test
  public void aNewStoreIsEmpty() {
    assertEquals(
        List.of(new MinerSpace(M1, CAPACITY_BYTES, 0), new MinerSpace(M2, CAPACITY_BYTES / 2, 0)),
        store.space());
    assertTrue(store.hosts(M1));
    assertFalse(store.hosts("node2-m1"));
    assertTrue(Files.isDirectory(dataDir.resolve("miners").resolve(M2).resolve("fragments")));
  }

  @Test
  public void writeThenLocateAndReadBack() throws IOException {
    byte[] data = randomBytes(1234);
    String hash = write(M1, data);

    Optional<Path> located = store.locate(M1, hash);
    assertTrue(located.isPresent());
    assertArrayEquals(data, Files.readAllBytes(located.get()));
    assertEquals(hash, located.get().getFileName().toString());
    assertEquals(1234, used(M1));
    assertEquals(CAPACITY_BYTES - 1234, store.space().get(0).freeBytes());
    assertEquals("other miners are not affected", Optional.empty(), store.locate(M2, hash));
    assertEquals(0, used(M2));
    assertEquals(List.of(), filesUnder(tmpDir(M1)));
  }

  @Test
  public void writesLargerThanTheCopyBufferAndEmptyFragments() throws IOException {
    store = new FragmentStore(dataDir, Map.of(M1, 2_000_000L));
    byte[] big = randomBytes(600_000);
    String bigHash = write(M1, big);
    String emptyHash = write(M1, new byte[0]);
    assertArrayEquals(big, Files.readAllBytes(store.locate(M1, bigHash).orElseThrow()));
    assertEquals(0, Files.size(store.locate(M1, emptyHash).orElseThrow()));
    assertEquals(600_000, used(M1));
  }

  @Test
  public void locateOfAMissingFragmentIsEmpty() {
    assertEquals(Optional.empty(), store.locate(M1, root(new byte[] {1})));
  }

  @Test
  public void aWrongHashIsRejectedAndLeavesNothingBehind() throws IOException {
    write(M1, randomBytes(100));
    byte[] data = randomBytes(500);
    String otherHash = root(randomBytes(500));

    assertRefused(Reason.BAD_CONTENT, () -> store.write(M1, otherHash, data.length, in(data)));

    assertEquals(Optional.empty(), store.locate(M1, otherHash));
    assertEquals(List.of(), filesUnder(tmpDir(M1)));
    assertEquals("usage unchanged", 100, used(M1));
    assertEquals(1, filesUnder(dataDir.resolve("miners").resolve(M1).resolve("fragments")).size());
  }

  @Test
  public void aWrongLengthIsRejected() throws IOException {
    byte[] data = randomBytes(500);
    String hash = root(data);

    assertRefused(Reason.BAD_CONTENT, () -> store.write(M1, hash, 501, in(data)));
    assertRefused(Reason.BAD_CONTENT, () -> store.write(M1, hash, 499, in(data)));

    assertEquals(Optional.empty(), store.locate(M1, hash));
    assertEquals(List.of(), filesUnder(tmpDir(M1)));
    assertEquals(0, used(M1));
    // the same bytes with the right length are accepted afterwards
    write(M1, data);
    assertTrue(store.locate(M1, hash).isPresent());
  }

  @Test
  public void aMalformedFingerprintIsRejected() {
    byte[] data = randomBytes(10);
    String upper = root(data).toUpperCase();
    assertRefused(Reason.BAD_CONTENT, () -> store.write(M1, upper, data.length, in(data)));
    assertRefused(
        Reason.BAD_CONTENT, () -> store.write(M1, "../../etc/passwd", data.length, in(data)));
    assertRefused(Reason.BAD_CONTENT, () -> store.locate(M1, "abc"));
    assertRefused(Reason.BAD_CONTENT, () -> store.delete(M1, "abc"));
  }

  @Test
  public void aFragmentOverTheQuotaIsRefused() throws IOException {
    write(M2, randomBytes(3_000));
    byte[] tooBig = randomBytes(2_001); // M2 holds 5000 bytes
    String hash = root(tooBig);
    assertRefused(Reason.QUOTA_EXCEEDED, () -> store.write(M2, hash, tooBig.length, in(tooBig)));
    assertEquals(3_000, used(M2));
    assertEquals(Optional.empty(), store.locate(M2, hash));
    assertEquals(List.of(), filesUnder(tmpDir(M2)));

    write(M2, randomBytes(2_000)); // exactly fills it
    assertEquals(0, store.space().get(1).freeBytes());
    byte[] one = randomBytes(1);
    assertRefused(Reason.QUOTA_EXCEEDED, () -> store.write(M2, root(one), 1, in(one)));
  }

  @Test
  public void rewritingAStoredFragmentIsIdempotent() throws IOException {
    byte[] data = randomBytes(4_000);
    String hash = write(M2, data);
    // Even a full miner accepts a fragment it already holds, and counts it once.
    write(M2, randomBytes(1_000));
    assertEquals(5_000, used(M2));

    ByteArrayInputStream again = new ByteArrayInputStream(data);
    store.write(M2, hash, data.length, again);
    assertEquals("the body is drained", 0, again.available());
    assertEquals(5_000, used(M2));
    assertArrayEquals(data, Files.readAllBytes(store.locate(M2, hash).orElseThrow()));
  }

  @Test
  public void overlappingWritesOfOneFragmentCountItOnce() throws IOException {
    byte[] data = randomBytes(1_000);
    String hash = root(data);
    // The first write's body, when first read, lets a second write of the same fragment (say, a
    // retried transfer) run to completion: a deterministic interleaving of two concurrent writes.
    InputStream first =
        new ByteArrayInputStream(data) {
          private boolean overtaken;

          @Override
          public synchronized int read(byte[] b, int off, int len) {
            if (!overtaken) {
              overtaken = true;
              store.write(M1, hash, data.length, in(data));
            }
            return super.read(b, off, len);
          }
        };
    store.write(M1, hash, data.length, first);

    assertArrayEquals(data, Files.readAllBytes(store.locate(M1, hash).orElseThrow()));
    assertEquals(List.of(), filesUnder(tmpDir(M1)));
    assertEquals("one file on disk, counted once", 1_000, used(M1));
    assertEquals(used(M1), open().space().get(0).usedBytes());
    assertTrue(store.delete(M1, hash));
    assertEquals(0, used(M1));
  }

  @Test
  public void deleteFreesTheSpace() {
    String a = write(M1, randomBytes(700));
    String b = write(M1, randomBytes(300));
    assertEquals(1_000, used(M1));

    assertTrue(store.delete(M1, a));
    assertEquals(300, used(M1));
    assertEquals(Optional.empty(), store.locate(M1, a));
    assertTrue(store.locate(M1, b).isPresent());
    assertFalse("a second delete finds nothing", store.delete(M1, a));
    assertEquals(300, used(M1));
  }

  @Test
  public void anUnknownMinerIsRefused() {
    byte[] data = randomBytes(10);
    String hash = root(data);
    assertRefused(Reason.UNKNOWN_MINER, () -> store.write("node2-m1", hash, data.length, in(data)));
    assertRefused(Reason.UNKNOWN_MINER, () -> store.locate("node2-m1", hash));
    assertRefused(Reason.UNKNOWN_MINER, () -> store.delete("node2-m1", hash));
  }

  @Test
  public void aReopenedStoreCountsWhatIsAlreadyStored() throws IOException {
    byte[] data = randomBytes(1_500);
    String hash = write(M1, data);
    write(M1, randomBytes(500));
    write(M2, randomBytes(250));

    FragmentStore reopened = open();
    assertEquals(
        List.of(
            new MinerSpace(M1, CAPACITY_BYTES, 2_000), new MinerSpace(M2, CAPACITY_BYTES / 2, 250)),
        reopened.space());
    assertArrayEquals(data, Files.readAllBytes(reopened.locate(M1, hash).orElseThrow()));
  }

  @Test
  public void leftoverTempFilesAreRemoved() throws IOException {
    String kept = write(M1, randomBytes(100));
    Files.write(tmpDir(M1).resolve("abc.1.part"), randomBytes(10));
    Files.write(tmpDir(M1).resolve("abc.2.part"), randomBytes(10));
    Files.write(tmpDir(M2).resolve("def.3.part"), randomBytes(10));

    FragmentStore reopened = open();
    assertEquals("temp files are not counted as usage", 100, reopened.space().get(0).usedBytes());
    assertEquals(3, reopened.removeLeftoverTempFiles());
    assertEquals(List.of(), filesUnder(tmpDir(M1)));
    assertEquals(List.of(), filesUnder(tmpDir(M2)));
    assertTrue(reopened.locate(M1, kept).isPresent());
    assertEquals(0, reopened.removeLeftoverTempFiles());
  }

  @Test
  public void manyRandomWritesAndDeletesKeepUsageExact() throws IOException {
    Map<String, Integer> stored = new LinkedHashMap<>();
    long expectedUsed = 0;
    for (int i = 0; i < 200; i++) {
      if (!stored.isEmpty() && random.nextInt(3) == 0) {
        String victim = stored.keySet().iterator().next();
        assertTrue(store.delete(M1, victim));
        expectedUsed -= stored.remove(victim);
      } else {
        byte[] data = randomBytes(random.nextInt(300));
        String hash = root(data);
        if (expectedUsed + data.length > CAPACITY_BYTES) {
          assertRefused(Reason.QUOTA_EXCEEDED, () -> store.write(M1, hash, data.length, in(data)));
        } else {
          store.write(M1, hash, data.length, in(data));
          if (stored.put(hash, data.length) == null) {
            expectedUsed += data.length;
          }
        }
      }
      assertEquals("step " + i, expectedUsed, used(M1));
    }
    assertEquals(expectedUsed, open().space().get(0).usedBytes());
  }

  @Test
  public void listsOnlyFragmentsOlderThanTheCutoffAndARewriteMakesOneYoungAgain() throws IOException {
    String old = write(M1, randomBytes(300));
    String young = write(M1, randomBytes(200));
    write(M2, randomBytes(100));
    java.time.Instant now = java.time.Instant.now();
    Path oldFile = store.locate(M1, old).orElseThrow();
    java.nio.file.Files.setLastModifiedTime(oldFile, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600)));
    assertEquals(java.util.List.of(old), store.listOlderThan(M1, now.minusSeconds(60)));
    assertEquals(java.util.List.of(), store.listOlderThan(M1, now.minusSeconds(7200)));
    assertEquals(2, store.listOlderThan(M1, now.plusSeconds(60)).size());
    assertTrue(store.listOlderThan(M1, now.plusSeconds(60)).contains(young));

    // the same shard written again (a repair placing it where an old copy survived) is no
    // longer an orphan candidate: its grace period starts anew
    byte[] again = java.nio.file.Files.readAllBytes(oldFile);
    store.write(M1, old, again.length, in(again));
    assertEquals(java.util.List.of(), store.listOlderThan(M1, now.minusSeconds(60)));
  }

  private static String root(byte[] data) {
    return SegmentCodec.merkleRoot(data);
  }
}
