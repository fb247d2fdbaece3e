package io.cess.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class Sha256Test {

  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  public void hexMatchesKnownVectors() {
    assertEquals(EMPTY_SHA256, Sha256.hex(new byte[0]));
    assertEquals(ABC_SHA256, Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  public void hexOfFinishedDigestEqualsHexOfWholeInput() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] data = new byte[random.nextInt(5000)];
      random.nextBytes(data);
      MessageDigest d = Sha256.newDigest();
      int split = data.length == 0 ? 0 : random.nextInt(data.length + 1);
      d.update(data, 0, split);
      d.update(data, split, data.length - split);
      String incremental = Sha256.hex(d);
      assertEquals(Sha256.hex(data), incremental);
      assertTrue(
          "hex output must be a valid fingerprint: " + incremental, Sha256.isHex(incremental));
    }
  }

  @Test
  public void newDigestReturnsAFreshDigestEachTime() {
    MessageDigest a = Sha256.newDigest();
    a.update((byte) 1);
    assertEquals(EMPTY_SHA256, Sha256.hex(Sha256.newDigest()));
  }

  @Test
  public void isHexAcceptsOnlyLowerCase64Characters() {
    assertTrue(Sha256.isHex(EMPTY_SHA256));
    assertTrue(Sha256.isHex("0123456789abcdef".repeat(4)));
    assertFalse(Sha256.isHex(null));
    assertFalse(Sha256.isHex(""));
    assertFalse(Sha256.isHex(EMPTY_SHA256.substring(1)));
    assertFalse(Sha256.isHex(EMPTY_SHA256 + "0"));
    assertFalse(Sha256.isHex(EMPTY_SHA256.toUpperCase()));
    assertFalse(Sha256.isHex("g" + EMPTY_SHA256.substring(1)));
    assertFalse(Sha256.isHex(" " + EMPTY_SHA256.substring(1)));
    assertFalse(Sha256.isHex("/" + EMPTY_SHA256.substring(1)));
    assertFalse(Sha256.isHex(":" + EMPTY_SHA256.substring(1)));
  }

  @Test
  public void isHexRejectsEveryNonHexCharacterInAnyPosition() {
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      char c = (char) random.nextInt(0x250);
      boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      int pos = random.nextInt(64);
      String s = EMPTY_SHA256.substring(0, pos) + c + EMPTY_SHA256.substring(pos + 1);
      assertEquals("char " + (int) c + " at " + pos, hexDigit, Sha256.isHex(s));
    }
  }
}
