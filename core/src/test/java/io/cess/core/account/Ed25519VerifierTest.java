package io.cess.core.account;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.Test;

public class Ed25519VerifierTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8032 section 7.1, TEST 1 and TEST 2.
  private static final byte[] RFC_PUBLIC_1 =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC_SIGNATURE_1 =
      HEX.parseHex(
          "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  /** The order of the Ed25519 base point. */
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  @Test
  public void rfc8032VectorVerifies() {
    assertTrue(Ed25519Verifier.verify(RFC_PUBLIC_1, new byte[0], RFC_SIGNATURE_1));
    assertFalse(Ed25519Verifier.verify(RFC_PUBLIC_1, new byte[] {0}, RFC_SIGNATURE_1));
  }

  @Test
  public void anyFlippedBitInMessageSignatureOrKeyFails() {
    AccountKeys keys = AccountKeys.generate();
    byte[] message = "cess".getBytes(StandardCharsets.UTF_8);
    byte[] signature = keys.sign(message);
    assertTrue(Ed25519Verifier.verify(keys.publicKey(), message, signature));
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] badSignature = flipRandomBit(signature, random);
      assertFalse(Ed25519Verifier.verify(keys.publicKey(), message, badSignature));
      assertFalse(
          Ed25519Verifier.verify(keys.publicKey(), flipRandomBit(message, random), signature));
      assertFalse(
          Ed25519Verifier.verify(flipRandomBit(keys.publicKey(), random), message, signature));
    }
    assertFalse(Ed25519Verifier.verify(AccountKeys.generate().publicKey(), message, signature));
  }

  @Test
  public void wrongLengthsAndNullsAreFalseNotExceptions() {
    AccountKeys keys = AccountKeys.generate();
    byte[] message = new byte[] {1, 2, 3};
    byte[] signature = keys.sign(message);
    byte[] key = keys.publicKey();
    assertFalse(Ed25519Verifier.verify(key, message, Arrays.copyOf(signature, 63)));
    assertFalse(Ed25519Verifier.verify(key, message, Arrays.copyOf(signature, 65)));
    assertFalse(Ed25519Verifier.verify(key, message, new byte[0]));
    assertFalse(Ed25519Verifier.verify(Arrays.copyOf(key, 31), message, signature));
    assertFalse(Ed25519Verifier.verify(Arrays.copyOf(key, 33), message, signature));
    assertFalse(Ed25519Verifier.verify(null, message, signature));
    assertFalse(Ed25519Verifier.verify(key, null, signature));
    assertFalse(Ed25519Verifier.verify(key, message, null));
  }

  @Test
  public void keysThatAreNotCurvePointsAreFalseNotExceptions() {
    byte[] message = new byte[] {1};
    byte[] signature = AccountKeys.generate().sign(message);
    byte[] yNotBelowP = new byte[32];
    Arrays.fill(yNotBelowP, (byte) 0xff);
    yNotBelowP[31] = 0x7f; // y = 2^255 - 1, not a field element
    assertFalse(Ed25519Verifier.verify(yNotBelowP, message, signature));
    assertFalse(Ed25519Verifier.verify(new byte[32], message, signature));
    Random random = new Random(3);
    for (int i = 0; i < 100; i++) {
      byte[] key = new byte[32];
      random.nextBytes(key);
      assertFalse(Ed25519Verifier.verify(key, message, signature));
    }
  }

  /**
   * S + L verifies the same equation; RFC 8032 requires refusing it, else signatures are malleable.
   */
  @Test
  public void nonCanonicalSIsRefused() {
    byte[] s = Arrays.copyOfRange(RFC_SIGNATURE_1, 32, 64);
    BigInteger sPlusL = littleEndian(s).add(L);
    byte[] malleated = RFC_SIGNATURE_1.clone();
    System.arraycopy(toLittleEndian32(sPlusL), 0, malleated, 32, 32);
    assertEquals(littleEndian(s), littleEndian(Arrays.copyOfRange(malleated, 32, 64)).mod(L));
    assertFalse(Ed25519Verifier.verify(RFC_PUBLIC_1, new byte[0], malleated));
  }

  private static byte[] flipRandomBit(byte[] bytes, Random random) {
    byte[] copy = bytes.clone();
    int bit = random.nextInt(copy.length * 8);
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] bigEndian = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bigEndian[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, bigEndian);
  }

  private static byte[] toLittleEndian32(BigInteger value) {
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      out[i] = value.shiftRight(8 * i).byteValue();
    }
    return out;
  }
}
