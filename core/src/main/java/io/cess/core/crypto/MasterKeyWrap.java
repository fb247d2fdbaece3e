package io.cess.core.crypto;

import java.nio.ByteBuffer;
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
 * Keeps per-account secrets (in server-side mode: the account's X25519 private key, under which
 * its files' data keys are wrapped by {@link KeyWrap}) encrypted under the node's master key.
 *
 * <pre>
 * KEK     = HKDF-SHA256(salt = none, IKM = masterKey, info = "cess/account-key/v1", L = 32)
 * wrapped = version (1 byte, 0x01) | nonce (12 random bytes)
 *         | AES-256-GCM(KEK, nonce, AD, accountKey)  (ciphertext, then the 16-byte tag)
 * AD      = version | uint32_be(len(utf8(accountId))) | utf8(accountId)
 * </pre>
 *
 * The account id in the associated data means a wrapped key copied to another account's record
 * does not open. Random 96-bit nonces under one KEK stay within NIST SP 800-38D's 2^32
 * invocation limit as long as a node wraps fewer than four billion account keys. The master key
 * itself is used only through the derived KEK. Instances are thread-safe.
 */
public final class MasterKeyWrap {
  public static final byte FORMAT_VERSION = 1;
  public static final int MASTER_KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BYTES = 16;
  private static final byte[] INFO = "cess/account-key/v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec kek;
  private final SecureRandom random;

  public MasterKeyWrap(byte[] masterKey) {
    this(masterKey, new SecureRandom());
  }

  public MasterKeyWrap(byte[] masterKey, SecureRandom random) {
    if (masterKey == null || masterKey.length != MASTER_KEY_BYTES) {
      throw new IllegalArgumentException("the master key is " + MASTER_KEY_BYTES + " bytes");
    }
    byte[] kekBytes = Hkdf.derive(null, masterKey, INFO, 32);
    this.kek = new SecretKeySpec(kekBytes, "AES");
    Arrays.fill(kekBytes, (byte) 0);
    this.random = Objects.requireNonNull(random, "random");
  }

  public byte[] wrap(String accountId, byte[] accountKey) {
    Objects.requireNonNull(accountKey, "accountKey");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BYTES * 8, nonce));
      gcm.updateAAD(associatedData(accountId));
      byte[] sealed = gcm.doFinal(accountKey);
      byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
      out[0] = FORMAT_VERSION;
      System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while wrapping an account key", e);
    }
  }

  /**
   * The account key, or a {@link CryptoException} if {@code wrapped} was altered, belongs to
   * another account, or was made under another master key.
   */
  public byte[] unwrap(String accountId, byte[] wrapped) {
    byte[] ad = associatedData(accountId);
    if (wrapped == null || wrapped.length < 1 + NONCE_BYTES + TAG_BYTES) {
      throw new CryptoException("a wrapped account key is at least 29 bytes");
    }
    if (wrapped[0] != FORMAT_VERSION) {
      throw new CryptoException("unknown wrapped account key format version " + wrapped[0]);
    }
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(
          Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BYTES * 8, wrapped, 1, NONCE_BYTES));
      gcm.updateAAD(ad);
      return gcm.doFinal(wrapped, 1 + NONCE_BYTES, wrapped.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new CryptoException(
          "account key of " + accountId + " does not open: altered, another account's,"
              + " or another master key",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while unwrapping an account key", e);
    }
  }

  private static byte[] associatedData(String accountId) {
    byte[] id = Objects.requireNonNull(accountId, "accountId").getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + id.length)
        .put(FORMAT_VERSION)
        .putInt(id.length)
        .put(id)
        .array();
  }
}
