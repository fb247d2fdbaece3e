package io.cess.core.account;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Signing of native-API requests with an account's Ed25519 key. The signed string is UTF-8, five
 * lines joined by {@code "\n"} (no trailing newline):
 *
 * <pre>
 * CESS-ED25519
 * PUT                                  HTTP method, upper-case
 * /v1/files/a%20b?part=2               request target exactly as sent: not decoded, not normalized
 * 2026-11-30T12:00:00Z                 header x-cess-date
 * 9f86d081...0f00a08                    header x-cess-content-sha256, or UNSIGNED-PAYLOAD
 * </pre>
 *
 * and the request carries {@code Authorization: CESS-ED25519 Account=<id>, Signature=<base64>}.
 * Verification checks the body hash's form, the date against a clock window, that the header's
 * account is the key's, and the signature; it does not hash the body (the gateway does that while
 * streaming it) nor look for replays ({@link ReplayCache}).
 */
public final class RequestSignature {
  public static final String SCHEME = "CESS-ED25519";
  public static final String DATE_HEADER = "x-cess-date";
  public static final String CONTENT_SHA256_HEADER = "x-cess-content-sha256";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

  private static final String ACCOUNT_PARAM = "Account=";
  private static final String SIGNATURE_PARAM = "Signature=";
  private static final String FORMAT = "expected '" + SCHEME + " Account=<id>, Signature=<base64>'";

  /** UTC only, whole seconds with an optional fraction: one spelling per instant, nearly. */
  private static final Pattern DATE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

  private static final Pattern METHOD = Pattern.compile("[A-Za-z]+");

  private RequestSignature() {}

  /** The signed form of an {@code Authorization} header; accessors return copies. */
  public record Parsed(String accountId, byte[] signature) {
    public Parsed {
      if (!AccountIds.isValid(accountId)) {
        throw new IllegalArgumentException("Authorization: Account is not a valid account id");
      }
      if (signature == null || signature.length != Ed25519Verifier.SIGNATURE_BYTES) {
        throw new IllegalArgumentException("Authorization: Signature must be 64 bytes");
      }
      signature = signature.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /** The signature in canonical base64: the key to remember in a {@link ReplayCache}. */
    public String signatureBase64() {
      return Base64.getEncoder().encodeToString(signature);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Parsed other
          && accountId.equals(other.accountId)
          && Arrays.equals(signature, other.signature);
    }

    @Override
    public int hashCode() {
      return accountId.hashCode() * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
      return "Parsed[accountId=" + accountId + ", signature=" + signatureBase64() + "]";
    }
  }

  /**
   * The string to sign. Every part is a single line; a part with CR or LF is refused so that two
   * different requests can never share a canonical string.
   */
  public static String canonical(String method, String target, String date, String contentSha256) {
    requireSingleLine(method, "method");
    requireSingleLine(target, "request target");
    requireSingleLine(date, "date");
    requireSingleLine(contentSha256, "content sha256");
    return String.join("\n", SCHEME, method.toUpperCase(Locale.ROOT), target, date, contentSha256);
  }

  /** The {@code Authorization} header value for a request signed with {@code keys}. */
  public static String authorization(
      AccountKeys keys, String method, String target, String date, String contentSha256) {
    byte[] signature =
        keys.sign(canonical(method, target, date, contentSha256).getBytes(StandardCharsets.UTF_8));
    return SCHEME
        + " "
        + ACCOUNT_PARAM
        + keys.accountId()
        + ", "
        + SIGNATURE_PARAM
        + Base64.getEncoder().encodeToString(signature);
  }

  /**
   * The three headers that sign a request now ({@code Authorization}, {@code x-cess-date},
   * {@code x-cess-content-sha256}), in that order: what a client adds to its request. The date
   * keeps the clock's fraction of a second, so that two identical requests in one second have
   * different signatures (the gateway refuses a signature it has seen as a replay).
   */
  public static java.util.Map<String, String> headers(
      AccountKeys keys, String method, String target, String contentSha256, Instant now) {
    String date = now.toString();
    java.util.Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("Authorization", authorization(keys, method, target, date, contentSha256));
    h.put(DATE_HEADER, date);
    h.put(CONTENT_SHA256_HEADER, contentSha256);
    return h;
  }

  /**
   * Parses an {@code Authorization} header strictly: exactly {@code CESS-ED25519 Account=<id>,
   * Signature=<base64>} with single spaces, a valid account id and a canonical base64 signature of
   * 64 bytes.
   *
   * @throws IllegalArgumentException with a message saying what is wrong
   */
  public static Parsed parse(String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.isEmpty()) {
      throw new IllegalArgumentException("Authorization header is missing");
    }
    if (!authorizationHeader.startsWith(SCHEME + " ")) {
      throw new IllegalArgumentException("Authorization scheme must be " + SCHEME + "; " + FORMAT);
    }
    String[] params = authorizationHeader.substring(SCHEME.length() + 1).split(", ", -1);
    if (params.length != 2) {
      throw new IllegalArgumentException(
          "Authorization has " + params.length + " parameters; " + FORMAT);
    }
    if (!params[0].startsWith(ACCOUNT_PARAM)) {
      throw new IllegalArgumentException("Authorization must name Account first; " + FORMAT);
    }
    if (!params[1].startsWith(SIGNATURE_PARAM)) {
      throw new IllegalArgumentException("Authorization must give Signature second; " + FORMAT);
    }
    String accountId = params[0].substring(ACCOUNT_PARAM.length());
    if (!AccountIds.isValid(accountId)) {
      throw new IllegalArgumentException(
          "Authorization: Account is not a valid account id ('cess' and 40 lower-case hex digits)");
    }
    byte[] signature;
    try {
      signature =
          AccountIds.decodeCanonicalBase64(
              params[1].substring(SIGNATURE_PARAM.length()), "signature");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Authorization: " + e.getMessage(), e);
    }
    if (signature.length != Ed25519Verifier.SIGNATURE_BYTES) {
      throw new IllegalArgumentException(
          "Authorization: Signature must be 64 bytes, got " + signature.length);
    }
    return new Parsed(accountId, signature);
  }

  /**
   * The instant of an {@code x-cess-date} value: {@code yyyy-MM-ddTHH:mm:ssZ} with an optional
   * fraction of a second, in UTC.
   *
   * @throws RequestAuthException with code {@code InvalidDate}
   */
  public static Instant parseDate(String date) {
    if (date == null || !DATE.matcher(date).matches()) {
      throw new RequestAuthException(
          RequestAuthException.INVALID_DATE,
          DATE_HEADER + " must be a UTC instant like 2026-11-30T12:00:00Z");
    }
    try {
      return Instant.parse(date);
    } catch (DateTimeParseException e) {
      throw new RequestAuthException(
          RequestAuthException.INVALID_DATE, DATE_HEADER + " is not a valid date: " + date);
    }
  }

  /**
   * Checks a parsed header against the request and the account's key.
   *
   * @param window how far {@code date} may be from {@code clock.instant()}, either way (inclusive)
   * @throws RequestAuthException whose code says which check failed
   */
  public static void verify(
      Parsed parsed,
      byte[] rawPublicKey,
      String method,
      String target,
      String date,
      String contentSha256,
      Clock clock,
      Duration window) {
    Objects.requireNonNull(parsed, "parsed");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(window, "window");
    if (contentSha256 == null
        || !(UNSIGNED_PAYLOAD.equals(contentSha256) || Sha256.isHex(contentSha256))) {
      throw new RequestAuthException(
          RequestAuthException.INVALID_CONTENT_SHA256,
          CONTENT_SHA256_HEADER + " must be 64 lower-case hex digits or " + UNSIGNED_PAYLOAD);
    }
    Instant requestTime = parseDate(date);
    Instant now = clock.instant();
    if (Duration.between(requestTime, now).abs().compareTo(window) > 0) {
      throw new RequestAuthException(
          RequestAuthException.REQUEST_TIME_TOO_SKEWED,
          "request time " + date + " differs from server time " + now + " by more than " + window);
    }
    if (rawPublicKey == null
        || rawPublicKey.length != AccountIds.PUBLIC_KEY_BYTES
        || !AccountIds.of(rawPublicKey).equals(parsed.accountId())) {
      throw new RequestAuthException(
          RequestAuthException.SIGNATURE_DOES_NOT_MATCH,
          "the public key does not belong to account " + parsed.accountId());
    }
    if (method == null
        || !METHOD.matcher(method).matches()
        || target == null
        || target.indexOf('\n') >= 0
        || target.indexOf('\r') >= 0) {
      throw new RequestAuthException(
          RequestAuthException.SIGNATURE_DOES_NOT_MATCH, "malformed request method or target");
    }
    byte[] canonical =
        canonical(method, target, date, contentSha256).getBytes(StandardCharsets.UTF_8);
    if (!Ed25519Verifier.verify(rawPublicKey, canonical, parsed.signature)) {
      throw new RequestAuthException(
          RequestAuthException.SIGNATURE_DOES_NOT_MATCH,
          "the signature does not match the request and the key of account " + parsed.accountId());
    }
  }

  private static void requireSingleLine(String part, String name) {
    Objects.requireNonNull(part, name);
    if (part.indexOf('\n') >= 0 || part.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("the " + name + " must not contain a line break");
    }
  }
}
