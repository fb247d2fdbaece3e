package io.cess.actors.bucket;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.Test;

public class BucketPageTest {

  private static Bucket.State state(String... keys) {
    TreeMap<String, ObjectEntry> objects = new TreeMap<>();
    for (String k : keys) {
      objects.put(k, new ObjectEntry("f".repeat(64), 1, "s", Instant.EPOCH));
    }
    return new Bucket.State(objects, null, "cess" + "0".repeat(40), Instant.EPOCH, new TreeMap<>());
  }

  private static Bucket.ObjectPage page(Bucket.State s, String prefix, String delimiter, String after, int max) {
    return Bucket.page(s, new Bucket.ListPage(prefix, delimiter, after, max, null));
  }

  private static List<String> keys(Bucket.ObjectPage p) {
    return p.objects().stream().map(Bucket.ListedObject::key).toList();
  }

  private final Bucket.State photos =
      state("a.txt", "photos/2023/x.jpg", "photos/2024/y.jpg", "photos/2024/z.jpg", "photos/cover.jpg", "videos/v.mp4", "zz");

  @Test
  public void aDelimiterRollsKeysUpIntoCommonPrefixes() {
    Bucket.ObjectPage top = page(photos, "", "/", null, 1000);
    assertEquals(List.of("a.txt", "zz"), keys(top));
    assertEquals(List.of("photos/", "videos/"), top.commonPrefixes());
    assertFalse(top.truncated());

    Bucket.ObjectPage inPhotos = page(photos, "photos/", "/", null, 1000);
    assertEquals(List.of("photos/cover.jpg"), keys(inPhotos));
    assertEquals(List.of("photos/2023/", "photos/2024/"), inPhotos.commonPrefixes());
  }

  @Test
  public void pagesContinueAfterKeysAndAfterCommonPrefixesWithoutRepeats() {
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      Bucket.ObjectPage p = page(photos, "", "/", after, 1);
      seen.addAll(keys(p));
      seen.addAll(p.commonPrefixes());
      after = p.truncated() ? p.nextStartAfter() : null;
      pages++;
    } while (after != null);
    assertEquals(List.of("a.txt", "photos/", "videos/", "zz"), seen);
    assertEquals(4, pages);

    List<String> flat = new ArrayList<>();
    after = null;
    do {
      Bucket.ObjectPage p = page(photos, "photos/", null, after, 2);
      flat.addAll(keys(p));
      after = p.truncated() ? p.nextStartAfter() : null;
    } while (after != null);
    assertEquals(List.of("photos/2023/x.jpg", "photos/2024/y.jpg", "photos/2024/z.jpg", "photos/cover.jpg"), flat);
  }

  @Test
  public void aPrefixWithNoKeysGivesAnEmptyPage() {
    Bucket.ObjectPage p = page(photos, "music/", "/", null, 10);
    assertTrue(p.objects().isEmpty() && p.commonPrefixes().isEmpty() && !p.truncated());
  }
}
