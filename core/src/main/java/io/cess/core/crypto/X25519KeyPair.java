package io.cess.core.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair as raw 32-byte strings (RFC 7748): the form stored for accounts and grantees
 * and passed to {@link KeyWrap}. The accessors return copies; {@link #toString} hides the private
 * key.
 */
public record X25519KeyPair(byte[] publicKey, byte[] privateKey) {
  public static final int KEY_BYTES = 32;

  public X25519KeyPair {
    if (publicKey == null || publicKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 public key is 32 bytes");
    }
    if (privateKey == null || privateKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    publicKey = publicKey.clone();
    privateKey = privateKey.clone();
  }

  public static X25519KeyPair generate() {
    return generate(new SecureRandom());
  }

  public static X25519KeyPair generate(SecureRandom random) {
    byte[] privateKey = new byte[KEY_BYTES];
    X25519.generatePrivateKey(random, privateKey);
    return new X25519KeyPair(publicKeyOf(privateKey), privateKey);
  }

  /** The public key (u-coordinate of scalar * base point) of a raw private key. */
  public static byte[] publicKeyOf(byte[] privateKey) {
    if (privateKey == null || privateKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    byte[] publicKey = new byte[KEY_BYTES];
    X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    return publicKey;
  }

  /**
   * The X25519 function of RFC 7748 (section 5): the shared secret of a private key and a peer's
   * public key. An all-zero result (a small-order public key) is refused as RFC 7748 section 6.1
   * allows, with a {@link CryptoException}.
   */
  public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
    if (privateKey == null || privateKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    if (peerPublicKey == null || peerPublicKey.length != KEY_BYTES) {
      throw new CryptoException("an X25519 public key is 32 bytes");
    }
    byte[] shared = new byte[KEY_BYTES];
    if (!X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0)) {
      throw new CryptoException("X25519 public key of small order (all-zero shared secret)");
    }
    return shared;
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] privateKey() {
    return privateKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof X25519KeyPair other
        && Arrays.equals(publicKey, other.publicKey)
        && Arrays.equals(privateKey, other.privateKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "X25519KeyPair[publicKey=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
  }
}
