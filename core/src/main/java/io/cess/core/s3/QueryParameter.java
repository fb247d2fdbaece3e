package io.cess.core.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One decoded query string parameter of an S3 request, {@code name=value}; a parameter written
 * without {@code '='} (S3's sub-resources such as {@code ?acl} or {@code ?uploads}) has the empty
 * value, which is also how SigV4 canonicalizes it ({@code acl=}). Names repeat in a query string,
 * so a request carries a list of these, in the order they arrived.
 */
public record QueryParameter(String name, String value) {
  public QueryParameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Splits and decodes a raw query string (what follows {@code '?'}, without it; null or empty for
   * none). Empty pieces ({@code a=1&&b=2}) are skipped; {@code '+'} decodes as a space, as in form
   * encoding, so a literal plus must arrive as {@code %2B} (every AWS SDK sends it that way).
   *
   * @throws S3AuthException {@code InvalidURI} for a malformed escape or bytes that are not UTF-8
   */
  public static List<QueryParameter> parseRawQuery(String rawQuery) {
    List<QueryParameter> parameters = new ArrayList<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String piece : rawQuery.split("&", -1)) {
      if (piece.isEmpty()) {
        continue;
      }
      int equals = piece.indexOf('=');
      String name = equals < 0 ? piece : piece.substring(0, equals);
      String value = equals < 0 ? "" : piece.substring(equals + 1);
      parameters.add(
          new QueryParameter(
              UriEncoding.decodeUtf8(name, true), UriEncoding.decodeUtf8(value, true)));
    }
    return parameters;
  }

  /** The raw query string for these parameters, in this order, each part {@link UriEncoding}-d. */
  public static String toRawQuery(List<QueryParameter> parameters) {
    StringBuilder query = new StringBuilder();
    for (QueryParameter parameter : parameters) {
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(parameter.encodedName()).append('=').append(parameter.encodedValue());
    }
    return query.toString();
  }

  String encodedName() {
    return UriEncoding.encode(name, true);
  }

  String encodedValue() {
    return UriEncoding.encode(value, true);
  }
}
