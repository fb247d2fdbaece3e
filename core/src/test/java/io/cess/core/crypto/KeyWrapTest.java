package io.cess.core.crypto;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.Test;

public class KeyWrapTest {
  private static final HexFormat HEX = HexFormat.of();
  private final KeyWrap keyWrap = new KeyWrap();

  @Test
  public void x25519MatchesRfc7748Section61() {
    byte[] alicePrivate =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPrivate =
        HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    byte[] alicePublic = X25519KeyPair.publicKeyOf(alicePrivate);
    byte[] bobPublic = X25519KeyPair.publicKeyOf(bobPrivate);
    assertEquals(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        HEX.formatHex(alicePublic));
    assertEquals(
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        HEX.formatHex(bobPublic));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, HEX.formatHex(X25519KeyPair.agree(alicePrivate, bobPublic)));
    assertEquals(shared, HEX.formatHex(X25519KeyPair.agree(bobPrivate, alicePublic)));
  }

  @Test
  public void generatedKeyPairsAreRawAndConsistent() {
    X25519KeyPair pair = KeyWrap.generateKeyPair();
    assertEquals(32, pair.publicKey().length);
    assertEquals(32, pair.privateKey().length);
    assertArrayEquals(pair.publicKey(), X25519KeyPair.publicKeyOf(pair.privateKey()));
    assertFalse(Arrays.equals(pair.publicKey(), KeyWrap.generateKeyPair().publicKey()));
    assertFalse(pair.toString().contains(HEX.formatHex(pair.privateKey())));
  }

  @Test
  public void wrapThenUnwrapThroughTheStoredBytes() {
    X25519KeyPair owner = KeyWrap.generateKeyPair();
    byte[] dataKey = SegmentCipher.newDataKey();
    WrappedKey wrapped = keyWrap.wrap(dataKey, owner.publicKey());
    byte[] stored = wrapped.toBytes();
    assertEquals(1 + 32 + 12 + 32 + 16, stored.length);
    WrappedKey parsed = WrappedKey.fromBytes(stored);
    assertEquals(wrapped, parsed);
    assertArrayEquals(dataKey, keyWrap.unwrap(parsed, owner.privateKey()));
  }

  @Test
  public void eachGranteeOpensOnlyTheirOwnCopy() {
    X25519KeyPair owner = KeyWrap.generateKeyPair();
    X25519KeyPair grantee = KeyWrap.generateKeyPair();
    byte[] dataKey = SegmentCipher.newDataKey();
    WrappedKey forOwner = keyWrap.wrap(dataKey, owner.publicKey());
    WrappedKey forGrantee = keyWrap.wrap(dataKey, grantee.publicKey());
    assertArrayEquals(dataKey, keyWrap.unwrap(forGrantee, grantee.privateKey()));
    assertThrows(CryptoException.class, () -> keyWrap.unwrap(forOwner, grantee.privateKey()));
    assertThrows(CryptoException.class, () -> keyWrap.unwrap(forGrantee, owner.privateKey()));
    assertThrows(
        CryptoException.class,
        () -> keyWrap.unwrap(forOwner, KeyWrap.generateKeyPair().privateKey()));
  }

  @Test
  public void twoWrapsOfTheSameKeyDiffer() {
    X25519KeyPair owner = KeyWrap.generateKeyPair();
    byte[] dataKey = SegmentCipher.newDataKey();
    byte[] a = keyWrap.wrap(dataKey, owner.publicKey()).toBytes();
    byte[] b = keyWrap.wrap(dataKey, owner.publicKey()).toBytes();
    assertFalse(Arrays.equals(a, b));
    assertFalse(Arrays.equals(Arrays.copyOfRange(a, 1, 33), Arrays.copyOfRange(b, 1, 33)));
  }

  @Test
  public void everyFlippedByteOfTheStoredFormIsRejected() {
    X25519KeyPair owner = KeyWrap.generateKeyPair();
    byte[] stored = keyWrap.wrap(SegmentCipher.newDataKey(), owner.publicKey()).toBytes();
    for (int i = 0; i < stored.length; i++) {
      byte[] tampered = stored.clone();
      tampered[i] ^= 0x40;
      try {
        keyWrap.unwrap(WrappedKey.fromBytes(tampered), owner.privateKey());
        fail("flip at " + i + " unwrapped");
      } catch (CryptoException expected) {
        // version byte, ephemeral key, nonce, ciphertext and tag are all checked
      }
    }
    for (int length = 0; length < stored.length; length++) {
      byte[] truncated = Arrays.copyOf(stored, length);
      assertThrows(
          CryptoException.class,
          () -> keyWrap.unwrap(WrappedKey.fromBytes(truncated), owner.privateKey()));
    }
  }

  @Test
  public void smallOrderEphemeralKeyIsRejected() {
    X25519KeyPair owner = KeyWrap.generateKeyPair();
    WrappedKey real = keyWrap.wrap(SegmentCipher.newDataKey(), owner.publicKey());
    WrappedKey zeroPoint = new WrappedKey(new byte[32], real.nonce(), real.ciphertext());
    assertThrows(CryptoException.class, () -> keyWrap.unwrap(zeroPoint, owner.privateKey()));
    assertThrows(
        CryptoException.class, () -> keyWrap.wrap(SegmentCipher.newDataKey(), new byte[32]));
  }
}
