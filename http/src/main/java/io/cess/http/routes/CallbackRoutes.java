package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.actors.gateway.CallbackLinks;
import io.cess.actors.gateway.ObjectGateway;
import java.time.Duration;
import java.time.Instant;

/**
 * Callbacks, the whitepaper's "get the URL of the download resource": {@code POST
 * /v1/buckets/{b}/objects/{key}/callback[?expires-in=<seconds>]} (signed, read access; routed by
 * {@link ObjectRoutes}) answers an expiring URL {@code <gateway>/v1/callbacks/<token>}, which
 * {@code GET} and {@code HEAD} without a signature, with Range, on any gateway of the cluster:
 * 403 {@code ExpiredToken} after expiry, 403 {@code InvalidToken} when altered, 404 when the
 * object is gone and 410 {@code ObjectReplaced} once it was overwritten.
 */
public final class CallbackRoutes {

  /** The answer to a POST: the URL to hand out, and when it stops working. */
  public record CallbackView(String url, Instant expiresAt, String bucket, String key, String fileId) {}

  private final ObjectGateway objects;
  private final CallbackLinks callbacks;
  private final CallbackSettings settings;
  private final String baseUrl;

  /** {@code baseUrl}: this gateway's advertised HTTP URL, which issued callback URLs start with. */
  public CallbackRoutes(ObjectGateway objects, CallbackLinks callbacks, CallbackSettings settings, String baseUrl) {
    this.objects = objects;
    this.callbacks = callbacks;
    this.settings = settings;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** Issues a callback for {@code bucket/key}; the caller has checked {@code account}'s read access. */
  Route issue(String bucket, String key, String account) {
    return parameterOptional("expires-in", text -> {
      Duration expiresIn;
      try {
        expiresIn = text.map(t -> Duration.ofSeconds(Long.parseLong(t))).orElse(settings.defaultExpiry());
      } catch (NumberFormatException e) {
        return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument",
            "expires-in is a number of seconds, at most " + settings.maxExpiry().toSeconds());
      }
      return onSuccess(issue(bucket, key, account, expiresIn), view -> complete(StatusCodes.CREATED, view, Json.marshaller()));
    });
  }

  /** A callback URL on this gateway for {@code bucket/key} (read access checked by the caller). */
  public java.util.concurrent.CompletionStage<CallbackView> issue(String bucket, String key, String account, Duration expiresIn) {
    return callbacks.issue(bucket, key, account, expiresIn)
        .thenApply(issued -> new CallbackView(baseUrl + "/v1/callbacks/" + issued.token(), issued.expiresAt(), bucket, key, issued.fileId()));
  }

  public CallbackSettings settings() {
    return settings;
  }

  /** {@code GET|HEAD /v1/callbacks/<token>}: outside the authenticator, the token is the credential. */
  public Route open() {
    return path(PathMatchers.segment("v1").slash("callbacks").slash(PathMatchers.segment()), token -> concat(
        get(() -> serve(token, true)),
        head(() -> serve(token, false))));
  }

  private Route serve(String token, boolean body) {
    return optionalHeaderValueByName("Range", range -> onSuccess(callbacks.open(token), d ->
        // the URL is a bearer credential: no shared cache may keep the answer
        respondWithHeader(RawHeader.create("Cache-Control", "private, no-store"),
            () -> ObjectRoutes.serve(objects, d, range.orElse(null), body))));
  }
}
