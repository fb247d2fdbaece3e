package io.cess.core.account;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.Test;

public class RequestSignatureTest {
  private static final String DATE = "2026-11-30T12:00:00Z";
  private static final Instant NOW = Instant.parse(DATE);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration WINDOW = Duration.ofMinutes(15);
  private static final String BODY_SHA256 = Sha256.hex("hello".getBytes(StandardCharsets.UTF_8));
  private static final String TARGET = "/v1/files/a%20b?part=2&x=y";

  private final AccountKeys keys = AccountKeys.generate();

  @Test
  public void canonicalStringIsTheFiveDocumentedLines() {
    assertEquals(
        "CESS-ED25519\nPUT\n/v1/files/a%20b?part=2&x=y\n" + DATE + "\n" + BODY_SHA256,
        RequestSignature.canonical("put", TARGET, DATE, BODY_SHA256));
    assertThrows(
        IllegalArgumentException.class,
        () -> RequestSignature.canonical("GET", "/a\nb", DATE, BODY_SHA256));
    assertThrows(
        IllegalArgumentException.class,
        () -> RequestSignature.canonical("GET", "/a", DATE + "\r", BODY_SHA256));
  }

  @Test
  public void signedRequestVerifiesAndParsesBack() {
    String header = RequestSignature.authorization(keys, "PUT", TARGET, DATE, BODY_SHA256);
    assertTrue(
        header, header.startsWith("CESS-ED25519 Account=" + keys.accountId() + ", Signature="));
    RequestSignature.Parsed parsed = RequestSignature.parse(header);
    assertEquals(keys.accountId(), parsed.accountId());
    assertEquals(64, parsed.signature().length);
    assertEquals(header.substring(header.indexOf("Signature=") + 10), parsed.signatureBase64());
    verify(parsed, keys.publicKey(), "PUT", TARGET, DATE, BODY_SHA256);
    verify(parsed, keys.publicKey(), "put", TARGET, DATE, BODY_SHA256);
  }

  @Test
  public void unsignedPayloadIsAllowed() {
    RequestSignature.Parsed parsed =
        sign("PUT", "/v1/files/big", DATE, RequestSignature.UNSIGNED_PAYLOAD);
    verify(parsed, keys.publicKey(), "PUT", "/v1/files/big", DATE, "UNSIGNED-PAYLOAD");
    assertCode(
        "SignatureDoesNotMatch",
        () -> verify(parsed, keys.publicKey(), "PUT", "/v1/files/big", DATE, BODY_SHA256));
  }

  @Test
  public void anyChangeToTheRequestBreaksTheSignature() {
    RequestSignature.Parsed parsed = sign("PUT", TARGET, DATE, BODY_SHA256);
    byte[] key = keys.publicKey();
    String[][] changed = {
      {"POST", TARGET, DATE, BODY_SHA256},
      {"PUT", "/v1/files/a%20b?part=3&x=y", DATE, BODY_SHA256},
      {"PUT", "/v1/files/a%20b?x=y&part=2", DATE, BODY_SHA256},
      {"PUT", "/v1/files/a%20b", DATE, BODY_SHA256},
      {"PUT", "/v1/files/a%20b/?part=2&x=y", DATE, BODY_SHA256},
      {"PUT", "/v1/files//a%20b?part=2&x=y", DATE, BODY_SHA256},
      {"PUT", "/v1/files/a b?part=2&x=y", DATE, BODY_SHA256},
      {"PUT", "/v1/files/a%20B?part=2&x=y", DATE, BODY_SHA256},
      {"PUT", TARGET, "2026-11-30T12:00:01Z", BODY_SHA256},
      {"PUT", TARGET, "2026-11-30T12:00:00.000Z", BODY_SHA256},
      {"PUT", TARGET, DATE, Sha256.hex(new byte[0])},
    };
    for (String[] request : changed) {
      assertCode(
          "SignatureDoesNotMatch",
          () -> verify(parsed, key, request[0], request[1], request[2], request[3]));
    }
  }

  @Test
  public void anotherAccountsKeyIsRefused() {
    RequestSignature.Parsed parsed = sign("GET", "/v1/files", DATE, BODY_SHA256);
    AccountKeys mallory = AccountKeys.generate();
    RequestAuthException e =
        assertCode(
            "SignatureDoesNotMatch",
            () -> verify(parsed, mallory.publicKey(), "GET", "/v1/files", DATE, BODY_SHA256));
    assertTrue(e.getMessage(), e.getMessage().contains("does not belong to account"));

    // Mallory's signature presented under Alice's account id: the key check passes, the signature
    // fails.
    byte[] forged =
        mallory.sign(
            RequestSignature.canonical("GET", "/v1/files", DATE, BODY_SHA256)
                .getBytes(StandardCharsets.UTF_8));
    RequestSignature.Parsed claimed = new RequestSignature.Parsed(keys.accountId(), forged);
    assertCode(
        "SignatureDoesNotMatch",
        () -> verify(claimed, keys.publicKey(), "GET", "/v1/files", DATE, BODY_SHA256));
  }

  @Test
  public void skewedDatesAreRefusedAndTheWindowIsInclusive() {
    for (String date : new String[] {"2026-11-30T11:44:00Z", "2026-11-30T12:16:00Z"}) {
      RequestSignature.Parsed parsed = sign("GET", "/", date, BODY_SHA256);
      RequestAuthException e =
          assertCode(
              "RequestTimeTooSkewed",
              () -> verify(parsed, keys.publicKey(), "GET", "/", date, BODY_SHA256));
      assertTrue(e.getMessage(), e.getMessage().contains(date));
    }
    for (String date : new String[] {"2026-11-30T11:45:00Z", "2026-11-30T12:15:00Z"}) {
      verify(sign("GET", "/", date, BODY_SHA256), keys.publicKey(), "GET", "/", date, BODY_SHA256);
    }
  }

  @Test
  public void malformedDatesAreInvalidDate() {
    RequestSignature.Parsed parsed = sign("GET", "/", DATE, BODY_SHA256);
    String[] dates = {
      null,
      "",
      "2026-11-30",
      "2026-11-30T12:00:00",
      "2026-11-30T12:00:00+00:00",
      "2026-11-30 12:00:00Z",
      "2026-13-30T12:00:00Z",
      "2026-11-30T25:00:00Z",
      "Mon, 30 Nov 2026 12:00:00 GMT",
      "2026-11-30T12:00:00.Z",
      "2026-11-30T12:00:00z",
    };
    for (String date : dates) {
      assertCode(
          "InvalidDate", () -> verify(parsed, keys.publicKey(), "GET", "/", date, BODY_SHA256));
    }
    assertEquals(NOW.plusMillis(250), RequestSignature.parseDate("2026-11-30T12:00:00.25Z"));
  }

  @Test
  public void malformedContentHashesAreInvalidContentSha256() {
    RequestSignature.Parsed parsed = sign("GET", "/", DATE, BODY_SHA256);
    String[] hashes = {
      null,
      "",
      BODY_SHA256.toUpperCase(),
      BODY_SHA256.substring(1),
      BODY_SHA256 + "0",
      "unsigned-payload",
      "UNSIGNED-PAYLOAD ",
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    };
    for (String hash : hashes) {
      assertCode(
          "InvalidContentSha256", () -> verify(parsed, keys.publicKey(), "GET", "/", DATE, hash));
    }
  }

  @Test
  public void malformedAuthorizationHeadersAreRefusedWithAClearMessage() {
    String id = keys.accountId();
    String sig = Base64.getEncoder().encodeToString(new byte[64]);
    assertParseFails("missing", null);
    assertParseFails("missing", "");
    assertParseFails("scheme must be CESS-ED25519", "AWS4-HMAC-SHA256 Credential=x");
    assertParseFails(
        "scheme must be CESS-ED25519", "cess-ed25519 Account=" + id + ", Signature=" + sig);
    assertParseFails("scheme must be CESS-ED25519", "CESS-ED25519");
    assertParseFails("1 parameters", "CESS-ED25519 Account=" + id);
    assertParseFails("1 parameters", "CESS-ED25519 Account=" + id + ",Signature=" + sig);
    assertParseFails(
        "3 parameters", "CESS-ED25519 Account=" + id + ", Signature=" + sig + ", Extra=1");
    assertParseFails("Account first", "CESS-ED25519 Signature=" + sig + ", Account=" + id);
    assertParseFails("Account first", "CESS-ED25519  Account=" + id + ", Signature=" + sig);
    assertParseFails("Signature second", "CESS-ED25519 Account=" + id + ", Sig=" + sig);
    assertParseFails(
        "not a valid account id", "CESS-ED25519 Account=" + id.substring(1) + ", Signature=" + sig);
    assertParseFails("not a valid account id", "CESS-ED25519 Account=, Signature=" + sig);
    assertParseFails(
        "not a valid account id",
        "CESS-ED25519 Account=" + id.toUpperCase() + ", Signature=" + sig);
    assertParseFails("signature is missing", "CESS-ED25519 Account=" + id + ", Signature=");
    assertParseFails(
        "not valid base64", "CESS-ED25519 Account=" + id + ", Signature=" + sig.replace('A', '-'));
    assertParseFails(
        "not canonical", "CESS-ED25519 Account=" + id + ", Signature=" + sig.replace("=", ""));
    assertParseFails("not valid base64", "CESS-ED25519 Account=" + id + ", Signature=" + sig + " ");
    assertParseFails(
        "64 bytes, got 63",
        "CESS-ED25519 Account="
            + id
            + ", Signature="
            + Base64.getEncoder().encodeToString(new byte[63]));
    assertParseFails(
        "64 bytes, got 65",
        "CESS-ED25519 Account="
            + id
            + ", Signature="
            + Base64.getEncoder().encodeToString(new byte[65]));
  }

  @Test
  public void parsedCopiesItsSignature() {
    byte[] signature = new byte[64];
    RequestSignature.Parsed parsed = new RequestSignature.Parsed(keys.accountId(), signature);
    signature[0] = 1;
    parsed.signature()[1] = 1;
    assertArrayEquals(new byte[64], parsed.signature());
    assertEquals(parsed, new RequestSignature.Parsed(keys.accountId(), new byte[64]));
  }

  private RequestSignature.Parsed sign(String method, String target, String date, String sha256) {
    return RequestSignature.parse(
        RequestSignature.authorization(keys, method, target, date, sha256));
  }

  private static void verify(
      RequestSignature.Parsed parsed,
      byte[] key,
      String method,
      String target,
      String date,
      String sha256) {
    RequestSignature.verify(parsed, key, method, target, date, sha256, CLOCK, WINDOW);
  }

  private static RequestAuthException assertCode(
      String code, org.junit.function.ThrowingRunnable call) {
    RequestAuthException e = assertThrows(RequestAuthException.class, call);
    assertEquals(e.getMessage(), code, e.code());
    return e;
  }

  private static void assertParseFails(String expectedMessagePart, String header) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RequestSignature.parse(header));
    assertTrue(
        "'" + header + "' gave: " + e.getMessage(), e.getMessage().contains(expectedMessagePart));
  }
}
