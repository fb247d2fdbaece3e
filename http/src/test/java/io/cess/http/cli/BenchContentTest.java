package io.cess.http.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.Test;

public class BenchContentTest {

  private static byte[] all(BenchCommand.Content c) throws IOException {
    return c.stream().readAllBytes();
  }

  @Test
  public void theStreamReadsTheSameBytesHoweverItIsCut() throws IOException {
    BenchCommand.Content c = new BenchCommand.Content(3 * 1024 * 1024 + 77, 5);
    byte[] whole = all(c);
    assertEquals(c.size, whole.length);
    byte[] pieces = new byte[whole.length];
    java.util.Random r = new java.util.Random(1);
    for (int at = 0; at < pieces.length; ) {
      int n = Math.min(pieces.length - at, 1 + r.nextInt(70_000));
      c.fill(at, pieces, at, n);
      at += n;
    }
    assertArrayEquals(whole, pieces);
  }

  @Test
  public void everyFourKibIsStampedSoSegmentsAndRunsDiffer() throws IOException {
    byte[] a = all(new BenchCommand.Content(2 << 20, 1));
    byte[] b = all(new BenchCommand.Content(2 << 20, 2));
    assertFalse("two seeds", Arrays.equals(a, b));
    assertFalse("the 1 MiB block repeats, but its stamps differ",
        Arrays.equals(Arrays.copyOfRange(a, 0, 1 << 20), Arrays.copyOfRange(a, 1 << 20, 2 << 20)));
  }

  @Test
  public void theCheckFindsTheFirstWrongByteAndShortOrLongBodies() throws IOException {
    BenchCommand.Content c = new BenchCommand.Content(1_500_000, 9);
    byte[] good = all(c);
    assertEquals(-1, c.firstDifference(new ByteArrayInputStream(good)));
    byte[] bad = good.clone();
    bad[1_234_567] ^= 1;
    assertEquals(1_234_567, c.firstDifference(new ByteArrayInputStream(bad)));
    assertEquals(1000, c.firstDifference(new ByteArrayInputStream(Arrays.copyOf(good, 1000))));
    assertEquals(good.length, c.firstDifference(new ByteArrayInputStream(Arrays.copyOf(good, good.length + 1))));
  }

  private static void assertArrayEquals(byte[] expected, byte[] actual) {
    org.junit.Assert.assertArrayEquals(expected, actual);
  }
}
