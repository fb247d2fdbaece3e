package io.cess.http.protect;

/**
 * A request body stalled or trickled below the gateway's minimum pace ({@code
 * cess.http.body-idle-timeout}, {@code cess.http.body-min-rate}); the request is answered 408
 * where a response can still be sent, and nothing of it is stored.
 */
public final class BodyTooSlowException extends RuntimeException {

  public BodyTooSlowException(String message) {
    super(message);
  }
}
