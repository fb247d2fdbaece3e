package io.cess.core.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps a file's data key for one recipient (the owner, a grantee, an application) with their
 * X25519 public key, ECIES-style (the shape of HPKE base mode, RFC 9180):
 *
 * <pre>
 * (e, E)  = fresh ephemeral X25519 key pair, one per wrap
 * shared  = X25519(e, recipientPublicKey)          (all-zero result refused)
 * KEK     = HKDF-SHA256(salt = E | recipientPublicKey, IKM = shared,
 *                       info = "cess/keywrap/v1", L = 32)
 * nonce   = 12 random bytes
 * ct      = AES-256-GCM(KEK, nonce, AD = 0x01 | E | recipientPublicKey, dataKey)
 * </pre>
 *
 * Both public keys enter the key derivation and the associated data, so a wrapped key opens only
 * for the recipient it was made for. The stored form is {@link WrappedKey#toBytes()}. Instances are
 * thread-safe.
 */
public final class KeyWrap {
  private static final byte[] INFO = "cess/keywrap/v1".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  public KeyWrap() {
    this(new SecureRandom());
  }

  public KeyWrap(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A fresh recipient key pair (raw 32-byte keys). */
  public static X25519KeyPair generateKeyPair() {
    return X25519KeyPair.generate();
  }

  public WrappedKey wrap(byte[] dataKey, byte[] recipientPublicKey) {
    Objects.requireNonNull(dataKey, "dataKey");
    if (recipientPublicKey == null || recipientPublicKey.length != X25519KeyPair.KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 public key is 32 bytes");
    }
    X25519KeyPair ephemeral = X25519KeyPair.generate(random);
    byte[] ephemeralPublic = ephemeral.publicKey();
    byte[] kek =
        keyEncryptionKey(
            ephemeral.privateKey(), recipientPublicKey, ephemeralPublic, recipientPublicKey);
    byte[] nonce = new byte[WrappedKey.NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(kek, "AES"),
          new GCMParameterSpec(WrappedKey.TAG_BYTES * 8, nonce));
      gcm.updateAAD(associatedData(ephemeralPublic, recipientPublicKey));
      return new WrappedKey(ephemeralPublic, nonce, gcm.doFinal(dataKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while wrapping", e);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /**
   * The data key inside {@code wrapped}, or a {@link CryptoException} if it was not wrapped for this
   * private key or was altered.
   */
  public byte[] unwrap(WrappedKey wrapped, byte[] recipientPrivateKey) {
    Objects.requireNonNull(wrapped, "wrapped");
    byte[] recipientPublic = X25519KeyPair.publicKeyOf(recipientPrivateKey);
    byte[] ephemeralPublic = wrapped.ephemeralPublicKey();
    byte[] kek =
        keyEncryptionKey(recipientPrivateKey, ephemeralPublic, ephemeralPublic, recipientPublic);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.DECRYPT_MODE,
          new SecretKeySpec(kek, "AES"),
          new GCMParameterSpec(WrappedKey.TAG_BYTES * 8, wrapped.nonce()));
      gcm.updateAAD(associatedData(ephemeralPublic, recipientPublic));
      return gcm.doFinal(wrapped.ciphertext());
    } catch (AEADBadTagException e) {
      throw new CryptoException(
          "wrapped key does not open: wrong private key, or the wrapped key was altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while unwrapping", e);
    } finally {
      Arrays.fill(kek, (byte) 0);
    }
  }

  /** The KEK from our private key and the other party's public key (same on both sides). */
  private static byte[] keyEncryptionKey(
      byte[] privateKey, byte[] peerPublic, byte[] ephemeralPublic, byte[] recipientPublic) {
    byte[] shared = X25519KeyPair.agree(privateKey, peerPublic);
    try {
      return Hkdf.derive(concat(ephemeralPublic, recipientPublic), shared, INFO, 32);
    } finally {
      Arrays.fill(shared, (byte) 0);
    }
  }

  private static byte[] associatedData(byte[] ephemeralPublic, byte[] recipientPublic) {
    byte[] ad = new byte[1 + 2 * X25519KeyPair.KEY_BYTES];
    ad[0] = WrappedKey.FORMAT_VERSION;
    System.arraycopy(ephemeralPublic, 0, ad, 1, X25519KeyPair.KEY_BYTES);
    System.arraycopy(recipientPublic, 0, ad, 1 + X25519KeyPair.KEY_BYTES, X25519KeyPair.KEY_BYTES);
    return ad;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
