package io.cess.core.node;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.Test;

public class NodeRequestAuthTest {

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00.123456Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private final byte[] secret = new byte[32];
  private final NodeRequestAuth auth = new NodeRequestAuth(secret);

  @Test
  public void aRequestSignedWithTheClusterSecretVerifies() {
    Map<String, String> h = auth.headers("PUT", "/internal/v1/fragments/node1-m1/ab", NOW);
    auth.verify("PUT", "/internal/v1/fragments/node1-m1/ab", h.get(NodeRequestAuth.DATE_HEADER), h.get(NodeRequestAuth.MAC_HEADER),
        NOW.plusSeconds(299), SKEW);
  }

  @Test
  public void anotherMethodTargetSecretOrStaleDateIsRefused() {
    Map<String, String> h = auth.headers("GET", "/internal/v1/fragments/node1-m1/ab", NOW);
    String date = h.get(NodeRequestAuth.DATE_HEADER);
    String mac = h.get(NodeRequestAuth.MAC_HEADER);
    assertRefused("signed", () -> auth.verify("DELETE", "/internal/v1/fragments/node1-m1/ab", date, mac, NOW, SKEW));
    assertRefused("signed", () -> auth.verify("GET", "/internal/v1/fragments/node1-m1/cd", date, mac, NOW, SKEW));
    byte[] other = secret.clone();
    other[0] = 1;
    assertRefused("signed", () -> new NodeRequestAuth(other).verify("GET", "/internal/v1/fragments/node1-m1/ab", date, mac, NOW, SKEW));
    assertRefused("more than", () -> auth.verify("GET", "/internal/v1/fragments/node1-m1/ab", date, mac, NOW.plusSeconds(301), SKEW));
    assertRefused("need", () -> auth.verify("GET", "/internal/v1/fragments/node1-m1/ab", date, null, NOW, SKEW));
    assertRefused("ISO-8601", () -> auth.verify("GET", "/internal/v1/fragments/node1-m1/ab", "yesterday", mac, NOW, SKEW));
  }

  @Test
  public void aShortSecretIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new NodeRequestAuth(Arrays.copyOf(secret, 16)));
  }

  private static void assertRefused(String why, org.junit.function.ThrowingRunnable check) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, check);
    assertTrue(e.getMessage(), e.getMessage().contains(why));
  }

  @Test
  public void theMacIsUrlSafeBase64OfAnHmacSha256() {
    String mac = auth.headers("GET", "/", NOW).get(NodeRequestAuth.MAC_HEADER);
    assertEquals(43, mac.length());
    assertTrue(mac.matches("[A-Za-z0-9_-]+"));
  }
}
