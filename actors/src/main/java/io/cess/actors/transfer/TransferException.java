package io.cess.actors.transfer;

/** A holder refused or failed a shard transfer. */
public final class TransferException extends RuntimeException {
  public TransferException(String message) {
    super(message);
  }
}
