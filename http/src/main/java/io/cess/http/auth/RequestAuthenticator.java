package io.cess.http.auth;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.core.account.ReplayCache;
import io.cess.core.account.RequestAuthException;
import io.cess.core.account.RequestSignature;
import io.cess.http.protect.RateLimiter;
import io.cess.http.routes.ApiErrors;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Verifies native API request signatures ({@code Authorization: CESS-ED25519 Account=..,
 * Signature=..} over method, raw target, {@code x-cess-date} and {@code x-cess-content-sha256};
 * see {@link RequestSignature}): the account must exist, the date be within the allowed skew and
 * the signature new to this gateway (replays are refused). A bad signature is always refused;
 * an unsigned request is refused only when {@code cess.http.auth.require} is on, else it is
 * served as anonymous.
 */
public final class RequestAuthenticator {

  /** Who signed the request; {@code contentSha256} is null for UNSIGNED-PAYLOAD. */
  public record Caller(String accountId, String contentSha256) {}

  private final AccountKeyring accounts;
  private final boolean required;
  private final Duration maxSkew;
  private final ReplayGuard replays;
  private final Clock clock = Clock.systemUTC();
  private final RateLimiter limiter;

  /** {@code limiter}: the request budgets, charged once the caller is known. */
  public RequestAuthenticator(akka.actor.typed.ActorSystem<?> system, AccountKeyring accounts, Config config, RateLimiter limiter) {
    Config c = config.getConfig("cess.http.auth");
    this.accounts = accounts;
    this.limiter = limiter;
    this.required = c.getBoolean("require");
    this.maxSkew = c.getDuration("max-clock-skew");
    this.replays = new ReplayGuard(
        akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry.get(system)
            .sessionFor(akka.stream.alpakka.cassandra.CassandraSessionSettings.create("alpakka.cassandra")),
        config.getString("cess.cassandra.keyspace"),
        new ReplayCache(maxSkew, c.getInt("replay-cache-entries"), clock), maxSkew, clock);
  }

  public Route authenticate(Function<Optional<Caller>, Route> inner) {
    return extractRequest(
        request -> {
          Optional<String> header = request.getHeader("Authorization").map(HttpHeader::value);
          if (header.isEmpty()) {
            return required
                ? ApiErrors.complete(StatusCodes.UNAUTHORIZED, "MissingAuthentication",
                    "sign the request: Authorization: CESS-ED25519 Account=<id>, Signature=<base64> (see `cess account create`)")
                : limiter.limitByClientAddress(() -> inner.apply(Optional.empty()));
          }
          RequestSignature.Parsed parsed;
          try {
            parsed = RequestSignature.parse(header.get());
          } catch (IllegalArgumentException e) {
            return ApiErrors.complete(StatusCodes.UNAUTHORIZED, "AuthorizationHeaderMalformed", e.getMessage());
          }
          return onSuccess(
              accounts.lookup(parsed.accountId()),
              account -> {
                if (!"active".equals(account.status())) {
                  return ApiErrors.complete(StatusCodes.FORBIDDEN, "NoSuchAccount", "account " + parsed.accountId() + " does not exist");
                }
                byte[] key = io.cess.core.account.AccountIds.parsePublicKey(account.signingKey());
                return onSuccess(verified(request, parsed, key), refusal -> refusal.map(ApiErrors::completeWith).orElseGet(() -> limiter.limit(
                    RateLimiter.accountKey(parsed.accountId()), () -> inner.apply(Optional.of(caller(request, parsed))))));
              });
        });
  }

  /**
   * Checks a parsed signature against {@code signingKey}; an error response, or empty when the
   * request is authentic and not a replay anywhere in the cluster ({@link ReplayGuard}). Used directly where the key arrives in the request
   * itself (account registration proves possession of the key it registers).
   */
  public CompletionStage<Optional<HttpResponse>> verified(HttpRequest request, RequestSignature.Parsed parsed, byte[] signingKey) {
    String date = headerValue(request, RequestSignature.DATE_HEADER);
    String contentSha256 = headerValue(request, RequestSignature.CONTENT_SHA256_HEADER);
    try {
      RequestSignature.verify(parsed, signingKey, request.method().value(), rawTarget(request), date, contentSha256, clock, maxSkew);
    } catch (RequestAuthException e) {
      return CompletableFuture.completedFuture(Optional.of(ApiErrors.response(StatusCodes.FORBIDDEN, e.code(), e.getMessage())));
    }
    return replays.firstUse(parsed.signatureBase64(), RequestSignature.parseDate(date)).thenApply(first -> first
        ? Optional.<HttpResponse>empty()
        : Optional.of(ApiErrors.response(StatusCodes.FORBIDDEN, "RequestReplayed", "this signed request was already used")));
  }

  static Caller caller(HttpRequest request, RequestSignature.Parsed parsed) {
    String sha = headerValue(request, RequestSignature.CONTENT_SHA256_HEADER);
    return new Caller(parsed.accountId(), RequestSignature.UNSIGNED_PAYLOAD.equals(sha) ? null : sha);
  }

  private static String headerValue(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value).orElse("");
  }

  /** The request target exactly as the client sent it (akka-http's raw-request-uri header). */
  public static String rawTarget(HttpRequest request) {
    return request.getHeader("Raw-Request-URI").map(HttpHeader::value)
        .orElseGet(() -> request.getUri().getPathString() + request.getUri().rawQueryString().map(q -> "?" + q).orElse(""));
  }
}
