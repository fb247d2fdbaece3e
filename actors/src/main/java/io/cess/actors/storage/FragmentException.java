package io.cess.actors.storage;

/** A fragment was refused: unknown miner, no room, or bytes that do not match the fingerprint. */
public final class FragmentException extends RuntimeException {
  public enum Reason {
    UNKNOWN_MINER,
    QUOTA_EXCEEDED,
    BAD_CONTENT
  }

  private final Reason reason;

  public FragmentException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
