package io.cess.core.callback;

import io.cess.core.crypto.Hkdf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies callback tokens without shared state: a token is {@code
 * base64url(claims) "." base64url(HMAC-SHA256(claims))}, the MAC under a key derived from the
 * cluster master key by HKDF with its own label ({@value #KEY_INFO}), so every gateway (they all
 * load the master key) verifies what any gateway issued, and the MAC key serves nothing else.
 *
 * <p>The claims are a version byte, the expiry (epoch seconds) and four length-prefixed UTF-8
 * strings: bucket, key, file id, account (empty for anonymous). A token cannot be revoked before
 * it expires; the gateway binds it to the file id, so overwriting or deleting the object ends it.
 */
public final class CallbackTokens {

  /** The HKDF info of the MAC key; a new token format gets a new label. */
  public static final String KEY_INFO = "cess-callback-token-v1";

  /** Longer input is refused before any decoding (keys are at most 1024 bytes, so tokens stay well below). */
  public static final int MAX_TOKEN_CHARS = 8192;

  private static final byte VERSION = 1;
  private static final int MAC_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec macKey;
  private final Clock clock;

  /** {@code masterKey}: the cluster's 32-byte master key (it is not kept; only the derived key). */
  public CallbackTokens(byte[] masterKey, Clock clock) {
    if (masterKey == null || masterKey.length < 32) {
      throw new IllegalArgumentException("the master key must be at least 32 bytes");
    }
    byte[] derived = Hkdf.derive(null, masterKey, KEY_INFO.getBytes(StandardCharsets.US_ASCII), MAC_BYTES);
    this.macKey = new SecretKeySpec(derived, "HmacSHA256");
    Arrays.fill(derived, (byte) 0);
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  /** The URL-safe token for {@code claims}. */
  public String issue(CallbackToken claims) {
    byte[] payload = encode(claims);
    return B64.encodeToString(payload) + "." + B64.encodeToString(mac(payload));
  }

  /**
   * The claims of an authentic, unexpired token.
   *
   * @throws CallbackTokenException {@code INVALID} for anything this cluster did not issue as is
   *     (checked first, so a forged token never learns whether it would have expired), {@code
   *     EXPIRED} once the clock reaches its expiry
   */
  public CallbackToken verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      throw invalid("a callback token is 1.." + MAX_TOKEN_CHARS + " characters");
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      throw invalid("a callback token is <claims>.<mac>");
    }
    byte[] payload;
    byte[] mac;
    try {
      payload = B64D.decode(token.substring(0, dot));
      mac = B64D.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid("a callback token is base64url: " + e.getMessage());
    }
    if (!MessageDigest.isEqual(mac, mac(payload))) {
      throw invalid("the callback token was not issued by this cluster or was altered");
    }
    CallbackToken claims = decode(payload);
    Instant now = clock.instant();
    if (!now.isBefore(claims.expiresAt())) {
      throw new CallbackTokenException(CallbackTokenException.Reason.EXPIRED,
          "the callback URL expired at " + claims.expiresAt());
    }
    return claims;
  }

  private static byte[] encode(CallbackToken t) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(t.expiresAt().getEpochSecond());
      for (String s : new String[] {t.bucket(), t.key(), t.fileId(), t.account() == null ? "" : t.account()}) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(checkedLength(utf8.length));
        out.write(utf8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return bytes.toByteArray();
  }

  private static int checkedLength(int length) {
    if (length > 0xFFFF) {
      throw new IllegalArgumentException("a callback token field is at most 65535 bytes, was " + length);
    }
    return length;
  }

  /** An authentic payload that does not parse is a format this gateway does not know: invalid. */
  private static CallbackToken decode(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw invalid("callback token version " + version + " is not supported");
      }
      Instant expiresAt = Instant.ofEpochSecond(in.readLong());
      String[] fields = new String[4];
      for (int i = 0; i < fields.length; i++) {
        byte[] utf8 = new byte[in.readUnsignedShort()];
        in.readFully(utf8);
        fields[i] = new String(utf8, StandardCharsets.UTF_8);
      }
      if (in.available() != 0) {
        throw invalid("the callback token has trailing bytes");
      }
      return new CallbackToken(fields[0], fields[1], fields[2], fields[3].isEmpty() ? null : fields[3], expiresAt);
    } catch (IOException | IllegalArgumentException | java.time.DateTimeException e) {
      throw invalid("the callback token does not parse: " + e.getMessage());
    }
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(macKey);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always provides HmacSHA256", e);
    }
  }

  private static CallbackTokenException invalid(String message) {
    return new CallbackTokenException(CallbackTokenException.Reason.INVALID, message);
  }
}
