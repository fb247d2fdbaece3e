package io.cess.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869) on the JDK's {@code HmacSHA256}: every key in the package is
 * derived through it, so that no key is ever used for two purposes (the {@code info} strings name
 * the purpose and carry a format version).
 */
public final class Hkdf {
  static final int HASH_BYTES = 32;
  private static final int MAX_OUTPUT_BYTES = 255 * HASH_BYTES;

  private Hkdf() {}

  /** HKDF-Extract: PRK = HMAC-SHA256(salt, ikm); an empty or null salt means 32 zero bytes. */
  public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
    byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt;
    Mac mac = hmac(effectiveSalt);
    return mac.doFinal(inputKeyMaterial);
  }

  /** HKDF-Expand: the first {@code lengthBytes} bytes of T(1) | T(2) | ... */
  public static byte[] expand(byte[] pseudoRandomKey, byte[] info, int lengthBytes) {
    if (lengthBytes < 0 || lengthBytes > MAX_OUTPUT_BYTES) {
      throw new IllegalArgumentException(
          "HKDF-SHA256 output must be 0.." + MAX_OUTPUT_BYTES + " bytes, asked " + lengthBytes);
    }
    if (pseudoRandomKey.length < HASH_BYTES) {
      throw new IllegalArgumentException("HKDF PRK must be at least 32 bytes");
    }
    Mac mac = hmac(pseudoRandomKey);
    byte[] info0 = info == null ? new byte[0] : info;
    byte[] out = new byte[lengthBytes];
    byte[] block = new byte[0];
    int written = 0;
    for (int counter = 1; written < lengthBytes; counter++) {
      mac.update(block);
      mac.update(info0);
      mac.update((byte) counter);
      block = mac.doFinal();
      int n = Math.min(HASH_BYTES, lengthBytes - written);
      System.arraycopy(block, 0, out, written, n);
      written += n;
    }
    Arrays.fill(block, (byte) 0);
    return out;
  }

  /** Extract then expand. */
  public static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int lengthBytes) {
    byte[] prk = extract(salt, inputKeyMaterial);
    try {
      return expand(prk, info, lengthBytes);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always provides HmacSHA256", e);
    }
  }
}
