package io.cess.actors.gateway;

import io.cess.core.policy.StoragePolicy;
import java.util.Map;

/**
 * How an upload is checked and described, beyond its bytes.
 *
 * @param owner the account its data key is wrapped to (null: the master key)
 * @param expectedSha256 hex SHA-256 the body must have (a signed request's promise), or null
 * @param expectedMd5Base64 the {@code Content-MD5} the body must have, or null
 * @param computeMd5 whether to compute the body's MD5 for an S3 ETag (it costs a hash pass)
 * @param contentType the {@code Content-Type} to answer reads with, or null
 * @param metadata user metadata ({@code x-amz-meta-*} without the prefix), never null
 * @param etag the ETag to record instead of a computed one (a completed multipart upload's), or null
 * @param policy the policy to store this object with instead of its bucket's, or null
 * @param extraRedundancy whether to add {@link StoragePolicy#withExtraRedundancy() extra
 *     redundancy} to that policy (the whitepaper's "push": store and back up)
 */
public record PutOptions(
    String owner, String expectedSha256, String expectedMd5Base64, boolean computeMd5, String contentType, Map<String, String> metadata,
    String etag, StoragePolicy policy, boolean extraRedundancy) {

  public PutOptions {
    metadata = Map.copyOf(metadata);
  }

  /** Stored with the bucket's policy. */
  public PutOptions(
      String owner, String expectedSha256, String expectedMd5Base64, boolean computeMd5, String contentType, Map<String, String> metadata,
      String etag) {
    this(owner, expectedSha256, expectedMd5Base64, computeMd5, contentType, metadata, etag, null, false);
  }

  /** The same upload stored with {@code policy} (null: the bucket's), plus extra redundancy when asked. */
  public PutOptions withPolicy(StoragePolicy policy, boolean extraRedundancy) {
    return new PutOptions(owner, expectedSha256, expectedMd5Base64, computeMd5, contentType, metadata, etag, policy, extraRedundancy);
  }

  /**
   * The policy this upload is stored with, given its bucket's.
   *
   * @throws InvalidPolicy when the extra redundancy exceeds what the policy's kind allows
   */
  public StoragePolicy effectivePolicy(StoragePolicy bucketPolicy) {
    StoragePolicy base = policy != null ? policy : bucketPolicy;
    if (!extraRedundancy) {
      return base;
    }
    try {
      return base.withExtraRedundancy();
    } catch (IllegalArgumentException e) {
      throw new InvalidPolicy("extra redundancy on " + base + " is not possible: " + e.getMessage());
    }
  }

  /** A policy that cannot be stored with: nothing was stored. */
  public static final class InvalidPolicy extends IllegalArgumentException {
    public InvalidPolicy(String message) {
      super(message);
    }
  }

  /** A native API upload: the owner (or null) and the signed body hash (or null). */
  public static PutOptions nativeUpload(String owner, String expectedSha256) {
    return new PutOptions(owner, expectedSha256, null, false, null, Map.of(), null);
  }

  /** A body that is not the one promised: nothing was stored. {@code code} is the S3 error code. */
  public static final class DigestMismatch extends IllegalArgumentException {
    private final String code;

    public DigestMismatch(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
