package io.cess.actors.transfer;

/**
 * A holder refused or failed a shard transfer. {@code damaged} when the holder answered but the
 * shard is gone or its bytes do not match their fingerprint: the shard needs repair, whereas an
 * unreachable holder may only be restarting.
 */
public final class TransferException extends RuntimeException {
  private final boolean damaged;

  public TransferException(String message) {
    this(message, false);
  }

  public TransferException(String message, boolean damaged) {
    super(message);
    this.damaged = damaged;
  }

  public boolean damaged() {
    return damaged;
  }
}
