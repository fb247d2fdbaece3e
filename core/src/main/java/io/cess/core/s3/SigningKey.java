package io.cess.core.s3;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SigV4 signing key, {@code HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request")}, and the three strings to sign it signs: the request ({@code AWS4-HMAC-SHA256}),
 * each aws-chunked chunk ({@code AWS4-HMAC-SHA256-PAYLOAD}) and the trailer ({@code
 * AWS4-HMAC-SHA256-TRAILER}). Signatures are 64 lower-case hex characters. The key is never
 * printed. Instances are immutable and safe to share between threads.
 */
public final class SigningKey {
  static final String EMPTY_SHA256_HEX =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] key;
  private final CredentialScope scope;

  private SigningKey(byte[] key, CredentialScope scope) {
    this.key = key;
    this.scope = scope;
  }

  public static SigningKey derive(String secretAccessKey, CredentialScope scope) {
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    byte[] dateKey =
        hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scope.date());
    byte[] regionKey = hmac(dateKey, scope.region());
    byte[] serviceKey = hmac(regionKey, scope.service());
    return new SigningKey(hmac(serviceKey, CredentialScope.TERMINATOR), scope);
  }

  public CredentialScope scope() {
    return scope;
  }

  /** The signature of a request; {@code amzDate} is the basic-form request time. */
  String requestSignature(
      S3Request request, List<String> signedHeaders, String payloadHash, String amzDate) {
    String canonicalRequest = CanonicalRequest.build(request, signedHeaders, payloadHash);
    return sign(requestStringToSign(amzDate, canonicalRequest));
  }

  String requestStringToSign(String amzDate, String canonicalRequest) {
    return String.join(
        "\n",
        AuthorizationHeader.ALGORITHM,
        amzDate,
        scope.toString(),
        sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
  }

  /** The signature of one aws-chunked chunk, chained to the previous one (or the seed). */
  String chunkSignature(String amzDate, String previousSignature, byte[] chunkSha256) {
    return sign(
        String.join(
            "\n",
            "AWS4-HMAC-SHA256-PAYLOAD",
            amzDate,
            scope.toString(),
            previousSignature,
            EMPTY_SHA256_HEX,
            HEX.formatHex(chunkSha256)));
  }

  /**
   * The signature of the trailer, chained to the final (empty) chunk's. Unlike a chunk's, its
   * string to sign has no line for the hash of the empty string.
   */
  String trailerSignature(String amzDate, String previousSignature, byte[] trailerSha256) {
    return sign(
        String.join(
            "\n",
            "AWS4-HMAC-SHA256-TRAILER",
            amzDate,
            scope.toString(),
            previousSignature,
            HEX.formatHex(trailerSha256)));
  }

  /** Constant-time comparison of a computed signature with a claimed one. */
  static boolean sameSignature(String computed, String claimed) {
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII), claimed.getBytes(StandardCharsets.US_ASCII));
  }

  static String sha256Hex(byte[] data) {
    return HEX.formatHex(Sha256.newDigest().digest(data));
  }

  private String sign(String stringToSign) {
    return HEX.formatHex(hmac(key, stringToSign));
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always provides HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + scope + ", key redacted]";
  }
}
