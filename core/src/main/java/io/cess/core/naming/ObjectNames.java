package io.cess.core.naming;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Validation of bucket names and object keys, following S3's rules so that the S3 API can share
 * them. Returns the reason a name is refused, empty when it is acceptable.
 */
public final class ObjectNames {
  public static final int MAX_KEY_BYTES = 1024;

  private ObjectNames() {}

  /** S3 bucket naming: 3-63 chars of a-z, 0-9, '.', '-', starting and ending alphanumeric. */
  public static Optional<String> bucketProblem(String bucket) {
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63) {
      return Optional.of("bucket name must be 3 to 63 characters long");
    }
    if (!bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
      return Optional.of(
          "bucket name may contain only lower-case letters, digits, '.' and '-', and must start"
              + " and end with a letter or digit");
    }
    if (bucket.contains("..") || bucket.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      return Optional.of("bucket name must not contain '..' or look like an IP address");
    }
    return Optional.empty();
  }

  /**
   * Object keys: 1-1024 bytes of UTF-8, no control characters, and no "." or ".." path segments
   * (which some clients and proxies normalize away, so that the key read back would differ).
   */
  public static Optional<String> keyProblem(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.of("object key must not be empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      return Optional.of("object key must be at most " + MAX_KEY_BYTES + " bytes of UTF-8");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return Optional.of("object key must not contain control characters");
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return Optional.of("object key must not contain '.' or '..' path segments");
      }
    }
    return Optional.empty();
  }
}
