package io.cess.actors.bucket;

import io.cess.actors.CborSerializable;
import java.time.Instant;

/**
 * What a bucket holds under one key: the stored file and the facts a HEAD answers with. {@code
 * etag} (hex MD5, S3 uploads only), {@code contentType} and {@code metadata} may be null.
 */
public record ObjectEntry(
    String fileId, long sizeBytes, String sha256, Instant storedAt, String etag, String contentType, java.util.Map<String, String> metadata)
    implements CborSerializable {

  /** An entry of a native upload: no S3 ETag, type or metadata. */
  public ObjectEntry(String fileId, long sizeBytes, String sha256, Instant storedAt) {
    this(fileId, sizeBytes, sha256, storedAt, null, null, java.util.Map.of());
  }
}
