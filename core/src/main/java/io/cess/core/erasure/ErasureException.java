package io.cess.core.erasure;

/**
 * Too few shards survive to rebuild a segment: fewer than k of its k+m shards are present. The
 * segment's data is not recoverable from these shards, and nothing was written.
 */
public final class ErasureException extends RuntimeException {
  public ErasureException(String message) {
    super(message);
  }
}
