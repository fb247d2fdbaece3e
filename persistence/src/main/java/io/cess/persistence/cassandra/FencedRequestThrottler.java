package io.cess.persistence.cassandra;

import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.session.throttling.RequestThrottler;
import com.datastax.oss.driver.api.core.session.throttling.Throttled;

/**
 * The driver's request throttler on a CESS node ({@code datastax-java-driver.advanced.throttler}):
 * lets every request through at once, unless this JVM's {@link PauseFence} tripped, when it fails
 * the request before it is sent. It runs for every request of the session, journal writes
 * included, as late as the driver allows.
 */
public final class FencedRequestThrottler implements RequestThrottler {

  /** Created by the driver by reflection. */
  public FencedRequestThrottler(DriverContext context) {}

  @Override
  public void register(Throttled request) {
    var refusal = PauseFence.refusal();
    if (refusal.isPresent()) {
      request.onThrottleFailure(new RequestThrottlingException(refusal.get()));
    } else {
      request.onThrottleReady(false);
    }
  }

  @Override
  public void signalSuccess(Throttled request) {}

  @Override
  public void signalError(Throttled request, Throwable error) {}

  @Override
  public void signalTimeout(Throttled request) {}

  @Override
  public void close() {}
}
