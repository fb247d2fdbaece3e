package io.cess.core.account;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.Test;

public class AccountIdsTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  public void idIsCessAndFirst20BytesOfSha256InHex() {
    byte[] key = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String sha256 = io.cess.core.Sha256.hex(key);
    String id = AccountIds.of(key);
    assertEquals("cess" + sha256.substring(0, 40), id);
    assertEquals(44, id.length());
    assertTrue(AccountIds.isValid(id));
  }

  @Test
  public void idsAreDeterministicAndDistinctOverRandomKeys() {
    Random random = new Random(20261130);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      String id = AccountIds.of(key);
      assertEquals(id, AccountIds.of(key.clone()));
      assertTrue(id, AccountIds.isValid(id));
      assertTrue(ids.add(id));
    }
  }

  @Test
  public void ofRefusesKeysThatAreNot32Bytes() {
    assertThrows(IllegalArgumentException.class, () -> AccountIds.of(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> AccountIds.of(new byte[33]));
    assertThrows(IllegalArgumentException.class, () -> AccountIds.of(null));
  }

  @Test
  public void isValidIsAnExactFormatCheck() {
    String id = AccountIds.of(new byte[32]);
    assertTrue(AccountIds.isValid(id));
    assertFalse(AccountIds.isValid(null));
    assertFalse(AccountIds.isValid(""));
    assertFalse(AccountIds.isValid(id.substring(0, 43)));
    assertFalse(AccountIds.isValid(id + "0"));
    assertFalse(AccountIds.isValid("CESS" + id.substring(4)));
    assertFalse(AccountIds.isValid("cesx" + id.substring(4)));
    assertFalse(AccountIds.isValid("cess" + "A".repeat(40)));
    assertFalse(AccountIds.isValid("cess" + "g".repeat(40)));
    assertFalse(AccountIds.isValid("cess" + " ".repeat(40)));
    assertTrue(AccountIds.isValid("cess" + "0123456789abcdef".repeat(3).substring(0, 40)));
  }

  @Test
  public void parsePublicKeyAcceptsOnlyCanonical32ByteBase64() {
    byte[] key = new byte[32];
    new Random(7).nextBytes(key);
    String base64 = Base64.getEncoder().encodeToString(key);
    assertArrayEquals(key, AccountIds.parsePublicKey(base64));

    assertThrows(IllegalArgumentException.class, () -> AccountIds.parsePublicKey(null));
    assertThrows(IllegalArgumentException.class, () -> AccountIds.parsePublicKey(""));
    assertThrows(
        IllegalArgumentException.class, () -> AccountIds.parsePublicKey(base64.replace("=", "")));
    assertThrows(IllegalArgumentException.class, () -> AccountIds.parsePublicKey(" " + base64));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            AccountIds.parsePublicKey(
                Base64.getUrlEncoder().encodeToString(new byte[] {-1, -1, -1})
                    + base64.substring(4)));
    IllegalArgumentException tooShort =
        assertThrows(
            IllegalArgumentException.class,
            () -> AccountIds.parsePublicKey(Base64.getEncoder().encodeToString(new byte[31])));
    assertTrue(tooShort.getMessage(), tooShort.getMessage().contains("32 bytes"));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccountIds.parsePublicKey(Base64.getEncoder().encodeToString(new byte[33])));
  }
}
