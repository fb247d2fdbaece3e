package io.cess.core.s3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * AWS's URI encoding, the one Signature Version 4 canonicalizes paths and query strings with: every
 * byte of the UTF-8 form is written as {@code %XY} (upper-case hex) except the unreserved
 * characters {@code A-Z a-z 0-9 - _ . ~}, and {@code '/'} is kept only where asked (in a path, not
 * inside a query name or value). A space is {@code %20}, never {@code +}. Also the inverse,
 * percent-decoding, with invalid escapes refused as S3 refuses them ({@code InvalidURI}).
 */
public final class UriEncoding {
  private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

  private UriEncoding() {}

  /**
   * Encodes the UTF-8 bytes of {@code text}; {@code '/'} stays as it is unless {@code encodeSlash}.
   */
  public static String encode(String text, boolean encodeSlash) {
    return encode(text.getBytes(StandardCharsets.UTF_8), encodeSlash);
  }

  /** Encodes raw bytes (which need not be valid UTF-8: S3 object keys are compared as bytes). */
  public static String encode(byte[] bytes, boolean encodeSlash) {
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (isUnreserved(c) || (c == '/' && !encodeSlash)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX_DIGITS[c >>> 4]).append(HEX_DIGITS[c & 0xf]);
      }
    }
    return out.toString();
  }

  /**
   * Percent-decodes {@code text} to bytes. Characters outside ASCII (an HTTP layer may hand over an
   * already partly decoded path) count as their UTF-8 bytes. {@code plusIsSpace} decodes {@code
   * '+'} as a space, as form-encoded query strings mean it; in a path a {@code '+'} is itself.
   *
   * @throws S3AuthException {@code InvalidURI} for a {@code '%'} not followed by two hex digits
   */
  public static byte[] decode(String text, boolean plusIsSpace) {
    byte[] in = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    for (int i = 0; i < in.length; i++) {
      byte b = in[i];
      if (b == '%') {
        int high = i + 2 < in.length ? hexValue(in[i + 1]) : -1;
        int low = high >= 0 ? hexValue(in[i + 2]) : -1;
        if (low < 0) {
          throw new S3AuthException(
              S3ErrorCode.INVALID_URI,
              "Couldn't parse the specified URI: '%' must be followed by two hex digits");
        }
        out.write(high << 4 | low);
        i += 2;
      } else if (b == '+' && plusIsSpace) {
        out.write(' ');
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** {@link #decode} whose result must be UTF-8 text, as query parameter names and values are. */
  public static String decodeUtf8(String text, boolean plusIsSpace) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(decode(text, plusIsSpace)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_URI, "Couldn't parse the specified URI: not UTF-8 once decoded");
    }
  }

  private static boolean isUnreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '~';
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
