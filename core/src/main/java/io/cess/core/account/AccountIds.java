package io.cess.core.account;

import io.cess.core.Sha256;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Account ids and raw public keys as they appear on the wire. An account id is {@code "cess"}
 * followed by the lower-case hex of the first 20 bytes of SHA-256 over the raw 32-byte Ed25519
 * public key (44 characters), so an id names exactly one key and can be recomputed from it.
 */
public final class AccountIds {
  /** Length of a raw Ed25519 public key. */
  public static final int PUBLIC_KEY_BYTES = 32;

  static final String PREFIX = "cess";
  private static final int DIGEST_BYTES_IN_ID = 20;

  /** Length of an account id in characters. */
  public static final int ID_LENGTH = PREFIX.length() + 2 * DIGEST_BYTES_IN_ID;

  private static final HexFormat HEX = HexFormat.of();

  private AccountIds() {}

  /** The account id of a raw 32-byte Ed25519 public key. */
  public static String of(byte[] rawPublicKey) {
    if (rawPublicKey == null || rawPublicKey.length != PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
    }
    byte[] digest = Sha256.newDigest().digest(rawPublicKey);
    return PREFIX + HEX.formatHex(Arrays.copyOf(digest, DIGEST_BYTES_IN_ID));
  }

  /** True only for {@code "cess"} followed by exactly 40 lower-case hex digits. */
  public static boolean isValid(String id) {
    if (id == null || id.length() != ID_LENGTH || !id.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < ID_LENGTH; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes a raw Ed25519 public key from standard, padded base64. Only the canonical encoding of
   * exactly 32 bytes is accepted, so that one key has one textual form.
   */
  public static byte[] parsePublicKey(String base64) {
    byte[] key = decodeCanonicalBase64(base64, "public key");
    if (key.length != PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is 32 bytes, the base64 decodes to " + key.length);
    }
    return key;
  }

  /**
   * Standard base64 that must re-encode to exactly the input: no missing padding, no stray bits in
   * the last character, no whitespace. Strings compared or remembered (signatures in the replay
   * cache) then have a single form.
   */
  static byte[] decodeCanonicalBase64(String base64, String what) {
    if (base64 == null || base64.isEmpty()) {
      throw new IllegalArgumentException("the " + what + " is missing");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + " is not valid base64", e);
    }
    if (!Base64.getEncoder().encodeToString(decoded).equals(base64)) {
      throw new IllegalArgumentException("the " + what + " is not canonical padded base64");
    }
    return decoded;
  }
}
