package io.cess.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 fingerprints as lower-case hex, the form used in ids, manifests and paths. */
public final class Sha256 {
  private static final HexFormat HEX = HexFormat.of();

  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }

  public static String hex(byte[] data) {
    return HEX.formatHex(newDigest().digest(data));
  }

  public static String hex(MessageDigest finishedDigest) {
    return HEX.formatHex(finishedDigest.digest());
  }

  /** True for a 64-character lower-case hex string: the only fingerprints we accept as input. */
  public static boolean isHex(String s) {
    if (s == null || s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
