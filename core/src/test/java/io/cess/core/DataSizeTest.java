package io.cess.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Random;
import org.junit.Test;

public class DataSizeTest {

  @Test
  public void plainNumbersAreBytes() {
    assertEquals(0, DataSize.parseBytes("0"));
    assertEquals(4096, DataSize.parseBytes("4096"));
    assertEquals(4096, DataSize.parseBytes(" 4096 "));
    assertEquals(7, DataSize.parseBytes("7b"));
    assertEquals(7, DataSize.parseBytes("7B"));
  }

  @Test
  public void binaryUnitsInEverySpelling() {
    long[] multipliers = {1L << 10, 1L << 20, 1L << 30, 1L << 40};
    String[] letters = {"k", "m", "g", "t"};
    for (int i = 0; i < letters.length; i++) {
      String l = letters[i];
      for (String unit :
          new String[] {
            l, l + "b", l + "i", l + "ib", l.toUpperCase() + "iB", l.toUpperCase() + "B"
          }) {
        assertEquals(unit, 3 * multipliers[i], DataSize.parseBytes("3" + unit));
        assertEquals(unit, 3 * multipliers[i], DataSize.parseBytes("3 " + unit));
      }
    }
    assertEquals(512L << 20, DataSize.parseBytes("512MiB"));
    assertEquals(10L << 30, DataSize.parseBytes("10GiB"));
  }

  @Test
  public void rejectsWhatIsNotASize() {
    for (String bad :
        new String[] {"", " ", "abc", "-1", "1.5GiB", "GiB", "10 PiB", "5ib", "1kk", "1 0"}) {
      IllegalArgumentException e =
          assertThrows(bad, IllegalArgumentException.class, () -> DataSize.parseBytes(bad));
      assertEquals("not a size: '" + bad + "' (examples: 4096, 512MiB, 10GiB)", e.getMessage());
    }
  }

  @Test
  public void rejectsSizesThatOverflowALong() {
    assertEquals((8388607L) << 40, DataSize.parseBytes("8388607TiB"));
    assertThrows(IllegalArgumentException.class, () -> DataSize.parseBytes("8388608TiB"));
    assertThrows(IllegalArgumentException.class, () -> DataSize.parseBytes("9007199254740992KiB"));
    assertEquals(Long.MAX_VALUE, DataSize.parseBytes(Long.toString(Long.MAX_VALUE)));
    // more digits than a long holds: NumberFormatException is an IllegalArgumentException
    assertThrows(IllegalArgumentException.class, () -> DataSize.parseBytes("99999999999999999999"));
  }

  @Test
  public void formatBelowOneKibIsExactBytes() {
    assertEquals("0 B", DataSize.format(0));
    assertEquals("1023 B", DataSize.format(1023));
  }

  @Test
  public void formatUsesTheLargestBinaryUnit() {
    assertEquals("1.0 KiB", DataSize.format(1024));
    assertEquals("1.5 KiB", DataSize.format(1536));
    assertEquals("512.0 MiB", DataSize.format(512L << 20));
    assertEquals("10.0 GiB", DataSize.format(10L << 30));
    assertEquals("2.0 TiB", DataSize.format(2L << 40));
    assertEquals("2048.0 TiB", DataSize.format(2L << 50));
  }

  @Test
  public void formatThenParseRoundTripsWholeUnits() {
    Random random = new Random(42);
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    for (int i = 0; i < 500; i++) {
      int u = random.nextInt(units.length);
      long n = 1 + random.nextInt(1023);
      long bytes = n << (10 * (u + 1));
      String text = DataSize.format(bytes);
      assertEquals(n + ".0 " + units[u], text);
      assertEquals(bytes, DataSize.parseBytes(text.replace(".0", "")));
    }
  }
}
