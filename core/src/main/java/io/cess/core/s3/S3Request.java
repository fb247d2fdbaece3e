package io.cess.core.s3;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What SigV4 needs to know of an HTTP request, as plain values: the method, the path exactly as it
 * arrived (still percent-encoded, not normalized), the decoded query parameters in arrival order,
 * and the headers as a multimap whose names are compared case-insensitively. The HTTP layer builds
 * one per request; it must pass every header the client sent, including those an HTTP library tends
 * to model apart from the header list ({@code Host}, {@code Content-Length}, {@code Content-Type},
 * {@code Content-Encoding}), because clients sign them.
 */
public record S3Request(
    String method, String rawPath, List<QueryParameter> query, Map<String, List<String>> headers) {
  private static final Pattern METHOD = Pattern.compile("[A-Z]+");

  public S3Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    if (!METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("method must be an upper-case token, is '" + method + "'");
    }
    if (!rawPath.startsWith("/")) {
      throw new IllegalArgumentException("rawPath must start with '/', is '" + rawPath + "'");
    }
    query = List.copyOf(query);
    TreeMap<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = Objects.requireNonNull(header.getKey(), "header name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a header name is blank");
      }
      byName.computeIfAbsent(name, n -> new ArrayList<>()).addAll(header.getValue());
    }
    byName.replaceAll((name, values) -> List.copyOf(values));
    headers = Collections.unmodifiableMap(byName);
  }

  /**
   * A request from a raw request target such as {@code /bucket/key?uploadId=7&partNumber=1} and
   * single-valued headers; a convenience for tests and for HTTP layers that keep the target whole.
   */
  public static S3Request of(String method, String rawTarget, Map<String, String> headers) {
    int question = rawTarget.indexOf('?');
    String rawPath = question < 0 ? rawTarget : rawTarget.substring(0, question);
    String rawQuery = question < 0 ? "" : rawTarget.substring(question + 1);
    Map<String, List<String>> multimap = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((name, value) -> multimap.put(name, List.of(value)));
    return new S3Request(method, rawPath, QueryParameter.parseRawQuery(rawQuery), multimap);
  }

  /** Every value of the header, in arrival order; empty if absent. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name, List.of());
  }

  /**
   * The header's value, if present.
   *
   * @throws S3AuthException {@code InvalidArgument} if the header appears more than once: the
   *     headers read this way (dates, digests, lengths) have no meaning when repeated
   */
  public Optional<String> header(String name) {
    List<String> values = headerValues(name);
    if (values.size() > 1) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_ARGUMENT, "The header " + name + " must not appear more than once.");
    }
    return values.stream().findFirst();
  }

  /** Every value of the query parameter, in arrival order; empty if absent. */
  public List<String> queryValues(String name) {
    return query.stream().filter(p -> p.name().equals(name)).map(QueryParameter::value).toList();
  }

  public boolean hasQueryParameter(String name) {
    return query.stream().anyMatch(p -> p.name().equals(name));
  }

  /** This request with one more header value (appended to any values the header already has). */
  public S3Request withHeader(String name, String value) {
    Map<String, List<String>> more = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    more.putAll(headers);
    List<String> values = new ArrayList<>(headerValues(name));
    values.add(value);
    more.put(name, values);
    return new S3Request(method, rawPath, query, more);
  }

  /** This request with its query parameters replaced. */
  public S3Request withQuery(List<QueryParameter> newQuery) {
    return new S3Request(method, rawPath, newQuery, headers);
  }
}
