package io.cess.http.routes;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.pattern.AskTimeoutException;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.cess.actors.gateway.AccessKeyException;
import io.cess.actors.gateway.CallbackException;
import io.cess.actors.gateway.PutOptions;
import io.cess.actors.storage.FragmentException;
import io.cess.actors.transfer.TransferException;
import io.cess.core.placement.PlacementException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping from domain errors to HTTP: a status code and the JSON body
 * {@code {"error": "...", "code": "..."}} that every endpoint answers errors with.
 */
public final class ApiErrors {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  public static HttpResponse response(StatusCode status, String code, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("code", code);
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.MAPPER.writeValueAsString(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  public static Route completeWith(HttpResponse response) {
    return akka.http.javadsl.server.Directives.complete(response);
  }

  public static Route complete(StatusCode status, String code, String message) {
    return akka.http.javadsl.server.Directives.complete(response(status, code, message));
  }

  /** Maps failures of futures and routes to their documented status and code. */
  public static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> akka.http.javadsl.server.Directives.complete(forFailure(e)))
        .build();
  }

  /** A failure as the API reports it: HTTP status, error code and message. */
  public record ApiError(StatusCode status, String code, String message) {}

  static HttpResponse forFailure(Throwable failure) {
    ApiError error = errorFor(failure);
    return response(error.status(), error.code(), error.message());
  }

  /** The documented status and code of a failure of a future or a route (unknown ones are logged). */
  public static ApiError errorFor(Throwable failure) {
    Throwable e = unwrap(failure);
    if (e instanceof PlacementException) {
      return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "InsufficientMiners", e.getMessage());
    }
    if (e instanceof TransferException) {
      return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "TransferFailed", e.getMessage());
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException) {
      return new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "Timeout", "the cluster did not answer in time: " + e.getMessage());
    }
    if (e instanceof io.cess.http.protect.BodyTooSlowException) {
      return new ApiError(StatusCodes.REQUEST_TIMEOUT, "RequestTimeout", e.getMessage() + "; nothing was stored");
    }
    if (e instanceof EntityStreamSizeException size) {
      return new ApiError(StatusCodes.PAYLOAD_TOO_LARGE, "EntityTooLarge", "request body exceeds the limit of " + size.limit() + " bytes");
    }
    if (e instanceof FragmentException f) {
      return switch (f.reason()) {
        case UNKNOWN_MINER -> new ApiError(StatusCodes.NOT_FOUND, "NoSuchMiner", f.getMessage());
        case QUOTA_EXCEEDED -> new ApiError(StatusCodes.INSUFFICIENT_STORAGE, "QuotaExceeded", f.getMessage());
        case BAD_CONTENT -> new ApiError(StatusCodes.BAD_REQUEST, "BadFragment", f.getMessage());
      };
    }
    if (e instanceof io.cess.actors.gateway.BucketAccessException b) {
      return switch (b.reason()) {
        case NO_SUCH_BUCKET -> new ApiError(StatusCodes.NOT_FOUND, "NoSuchBucket", b.getMessage());
        case ACCESS_DENIED -> new ApiError(StatusCodes.FORBIDDEN, "AccessDenied", b.getMessage());
      };
    }
    if (e instanceof AccessKeyException k) {
      return switch (k.reason()) {
        case NO_SUCH_ACCOUNT -> new ApiError(StatusCodes.NOT_FOUND, "NoSuchAccount", k.getMessage());
        case NO_SUCH_ACCESS_KEY -> new ApiError(StatusCodes.NOT_FOUND, "NoSuchAccessKey", k.getMessage());
      };
    }
    if (e instanceof CallbackException c) {
      return switch (c.reason()) {
        case INVALID_EXPIRY -> new ApiError(StatusCodes.BAD_REQUEST, "InvalidArgument", c.getMessage());
        case INVALID_TOKEN -> new ApiError(StatusCodes.FORBIDDEN, "InvalidToken", c.getMessage());
        case EXPIRED_TOKEN -> new ApiError(StatusCodes.FORBIDDEN, "ExpiredToken", c.getMessage());
        case ACCESS_DENIED -> new ApiError(StatusCodes.FORBIDDEN, "AccessDenied", c.getMessage());
        case NO_SUCH_KEY -> new ApiError(StatusCodes.NOT_FOUND, "NoSuchKey", c.getMessage());
        case OBJECT_REPLACED -> new ApiError(StatusCodes.GONE, "ObjectReplaced", c.getMessage());
      };
    }
    if (e instanceof PutOptions.InvalidPolicy) {
      return new ApiError(StatusCodes.BAD_REQUEST, "InvalidPolicy", e.getMessage());
    }
    if (e instanceof StatusReply.ErrorMessage) {
      return new ApiError(StatusCodes.BAD_REQUEST, "Rejected", e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return new ApiError(StatusCodes.BAD_REQUEST, "BadRequest", e.getMessage());
    }
    log.error("request failed", e);
    return new ApiError(StatusCodes.INTERNAL_SERVER_ERROR, "InternalError", String.valueOf(e.getMessage()));
  }

  /** The failure inside the CompletionException/ExecutionException wrappers of futures. */
  public static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Rejections (no route, wrong method, bad entity) answered in the same JSON shape. */
  public static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler()
        .mapRejectionResponse(
            resp -> {
              if (resp.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict strict
                  && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                String message = strict.getData().utf8String();
                String code = resp.status().equals(StatusCodes.NOT_FOUND) ? "NotFound"
                    : resp.status().equals(StatusCodes.METHOD_NOT_ALLOWED) ? "MethodNotAllowed"
                    : resp.status().equals(StatusCodes.PAYLOAD_TOO_LARGE) ? "EntityTooLarge"
                    : "BadRequest";
                return response(resp.status(), code, message);
              }
              return resp;
            });
  }
}
