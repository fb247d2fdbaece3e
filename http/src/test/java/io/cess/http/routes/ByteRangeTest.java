package io.cess.http.routes;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class ByteRangeTest {

  @Test
  public void resolvesTheThreeFormsAgainstTheSize() {
    assertArrayEquals(new long[] {0, 0}, ByteRange.parse("bytes=0-0", 100));
    assertArrayEquals(new long[] {10, 99}, ByteRange.parse("bytes=10-", 100));
    assertArrayEquals(new long[] {90, 99}, ByteRange.parse("bytes=-10", 100));
    assertArrayEquals("a suffix longer than the object is the whole object", new long[] {0, 99}, ByteRange.parse("bytes=-500", 100));
    assertArrayEquals("the end is clamped to the last byte", new long[] {50, 99}, ByteRange.parse("bytes=50-1000", 100));
  }

  @Test
  public void unsatisfiableRangesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ByteRange.parse("bytes=100-", 100));
    assertThrows(IllegalArgumentException.class, () -> ByteRange.parse("bytes=5-4", 100));
    assertThrows(IllegalArgumentException.class, () -> ByteRange.parse("bytes=-0", 100));
    assertThrows(IllegalArgumentException.class, () -> ByteRange.parse("bytes=-1", 0));
  }

  @Test
  public void headersWeDoNotServeAreIgnored() {
    assertNull("several ranges: served whole", ByteRange.parse("bytes=0-1,5-6", 100));
    assertNull(ByteRange.parse("items=0-1", 100));
    assertNull(ByteRange.parse("bytes=a-b", 100));
    assertNull(ByteRange.parse("bytes=12", 100));
  }
}
