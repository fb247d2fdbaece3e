package io.cess.core.callback;

/** A callback token that does not grant anything (any more). */
public final class CallbackTokenException extends RuntimeException {

  public enum Reason {
    /** Not a token this cluster issued, or altered since: malformed, or its MAC does not match. */
    INVALID,
    /** Authentic, but past its expiry. */
    EXPIRED
  }

  private final Reason reason;

  public CallbackTokenException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
