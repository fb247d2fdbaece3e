package io.cess.core.naming;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.Test;

public class ObjectNamesTest {

  private static void assertBucketOk(String bucket) {
    assertEquals("'" + bucket + "'", Optional.empty(), ObjectNames.bucketProblem(bucket));
  }

  private static void assertBucketRefused(String bucket, String reasonFragment) {
    Optional<String> problem = ObjectNames.bucketProblem(bucket);
    assertTrue("'" + bucket + "' must be refused", problem.isPresent());
    assertTrue(problem.get(), problem.get().contains(reasonFragment));
  }

  private static void assertKeyOk(String key) {
    assertEquals("'" + key + "'", Optional.empty(), ObjectNames.keyProblem(key));
  }

  private static void assertKeyRefused(String key, String reasonFragment) {
    Optional<String> problem = ObjectNames.keyProblem(key);
    assertTrue("'" + key + "' must be refused", problem.isPresent());
    assertTrue(problem.get(), problem.get().contains(reasonFragment));
  }

  @Test
  public void acceptsS3BucketNames() {
    assertBucketOk("abc");
    assertBucketOk("my-bucket");
    assertBucketOk("my.bucket.2024");
    assertBucketOk("0bucket9");
    assertBucketOk("a".repeat(63));
    assertBucketOk("1.2.3.a");
  }

  @Test
  public void refusesBucketNamesOfWrongLength() {
    assertBucketRefused(null, "3 to 63");
    assertBucketRefused("", "3 to 63");
    assertBucketRefused("ab", "3 to 63");
    assertBucketRefused("a".repeat(64), "3 to 63");
  }

  @Test
  public void refusesBucketNamesWithBadCharactersOrEnds() {
    for (String bad :
        new String[] {
          "My-bucket", "my_bucket", "my bucket", "-abc", "abc-", ".abc", "abc.", "abc/d", "äbc"
        }) {
      assertBucketRefused(bad, "lower-case letters");
    }
  }

  @Test
  public void refusesDoubleDotsAndIpAddresses() {
    assertBucketRefused("a..b", "'..'");
    assertBucketRefused("192.168.1.1", "IP address");
    assertBucketRefused("10.0.0.255", "IP address");
  }

  @Test
  public void randomBucketNamesFollowTheRules() {
    Random random = new Random(42);
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789.-_A ";
    for (int i = 0; i < 5000; i++) {
      int len = random.nextInt(70);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < len; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String name = sb.toString();
      boolean expectedOk =
          len >= 3
              && len <= 63
              && name.chars()
                  .allMatch(
                      c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')
              && Character.isLetterOrDigit(name.charAt(0))
              && Character.isLetterOrDigit(name.charAt(len - 1))
              && !name.contains("..")
              && !name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
      assertEquals("'" + name + "'", expectedOk, ObjectNames.bucketProblem(name).isEmpty());
    }
  }

  @Test
  public void acceptsOrdinaryKeys() {
    assertKeyOk("a");
    assertKeyOk("photos/2024/cat.jpg");
    assertKeyOk(".hidden");
    assertKeyOk("a..b");
    assertKeyOk("dir/...");
    assertKeyOk("a//b");
    assertKeyOk("/leading/slash");
    assertKeyOk("trailing/");
    assertKeyOk("unicode/日本語/ü");
    assertKeyOk("x".repeat(ObjectNames.MAX_KEY_BYTES));
  }

  @Test
  public void refusesEmptyKeys() {
    assertKeyRefused(null, "empty");
    assertKeyRefused("", "empty");
  }

  @Test
  public void keyLengthIsCountedInUtf8Bytes() {
    assertKeyRefused("x".repeat(ObjectNames.MAX_KEY_BYTES + 1), "1024 bytes");
    String euros = "€".repeat(341); // 3 bytes each: 1023 bytes
    assertEquals(1023, euros.getBytes(StandardCharsets.UTF_8).length);
    assertKeyOk(euros);
    assertKeyOk(euros + "x");
    assertKeyRefused(euros + "xx", "1024 bytes");
    assertKeyRefused(euros + "€", "1024 bytes");
  }

  @Test
  public void refusesControlCharacters() {
    for (char c = 0; c < 0x20; c++) {
      assertKeyRefused("a" + c + "b", "control characters");
    }
    assertKeyRefused("a\u007fb", "control characters");
    assertKeyOk("a b~");
  }

  @Test
  public void refusesDotSegments() {
    for (String bad :
        new String[] {".", "..", "./a", "../a", "a/./b", "a/../b", "a/.", "a/..", "/.."}) {
      assertKeyRefused(bad, "path segments");
    }
  }
}
