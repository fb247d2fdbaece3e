package io.cess.chaos.net;

/** The chaos network could not be built, changed or torn down as asked. */
public final class ChaosNetException extends RuntimeException {

  public ChaosNetException(String message) {
    super(message);
  }

  public ChaosNetException(String message, Throwable cause) {
    super(message, cause);
  }
}
