package io.cess.http.protect;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;
import io.cess.http.routes.ApiErrors;

/**
 * Answers requests akka-http refuses while parsing them, before any route sees them (configured
 * as {@code akka.http.server.parsing.error-handler}): the API's JSON error body instead of plain
 * text, and 431 for too many headers, which akka-http answers with a bare 400 although it is the
 * same limit as a header too long. The connection is closed after the answer either way.
 */
public final class RequestParsingErrors extends ParsingErrorHandler {

  /** How akka-http 10.2 words the refusal of a request over akka.http.server.parsing.max-header-count. */
  static final String TOO_MANY_HEADERS = "HTTP message contains more than the configured limit of";

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    int code = status.intValue() == 400 && info.summary().startsWith(TOO_MANY_HEADERS)
        ? StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE.intValue()
        : status.intValue();
    log.warning("Illegal request, responding with status {}: {}", code, info.formatPretty());
    String message = settings.verboseErrorMessages() ? info.formatPretty() : info.summary();
    return ApiErrors.response(StatusCodes.get(code), errorCode(code), message);
  }

  static String errorCode(int status) {
    return switch (status) {
      case 400 -> "BadRequest";
      case 413 -> "EntityTooLarge";
      case 414 -> "UriTooLong";
      case 431 -> "RequestHeaderFieldsTooLarge";
      case 501 -> "NotImplemented";
      case 505 -> "HttpVersionNotSupported";
      default -> "Rejected";
    };
  }
}
