package io.cess.core.s3;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/**
 * The timestamps of SigV4: the ISO 8601 basic form {@code 20130524T000000Z} of {@code x-amz-date}
 * and {@code X-Amz-Date} (which is also the form inside the string to sign), and the RFC 1123
 * {@code Date} header that S3 accepts in place of {@code x-amz-date}.
 */
public final class AmzDate {
  private static final DateTimeFormatter BASIC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
          .withZone(ZoneOffset.UTC)
          .withResolverStyle(ResolverStyle.STRICT);

  private AmzDate() {}

  /** {@code 20130524T000000Z}; sub-second parts are dropped. */
  public static String format(Instant instant) {
    return BASIC.format(instant);
  }

  /**
   * Parses the basic form; empty unless the text is exactly a valid {@code yyyyMMdd'T'HHmmss'Z'}.
   */
  public static Optional<Instant> parse(String text) {
    if (text.length() != 16) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(BASIC.parse(text)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Parses an RFC 1123 HTTP date such as {@code Fri, 24 May 2013 00:00:00 GMT}. */
  public static Optional<Instant> parseHttpDate(String text) {
    try {
      return Optional.of(
          ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
