package io.cess.actors.gateway;

/**
 * A bucket operation was refused: the bucket does not exist, or the caller may not do this in it
 * (see {@link io.cess.actors.bucket.Bucket.BucketInfo#allows}).
 */
public final class BucketAccessException extends RuntimeException {
  public enum Reason {
    NO_SUCH_BUCKET,
    ACCESS_DENIED
  }

  private final Reason reason;

  public BucketAccessException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
