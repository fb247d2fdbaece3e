package io.cess.http.routes;

import com.typesafe.config.Config;
import io.cess.actors.gateway.CallbackLinks;
import java.time.Duration;

/** Callback (expiring download URL) limits, read once from {@code cess.http.callback}. */
public record CallbackSettings(Duration maxExpiry, Duration defaultExpiry) {

  public CallbackSettings {
    if (maxExpiry.compareTo(CallbackLinks.MIN_EXPIRY) < 0) {
      throw new IllegalArgumentException("cess.http.callback.max-expiry must be at least 1s, was " + maxExpiry);
    }
    if (defaultExpiry.compareTo(CallbackLinks.MIN_EXPIRY) < 0 || defaultExpiry.compareTo(maxExpiry) > 0) {
      throw new IllegalArgumentException(
          "cess.http.callback.default-expiry must be 1s..max-expiry (" + maxExpiry + "), was " + defaultExpiry);
    }
  }

  public static CallbackSettings fromConfig(Config root) {
    Config c = root.getConfig("cess.http.callback");
    return new CallbackSettings(c.getDuration("max-expiry"), c.getDuration("default-expiry"));
  }
}
