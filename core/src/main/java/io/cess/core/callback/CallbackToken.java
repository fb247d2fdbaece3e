package io.cess.core.callback;

import java.time.Instant;

/**
 * What a callback (expiring download) URL grants: reading {@code key} of {@code bucket} as long as
 * it still holds file {@code fileId}, on behalf of {@code account} (null: an anonymous caller),
 * until {@code expiresAt} (exclusive, whole seconds).
 */
public record CallbackToken(String bucket, String key, String fileId, String account, Instant expiresAt) {

  public CallbackToken {
    if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty() || fileId == null || fileId.isEmpty()) {
      throw new IllegalArgumentException("a callback token names a bucket, a key and a file id");
    }
    if (expiresAt == null || expiresAt.getNano() != 0) {
      throw new IllegalArgumentException("a callback token expires at a whole second, was " + expiresAt);
    }
  }
}
