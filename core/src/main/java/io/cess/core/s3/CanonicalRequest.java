package io.cess.core.s3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The SigV4 canonical request, built as S3 builds it; the verifier and the signer both go through
 * here, so that what is verified is exactly what is signed.
 *
 * <pre>
 * METHOD \n canonical URI \n canonical query \n (name:value \n)* \n signed;headers \n payload hash
 * </pre>
 *
 * <ul>
 *   <li>URI: S3 neither normalizes the path (no removal of {@code .}, {@code ..} or repeated {@code
 *       /}) nor encodes it twice, unlike the other AWS services. Each {@code /}-separated segment
 *       of the raw path is percent-decoded and encoded again with {@link UriEncoding}, so that
 *       {@code test$file.text} and {@code test%24file.text} both sign as {@code test%24file.text},
 *       while an encoded slash {@code %2F} stays inside its segment.
 *   <li>Query: every parameter encoded, sorted by encoded name then encoded value, a valueless one
 *       written {@code name=}; {@code X-Amz-Signature} is left out (it carries the result).
 *   <li>Headers: the signed ones, in the signed order, names lower-case, values with leading and
 *       trailing whitespace removed and inner whitespace runs collapsed to one space, repeated
 *       values joined with {@code ','}.
 * </ul>
 */
public final class CanonicalRequest {
  private static final Comparator<String[]> BY_NAME_THEN_VALUE =
      Comparator.<String[], String>comparing(pair -> pair[0]).thenComparing(pair -> pair[1]);

  private CanonicalRequest() {}

  /**
   * @param signedHeaders lower-case header names; each must be present in the request
   * @param payloadHash the {@code x-amz-content-sha256} value, or {@code UNSIGNED-PAYLOAD}
   */
  public static String build(S3Request request, List<String> signedHeaders, String payloadHash) {
    StringBuilder canonical = new StringBuilder(512);
    canonical.append(request.method()).append('\n');
    canonical.append(canonicalUri(request.rawPath())).append('\n');
    canonical.append(canonicalQuery(request.query())).append('\n');
    for (String name : signedHeaders) {
      canonical.append(name).append(':');
      canonical.append(canonicalHeaderValue(request.headerValues(name))).append('\n');
    }
    canonical.append('\n');
    canonical.append(String.join(";", signedHeaders)).append('\n');
    canonical.append(payloadHash);
    return canonical.toString();
  }

  static String canonicalUri(String rawPath) {
    StringBuilder uri = new StringBuilder(rawPath.length() + 16);
    String[] segments = rawPath.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        uri.append('/');
      }
      uri.append(UriEncoding.encode(UriEncoding.decode(segments[i], false), true));
    }
    return uri.length() == 0 ? "/" : uri.toString();
  }

  static String canonicalQuery(List<QueryParameter> query) {
    List<String[]> encoded = new ArrayList<>(query.size());
    for (QueryParameter parameter : query) {
      if (!parameter.name().equals(PresignedQuery.SIGNATURE)) {
        encoded.add(new String[] {parameter.encodedName(), parameter.encodedValue()});
      }
    }
    encoded.sort(BY_NAME_THEN_VALUE);
    StringBuilder canonical = new StringBuilder();
    for (String[] pair : encoded) {
      if (canonical.length() > 0) {
        canonical.append('&');
      }
      canonical.append(pair[0]).append('=').append(pair[1]);
    }
    return canonical.toString();
  }

  static String canonicalHeaderValue(List<String> values) {
    StringBuilder joined = new StringBuilder();
    for (String value : values) {
      if (joined.length() > 0) {
        joined.append(',');
      }
      appendTrimmedAndCollapsed(value, joined);
    }
    return joined.toString();
  }

  private static void appendTrimmedAndCollapsed(String value, StringBuilder out) {
    boolean pendingSpace = false;
    boolean started = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b) {
        pendingSpace = started;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
        started = true;
      }
    }
  }
}
