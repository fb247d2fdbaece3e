package io.cess.core.crypto;

/**
 * A ciphertext, wrapped key or key that does not authenticate or is malformed: tampered, truncated,
 * bound to another file, segment or account, or opened with the wrong key. Callers get this and
 * never any plaintext; the message says which check failed but never contains key material.
 */
public class CryptoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CryptoException(String message) {
    super(message);
  }

  public CryptoException(String message, Throwable cause) {
    super(message, cause);
  }
}
