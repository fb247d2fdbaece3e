package io.cess.actors.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import io.cess.actors.UnitTestConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;

public class SegmenterTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private static List<ByteString> segment(List<ByteString> chunks, int segmentSizeBytes)
      throws Exception {
    return Source.from(chunks)
        .via(Flow.fromGraph(new Segmenter(segmentSizeBytes)))
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Chunks of random sizes, empty ones included, the way a client's body arrives. */
  private static List<ByteString> randomChunks(Random random, int maxChunks, int maxChunkBytes) {
    int n = random.nextInt(maxChunks + 1);
    List<ByteString> chunks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(maxChunkBytes + 1)];
      random.nextBytes(b);
      chunks.add(ByteString.fromArray(b));
    }
    return chunks;
  }

  private static ByteString concat(List<ByteString> parts) {
    ByteStringBuilder b = new ByteStringBuilder();
    parts.forEach(b::append);
    return b.result();
  }

  private static void assertSegmentation(
      String context, List<ByteString> chunks, int size, List<ByteString> segments) {
    ByteString input = concat(chunks);
    assertEquals(context + ": segment count", (input.size() + size - 1) / size, segments.size());
    for (int i = 0; i < segments.size(); i++) {
      ByteString s = segments.get(i);
      assertFalse(context + ": segment " + i + " is empty", s.isEmpty());
      if (i < segments.size() - 1) {
        assertEquals(context + ": segment " + i + " of " + segments.size(), size, s.size());
      } else {
        assertTrue(context + ": last segment " + s.size() + " > " + size, s.size() <= size);
      }
    }
    assertEquals(context + ": content", input, concat(segments));
  }

  @Test
  public void randomChunksAreCutIntoFullSegments() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      int size = 1 + random.nextInt(64);
      List<ByteString> chunks = randomChunks(random, 20, 200);
      assertSegmentation("round " + round + ", size " + size, chunks, size, segment(chunks, size));
    }
  }

  @Test
  public void chunksMuchLargerThanASegment() throws Exception {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      int size = 1 + random.nextInt(16);
      List<ByteString> chunks = randomChunks(random, 4, 5_000);
      assertSegmentation("round " + round + ", size " + size, chunks, size, segment(chunks, size));
    }
  }

  @Test
  public void inputOfExactMultipleEndsWithAFullSegment() throws Exception {
    byte[] data = new byte[300];
    new Random(42).nextBytes(data);
    List<ByteString> chunks =
        List.of(ByteString.fromArray(data, 0, 7), ByteString.fromArray(data, 7, 293));
    List<ByteString> segments = segment(chunks, 100);
    assertEquals(3, segments.size());
    for (ByteString s : segments) {
      assertEquals(100, s.size());
    }
    assertEquals(ByteString.fromArray(data), concat(segments));
  }

  @Test
  public void inputSmallerThanASegmentIsOneSegment() throws Exception {
    List<ByteString> segments =
        segment(List.of(ByteString.fromString("abc"), ByteString.fromString("de")), 1 << 20);
    assertEquals(List.of(ByteString.fromString("abcde")), segments);
  }

  @Test
  public void emptyInputGivesNoSegments() throws Exception {
    assertEquals(List.of(), segment(List.of(), 16));
    assertEquals(
        List.of(),
        segment(List.of(ByteString.emptyByteString(), ByteString.emptyByteString()), 16));
  }

  @Test
  public void upstreamFailurePropagates() {
    Exception e =
        assertThrows(
            java.util.concurrent.ExecutionException.class,
            () ->
                Source.single(ByteString.fromString("abc"))
                    .concat(
                        Source.<ByteString>failed(new IllegalStateException("client went away")))
                    .via(Flow.fromGraph(new Segmenter(2)))
                    .runWith(Sink.seq(), testKit.system())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS));
    assertEquals("client went away", e.getCause().getMessage());
  }

  @Test
  public void segmentSizeMustBePositiveAndFitAnArray() {
    assertThrows(IllegalArgumentException.class, () -> new Segmenter(0));
    assertThrows(IllegalArgumentException.class, () -> new Segmenter(-1));
    assertThrows(IllegalArgumentException.class, () -> new Segmenter(Integer.MAX_VALUE));
    new Segmenter(Integer.MAX_VALUE - 8);
  }
}
