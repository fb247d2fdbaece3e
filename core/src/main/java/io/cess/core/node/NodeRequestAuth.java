package io.cess.core.node;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates requests between nodes (the internal shard transfer endpoint): an HMAC-SHA256,
 * under a key derived from the cluster secret that every node of a cluster shares, over the
 * method, the request target and a date ({@code x-cess-node-date}) that must be within the
 * allowed skew. Only members holding the secret can store, read, list or delete shards.
 */
public final class NodeRequestAuth {

  public static final String DATE_HEADER = "x-cess-node-date";
  public static final String MAC_HEADER = "x-cess-node-mac";

  private static final byte[] LABEL = "cess internal requests v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;

  public NodeRequestAuth(byte[] clusterSecret) {
    if (clusterSecret.length < 32) {
      throw new IllegalArgumentException("the cluster secret must be at least 32 bytes");
    }
    this.key = new SecretKeySpec(hmac(new SecretKeySpec(clusterSecret, "HmacSHA256"), LABEL), "HmacSHA256");
  }

  /** The two headers that authenticate {@code method target} now. */
  public Map<String, String> headers(String method, String target, Instant now) {
    String date = now.toString();
    Map<String, String> h = new LinkedHashMap<>();
    h.put(DATE_HEADER, date);
    h.put(MAC_HEADER, mac(method, target, date));
    return h;
  }

  /**
   * Checks a request's date and MAC.
   *
   * @throws IllegalArgumentException saying what is wrong: missing, malformed, stale or forged
   */
  public void verify(String method, String target, String date, String mac, Instant now, Duration maxSkew) {
    if (date == null || date.isEmpty() || mac == null || mac.isEmpty()) {
      throw new IllegalArgumentException("internal requests need " + DATE_HEADER + " and " + MAC_HEADER);
    }
    Instant at;
    try {
      at = Instant.parse(date);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(DATE_HEADER + " is not an ISO-8601 instant: " + date);
    }
    if (Duration.between(at, now).abs().compareTo(maxSkew) > 0) {
      throw new IllegalArgumentException(DATE_HEADER + " " + date + " is more than " + maxSkew + " from this node's clock");
    }
    byte[] expected = mac(method, target, date).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, mac.getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("the request is not signed with this cluster's secret");
    }
  }

  private String mac(String method, String target, String date) {
    String canonical = method + "\n" + target + "\n" + date;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, canonical.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] hmac(SecretKeySpec key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
