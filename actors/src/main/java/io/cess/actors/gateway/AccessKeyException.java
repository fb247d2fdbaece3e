package io.cess.actors.gateway;

/**
 * An access key operation was refused: the account does not exist, or the access key does not
 * (for this account: another account's key is reported as missing, so its existence stays hidden).
 * An {@link IllegalArgumentException}: the caller named something that is not there.
 */
public final class AccessKeyException extends IllegalArgumentException {
  public enum Reason {
    NO_SUCH_ACCOUNT,
    NO_SUCH_ACCESS_KEY
  }

  private final Reason reason;

  public AccessKeyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
