package io.cess.core.callback;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.Test;

public class CallbackTokensTest {

  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
  private static final String FILE = "a".repeat(64);
  private static final String ACCOUNT = "cess" + "0123456789abcdef0123456789abcdef01234567";

  private final byte[] master = new byte[32];
  private Instant now = T0;
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { throw new UnsupportedOperationException(); }
    @Override public Instant instant() { return now; }
  };

  public CallbackTokensTest() {
    new Random(7).nextBytes(master);
  }

  @Test
  public void randomClaimsRoundTrip() {
    CallbackTokens tokens = new CallbackTokens(master, clock);
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      String key = randomText(random, 1 + random.nextInt(300));
      CallbackToken claims = new CallbackToken(
          "bucket-" + i, key, FILE, random.nextBoolean() ? ACCOUNT : null, T0.plusSeconds(1 + random.nextInt(7 * 86400)));
      String token = tokens.issue(claims);
      assertTrue(token, token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"));
      assertEquals(claims, tokens.verify(token));
    }
  }

  @Test
  public void anyAlteredCharacterMakesTheTokenInvalid() {
    CallbackTokens tokens = new CallbackTokens(master, clock);
    String token = tokens.issue(new CallbackToken("photos", "2026/a.jpg", FILE, ACCOUNT, T0.plusSeconds(600)));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Random random = new Random(3);
    for (int i = 0; i < token.length(); i++) {
      if (token.charAt(i) == '.') {
        continue;
      }
      char replacement;
      do {
        replacement = alphabet.charAt(random.nextInt(alphabet.length()));
      } while (replacement == token.charAt(i));
      String altered = token.substring(0, i) + replacement + token.substring(i + 1);
      assertReason(CallbackTokenException.Reason.INVALID, tokens, altered);
    }
  }

  @Test
  public void aTokenExpiresAtItsExpiryEvenWhenAlteredToLookLater() {
    CallbackTokens tokens = new CallbackTokens(master, clock);
    String token = tokens.issue(new CallbackToken("photos", "a.jpg", FILE, ACCOUNT, T0.plusSeconds(2)));
    now = T0.plusMillis(1999);
    assertEquals("a.jpg", tokens.verify(token).key());
    now = T0.plusSeconds(2);
    assertReason(CallbackTokenException.Reason.EXPIRED, tokens, token);
    // a later expiry cannot be written into an issued token: the MAC no longer matches
    String longer = new CallbackTokens(new byte[32], clock)
        .issue(new CallbackToken("photos", "a.jpg", FILE, ACCOUNT, T0.plus(Duration.ofDays(1))));
    String forged = longer.substring(0, longer.indexOf('.')) + token.substring(token.indexOf('.'));
    assertReason(CallbackTokenException.Reason.INVALID, tokens, forged);
  }

  @Test
  public void anotherClusterKeyOrGarbageIsInvalid() {
    CallbackTokens ours = new CallbackTokens(master, clock);
    byte[] otherMaster = master.clone();
    otherMaster[0] ^= 1;
    CallbackToken claims = new CallbackToken("b", "k", FILE, null, T0.plusSeconds(60));
    String theirs = new CallbackTokens(otherMaster, clock).issue(claims);
    assertNotEquals(ours.issue(claims), theirs);
    assertReason(CallbackTokenException.Reason.INVALID, ours, theirs);
    for (String garbage : new String[] {"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???", "x".repeat(CallbackTokens.MAX_TOKEN_CHARS + 1)}) {
      assertReason(CallbackTokenException.Reason.INVALID, ours, garbage);
    }
  }

  @Test
  public void claimsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new CallbackToken("b", "", FILE, null, T0));
    assertThrows(IllegalArgumentException.class, () -> new CallbackToken("b", "k", FILE, null, T0.plusMillis(5)));
    assertThrows(IllegalArgumentException.class, () -> new CallbackTokens(new byte[16], clock));
  }

  private static void assertReason(CallbackTokenException.Reason reason, CallbackTokens tokens, String token) {
    CallbackTokenException e = assertThrows(CallbackTokenException.class, () -> tokens.verify(token));
    assertEquals(token + ": " + e.getMessage(), reason, e.reason());
  }

  private static String randomText(Random random, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(random.nextInt(10) == 0 ? (char) (0x4e00 + random.nextInt(500)) : (char) ('!' + random.nextInt(90)));
    }
    return b.toString();
  }
}
