package io.cess.http.protect;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import io.cess.http.routes.ApiErrors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The request budget of each caller of one gateway: a token bucket per key (an account, or the
 * client address of unsigned requests) that holds up to {@code burst} requests and refills at
 * {@code requests-per-second}. A request finding its bucket empty is refused with 429 and a
 * {@code Retry-After} of the whole seconds until the bucket holds a request again.
 *
 * <p>Buckets are per gateway (a client spreading over N gateways gets N budgets) and live in
 * memory: at most {@code max-tracked-accounts} of them, the least recently used dropped first
 * (a dropped bucket starts full again, which only ever favours the caller).
 */
public final class RateLimiter {

  /** {@code cess.http.rate-limit}, validated. */
  public record Settings(double requestsPerSecond, int burst, int maxTrackedAccounts) {

    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("cess.http.rate-limit");
      double rate = c.getDouble("requests-per-second");
      if (!(rate > 0)) {
        throw new IllegalArgumentException("cess.http.rate-limit.requests-per-second must be positive, was " + rate);
      }
      int burst = c.getInt("burst");
      if (burst < 1) {
        throw new IllegalArgumentException("cess.http.rate-limit.burst must be at least 1, was " + burst);
      }
      int tracked = c.getInt("max-tracked-accounts");
      if (tracked < 1) {
        throw new IllegalArgumentException("cess.http.rate-limit.max-tracked-accounts must be at least 1, was " + tracked);
      }
      return new Settings(rate, burst, tracked);
    }
  }

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets;

  public RateLimiter(Settings settings) {
    this(settings, System::nanoTime);
  }

  /** {@code nanoTime}: a monotonic clock in nanoseconds (tests pass their own). */
  public RateLimiter(Settings settings, LongSupplier nanoTime) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > settings.maxTrackedAccounts();
      }
    };
  }

  /** The bucket key of an account (native and S3 requests of one account share it). */
  public static String accountKey(String accountId) {
    return "account:" + accountId;
  }

  /** The bucket key of unsigned requests from one client address. */
  public static String addressKey(String address) {
    return "address:" + address;
  }

  /**
   * Takes one request from {@code key}'s bucket: 0 when admitted, else the whole seconds (at
   * least 1) until the bucket holds a request again; nothing is taken from a refused request.
   */
  public long acquire(String key) {
    long now = nanoTime.getAsLong();
    synchronized (buckets) {
      Bucket bucket = buckets.get(key);
      if (bucket == null) {
        bucket = new Bucket(settings.burst(), now);
        buckets.put(key, bucket);
      }
      return bucket.take(now);
    }
  }

  /** How many keys have a bucket now (bounded by {@code max-tracked-accounts}). */
  public int trackedKeys() {
    synchronized (buckets) {
      return buckets.size();
    }
  }

  /** Runs {@code inner} within {@code key}'s budget; over it, the native API's JSON 429. */
  public Route limit(String key, Supplier<Route> inner) {
    return limit(key, RateLimiter::tooManyRequests, inner);
  }

  /** Runs {@code inner} within {@code key}'s budget; over it, {@code refusal}'s answer (given the Retry-After seconds). */
  public Route limit(String key, LongFunction<HttpResponse> refusal, Supplier<Route> inner) {
    long retryAfterSeconds = acquire(key);
    return retryAfterSeconds == 0 ? inner.get() : complete(refusal.apply(retryAfterSeconds));
  }

  /**
   * Runs an unsigned request within the budget of its client address: the TCP peer's address
   * (akka-http's remote-address attribute), never X-Forwarded-For, which any client can forge to
   * get a fresh budget per request.
   */
  public Route limitByClientAddress(Supplier<Route> inner) {
    return extractRequest(request -> limit(addressKey(request.getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(java.net.InetAddress::getHostAddress)
        .orElseThrow(() -> new IllegalStateException(
            "no client address on the request: akka.http.server.remote-address-attribute must be on"))), inner));
  }

  /** The native API's refusal: 429, Retry-After and the JSON error body. */
  public static HttpResponse tooManyRequests(long retryAfterSeconds) {
    return ApiErrors.response(StatusCodes.TOO_MANY_REQUESTS, "SlowDown",
            "request rate limit of this account exceeded; retry after " + retryAfterSeconds + " s")
        .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfterSeconds)));
  }

  /** One key's tokens; guarded by the map's lock. */
  private final class Bucket {
    private double tokens;
    private long refilledAtNanos;

    Bucket(double tokens, long nowNanos) {
      this.tokens = tokens;
      this.refilledAtNanos = nowNanos;
    }

    long take(long nowNanos) {
      long elapsed = Math.max(0, nowNanos - refilledAtNanos);
      tokens = Math.min(settings.burst(), tokens + elapsed * settings.requestsPerSecond() / NANOS_PER_SECOND);
      refilledAtNanos = nowNanos;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / settings.requestsPerSecond()));
    }
  }
}
