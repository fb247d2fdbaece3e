package io.cess.core.crypto;

import java.util.Arrays;

/**
 * A data key wrapped for one recipient by {@link KeyWrap}: the sender's ephemeral X25519 public
 * key, the AES-GCM nonce, and the ciphertext with its 16-byte tag. Stored in manifests as
 * {@link #toBytes()}:
 *
 * <pre>
 * version (1 byte, 0x01) | ephemeralPublicKey (32) | nonce (12) | ciphertext (key length + 16)
 * </pre>
 *
 * (93 bytes for a 32-byte data key). The accessors return copies.
 */
public record WrappedKey(byte[] ephemeralPublicKey, byte[] nonce, byte[] ciphertext) {
  public static final byte FORMAT_VERSION = 1;
  static final int NONCE_BYTES = 12;
  static final int TAG_BYTES = 16;
  private static final int FIXED_BYTES = 1 + X25519KeyPair.KEY_BYTES + NONCE_BYTES;

  public WrappedKey {
    if (ephemeralPublicKey == null || ephemeralPublicKey.length != X25519KeyPair.KEY_BYTES) {
      throw new CryptoException("a wrapped key's ephemeral public key is 32 bytes");
    }
    if (nonce == null || nonce.length != NONCE_BYTES) {
      throw new CryptoException("a wrapped key's nonce is 12 bytes");
    }
    if (ciphertext == null || ciphertext.length < TAG_BYTES) {
      throw new CryptoException("a wrapped key's ciphertext is at least its 16-byte tag");
    }
    ephemeralPublicKey = ephemeralPublicKey.clone();
    nonce = nonce.clone();
    ciphertext = ciphertext.clone();
  }

  public byte[] toBytes() {
    byte[] out = new byte[FIXED_BYTES + ciphertext.length];
    out[0] = FORMAT_VERSION;
    System.arraycopy(ephemeralPublicKey, 0, out, 1, X25519KeyPair.KEY_BYTES);
    System.arraycopy(nonce, 0, out, 1 + X25519KeyPair.KEY_BYTES, NONCE_BYTES);
    System.arraycopy(ciphertext, 0, out, FIXED_BYTES, ciphertext.length);
    return out;
  }

  /** Parses {@link #toBytes()}; a wrong version or a short input is a {@link CryptoException}. */
  public static WrappedKey fromBytes(byte[] bytes) {
    if (bytes == null || bytes.length < FIXED_BYTES + TAG_BYTES) {
      throw new CryptoException("a wrapped key is at least " + (FIXED_BYTES + TAG_BYTES) + " bytes");
    }
    if (bytes[0] != FORMAT_VERSION) {
      throw new CryptoException("unknown wrapped key format version " + bytes[0]);
    }
    return new WrappedKey(
        Arrays.copyOfRange(bytes, 1, 1 + X25519KeyPair.KEY_BYTES),
        Arrays.copyOfRange(bytes, 1 + X25519KeyPair.KEY_BYTES, FIXED_BYTES),
        Arrays.copyOfRange(bytes, FIXED_BYTES, bytes.length));
  }

  @Override
  public byte[] ephemeralPublicKey() {
    return ephemeralPublicKey.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WrappedKey other
        && Arrays.equals(ephemeralPublicKey, other.ephemeralPublicKey)
        && Arrays.equals(nonce, other.nonce)
        && Arrays.equals(ciphertext, other.ciphertext);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "WrappedKey[" + java.util.HexFormat.of().formatHex(toBytes()) + "]";
  }
}
