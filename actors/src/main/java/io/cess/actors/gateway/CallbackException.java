package io.cess.actors.gateway;

/** A callback (expiring download URL) that cannot be issued or does not open (any more). */
public final class CallbackException extends RuntimeException {

  public enum Reason {
    /** The expiry asked for is outside 1 s .. the configured maximum. */
    INVALID_EXPIRY,
    /** Not a token of this cluster, or altered. */
    INVALID_TOKEN,
    /** Authentic but expired. */
    EXPIRED_TOKEN,
    /** The account that issued it may no longer read the bucket. */
    ACCESS_DENIED,
    /** No such object (never, or deleted since). */
    NO_SUCH_KEY,
    /** The key holds other content now: a callback opens only the content it was issued for. */
    OBJECT_REPLACED
  }

  private final Reason reason;

  public CallbackException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
