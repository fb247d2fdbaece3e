package io.cess.core.account;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Verifies Ed25519 signatures (RFC 8032) against a raw 32-byte public key, as stored for an
 * account, with the JDK's provider. It answers only yes or no: a malformed key or signature is
 * simply a signature that does not verify, so callers on the request path never see an exception.
 */
public final class Ed25519Verifier {
  /** Length of an Ed25519 signature. */
  public static final int SIGNATURE_BYTES = 64;

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows. */
  static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private Ed25519Verifier() {}

  /** True if {@code signature} is a valid Ed25519 signature of {@code message} by the key. */
  public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
    if (rawPublicKey == null
        || rawPublicKey.length != AccountIds.PUBLIC_KEY_BYTES
        || message == null
        || signature == null
        || signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey(rawPublicKey));
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      // A key that is not a curve point fails in the provider, with either kind of exception.
      return false;
    }
  }

  static PublicKey publicKey(byte[] rawPublicKey) throws GeneralSecurityException {
    byte[] encoded = new byte[X509_PREFIX.length + rawPublicKey.length];
    System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
    System.arraycopy(rawPublicKey, 0, encoded, X509_PREFIX.length, rawPublicKey.length);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
  }
}
