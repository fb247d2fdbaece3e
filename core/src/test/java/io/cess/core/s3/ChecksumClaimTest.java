package io.cess.core.s3;

import static io.cess.core.s3.AwsExamples.AMZ_DATE;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Test;

/**
 * Which flexible checksum a request claims (header, trailer, or the SDK's algorithm header) and
 * the check of the body against it: known values pass, any other body is {@code BadDigest}.
 */
public class ChecksumClaimTest {
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

  /** "hello" under every algorithm, as S3 and the AWS SDKs compute them. */
  private static final Map<ChecksumAlgorithm, String> HELLO_CHECKSUMS =
      Map.of(
          ChecksumAlgorithm.CRC32, "NhCmhg==",
          ChecksumAlgorithm.CRC32C, "mnG7TA==",
          ChecksumAlgorithm.CRC64NVME, "M3eFcAZSQlc=",
          ChecksumAlgorithm.SHA1, "qvTGHdzF6KLavt4PO0gs2a6pQ00=",
          ChecksumAlgorithm.SHA256, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");

  private static S3Request put(String contentSha256, Map<String, String> extra) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("Host", "s3.amazonaws.com");
    headers.put("x-amz-date", AMZ_DATE);
    headers.put("x-amz-content-sha256", contentSha256);
    headers.putAll(extra);
    return AwsExamples.signer().sign(S3Request.of("PUT", "/bucket/key", headers));
  }

  private static Optional<ChecksumClaim> claim(S3Request request) {
    return ChecksumClaim.forRequest(AwsExamples.verifier().verify(request), request);
  }

  private static S3Request plainPut(Map<String, String> extra) {
    return put(Sha256.hex(HELLO), extra);
  }

  private static S3Request trailerPut(Map<String, String> extra) {
    Map<String, String> headers = new TreeMap<>(extra);
    headers.put("x-amz-decoded-content-length", "5");
    headers.put("Content-Encoding", "aws-chunked");
    return put("STREAMING-UNSIGNED-PAYLOAD-TRAILER", headers);
  }

  @Test
  public void knownValuesOfEveryAlgorithmPassAsHeaders() {
    for (Map.Entry<ChecksumAlgorithm, String> known : HELLO_CHECKSUMS.entrySet()) {
      ChecksumAlgorithm algorithm = known.getKey();
      assertEquals(algorithm.toString(), known.getValue(), Checksums.base64(algorithm, HELLO));
      ChecksumClaim claim = claim(plainPut(Map.of(algorithm.headerName(), known.getValue()))).orElseThrow();
      assertEquals(algorithm, claim.algorithm());
      assertFalse(claim.inTrailer());
      assertEquals(known.getValue(), claim.verify(algorithm.start().update(HELLO).digest(), Map.of()));
    }
  }

  @Test
  public void aDifferentBodyIsBadDigestWithS3sMessage() {
    for (Map.Entry<ChecksumAlgorithm, String> known : HELLO_CHECKSUMS.entrySet()) {
      ChecksumAlgorithm algorithm = known.getKey();
      ChecksumClaim claim = claim(plainPut(Map.of(algorithm.headerName(), known.getValue()))).orElseThrow();
      byte[] other = algorithm.start().update("hellO".getBytes(StandardCharsets.US_ASCII)).digest();
      S3AuthException refused = assertThrows(S3AuthException.class, () -> claim.verify(other, Map.of()));
      assertEquals("BadDigest", refused.errorCode());
      assertEquals(400, refused.httpStatus());
      assertEquals("The " + algorithm + " you specified did not match the calculated checksum.", refused.getMessage());
    }
  }

  @Test
  public void aTrailerClaimIsCheckedAgainstTheTrailerValue() {
    for (boolean withSdkHeader : List.of(false, true)) {
      Map<String, String> headers = new TreeMap<>(Map.of("x-amz-trailer", "x-amz-checksum-crc32"));
      if (withSdkHeader) {
        headers.put("x-amz-sdk-checksum-algorithm", "CRC32");
      }
      ChecksumClaim claim = claim(trailerPut(headers)).orElseThrow();
      assertTrue(claim.inTrailer());
      assertEquals(ChecksumAlgorithm.CRC32, claim.algorithm());
      byte[] computed = ChecksumAlgorithm.CRC32.start().update(HELLO).digest();
      assertEquals("NhCmhg==", claim.verify(computed, Map.of("x-amz-checksum-crc32", "NhCmhg==")));
      assertEquals(
          "BadDigest",
          assertThrows(S3AuthException.class, () -> claim.verify(computed, Map.of("x-amz-checksum-crc32", "AAAAAA==")))
              .errorCode());
      assertEquals(
          "MalformedTrailerError",
          assertThrows(S3AuthException.class, () -> claim.verify(computed, Map.of())).errorCode());
      assertEquals(
          "InvalidRequest",
          assertThrows(S3AuthException.class, () -> claim.verify(computed, Map.of("x-amz-checksum-crc32", "nope"))).errorCode());
    }
  }

  @Test
  public void aStreamedBodyMatchesWhateverTheSplitAndABitFlipDoesNot() {
    Random random = new Random(20_240_506L);
    for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
      byte[] body = new byte[random.nextInt(200_000)];
      random.nextBytes(body);
      ChecksumClaim claim =
          claim(plainPut(Map.of(algorithm.headerName(), Checksums.base64(algorithm, body)))).orElseThrow();
      RunningChecksum running = algorithm.start();
      int position = 0;
      while (position < body.length) {
        int length = Math.min(1 + random.nextInt(9000), body.length - position);
        running.update(body, position, length);
        position += length;
      }
      claim.verify(running.digest(), Map.of());
      if (body.length > 0) {
        body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
        byte[] flipped = algorithm.start().update(body).digest();
        assertEquals(algorithm.toString(), "BadDigest",
            assertThrows(S3AuthException.class, () -> claim.verify(flipped, Map.of())).errorCode());
      }
    }
  }

  @Test
  public void noClaimWithoutChecksumHeaders() {
    assertEquals(Optional.empty(), claim(plainPut(Map.of())));
    assertEquals(Optional.empty(), claim(trailerPut(Map.of())));
  }

  @Test
  public void malformedOrAmbiguousClaimsAreInvalidRequests() {
    List<S3Request> refused =
        List.of(
            plainPut(Map.of("x-amz-checksum-crc32", "not base64!")),
            plainPut(Map.of("x-amz-checksum-crc32", "AAAAAAAAAAA=")),
            plainPut(Map.of("x-amz-checksum-crc32", "NhCmhg==", "x-amz-checksum-sha1", HELLO_CHECKSUMS.get(ChecksumAlgorithm.SHA1))),
            plainPut(Map.of("x-amz-checksum-crc32", "NhCmhg==", "x-amz-sdk-checksum-algorithm", "SHA256")),
            plainPut(Map.of("x-amz-sdk-checksum-algorithm", "CRC32")),
            plainPut(Map.of("x-amz-sdk-checksum-algorithm", "MD5", "x-amz-checksum-crc32", "NhCmhg==")),
            trailerPut(Map.of("x-amz-trailer", "x-amz-checksum-crc32,x-amz-checksum-crc32c")),
            trailerPut(Map.of("x-amz-trailer", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "mnG7TA==")),
            // a trailer needs a body with trailers
            plainPut(Map.of("x-amz-trailer", "x-amz-checksum-crc32")));
    for (S3Request request : refused) {
      S3AuthException e = assertThrows(request.headers().toString(), S3AuthException.class, () -> claim(request));
      assertEquals(request.headers().toString(), "InvalidRequest", e.errorCode());
    }
  }
}
