package io.cess.core.s3;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.Test;

/** The flexible checksums: check values, known S3 values, and incremental use. */
public class ChecksumsTest {
  private static final byte[] CHECK_INPUT = "123456789".getBytes(StandardCharsets.US_ASCII);

  @Test
  public void crc64NvmeHasTheCatalogueCheckValue() {
    Crc64Nvme crc = new Crc64Nvme();
    crc.update(CHECK_INPUT, 0, CHECK_INPUT.length);
    assertEquals(0xae8b14860a799888L, crc.getValue());
    assertEquals(
        base64BigEndian(0xae8b14860a799888L),
        Checksums.base64(ChecksumAlgorithm.CRC64NVME, CHECK_INPUT));
    assertEquals("AAAAAAAAAAA=", Checksums.base64(ChecksumAlgorithm.CRC64NVME, new byte[0]));
  }

  @Test
  public void crc64NvmeReflectedPolynomialIsTheNormalOneBitReversed() {
    assertEquals(Long.reverse(0xad93d23594c93659L), Crc64Nvme.REFLECTED_POLYNOMIAL);
  }

  /**
   * CRC-64/NVME as its catalogue entry defines it, independently of the implementation: each input
   * byte reflected, shifted in MSB first against the normal polynomial, the result reflected and
   * inverted.
   */
  private static long crc64NvmeByDefinition(byte[] data, int offset, int length) {
    long crc = 0xffffffffffffffffL;
    for (int i = offset; i < offset + length; i++) {
      long reflectedByte = Integer.reverse(data[i] & 0xff) >>> 24;
      crc ^= reflectedByte << 56;
      for (int bit = 0; bit < 8; bit++) {
        crc = crc < 0 ? (crc << 1) ^ 0xad93d23594c93659L : crc << 1;
      }
    }
    return Long.reverse(crc) ^ 0xffffffffffffffffL;
  }

  @Test
  public void crc64NvmeSlicingAgreesWithTheDefinitionOnRandomInputsAndSplits() {
    Random random = new Random(0xad93d235L);
    assertEquals(0xae8b14860a799888L, crc64NvmeByDefinition(CHECK_INPUT, 0, CHECK_INPUT.length));
    for (int round = 0; round < 500; round++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      int offset = data.length == 0 ? 0 : random.nextInt(data.length);
      int length = data.length - offset == 0 ? 0 : random.nextInt(data.length - offset + 1);
      int split = length == 0 ? 0 : random.nextInt(length + 1);
      Crc64Nvme crc = new Crc64Nvme();
      crc.update(data, offset, split);
      if (split < length) {
        crc.update(data[offset + split]);
        crc.update(data, offset + split + 1, length - split - 1);
      }
      assertEquals("round " + round, crc64NvmeByDefinition(data, offset, length), crc.getValue());
    }
    byte[] mebibyte = new byte[1 << 20];
    random.nextBytes(mebibyte);
    Crc64Nvme crc = new Crc64Nvme();
    crc.update(mebibyte, 0, mebibyte.length);
    assertEquals(crc64NvmeByDefinition(mebibyte, 0, mebibyte.length), crc.getValue());
    crc.reset();
    crc.update(CHECK_INPUT, 0, CHECK_INPUT.length);
    assertEquals(0xae8b14860a799888L, crc.getValue());
  }

  @Test
  public void crc32cAndCrc32KnownValues() {
    CRC32C crc32c = new CRC32C();
    crc32c.update(CHECK_INPUT);
    assertEquals(0xe3069283L, crc32c.getValue());
    assertEquals(
        base64BigEndian32(0xe3069283L), Checksums.base64(ChecksumAlgorithm.CRC32C, CHECK_INPUT));
    assertEquals(
        base64BigEndian32(0xcbf43926L), Checksums.base64(ChecksumAlgorithm.CRC32, CHECK_INPUT));
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, of ones, and ascending 0..31.
    assertEquals(0x8a9136aaL, crc32c(new byte[32]));
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xff);
    assertEquals(0x62a8ab43L, crc32c(ones));
    byte[] ascending = new byte[32];
    for (int i = 0; i < 32; i++) {
      ascending[i] = (byte) i;
    }
    assertEquals(0x46dd794eL, crc32c(ascending));
  }

  private static long crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return crc.getValue();
  }

  @Test
  public void s3ValuesFromPublishedExamples() {
    // The CRC32C trailer of AWS's chunked-upload-with-trailer example (66560 bytes of 'a').
    byte[] a = new byte[66_560];
    Arrays.fill(a, (byte) 'a');
    assertEquals("sOO8/Q==", Checksums.base64(ChecksumAlgorithm.CRC32C, a));
    assertEquals("NhCmhg==", Checksums.base64(ChecksumAlgorithm.CRC32, "hello".getBytes()));
    assertEquals(
        "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", Checksums.base64(ChecksumAlgorithm.SHA1, new byte[0]));
    assertEquals(
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        Checksums.base64(ChecksumAlgorithm.SHA256, new byte[0]));
  }

  @Test
  public void incrementalEqualsOneShotForEveryAlgorithm() {
    Random random = new Random(42);
    byte[] data = new byte[10_000];
    random.nextBytes(data);
    for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
      RunningChecksum running = algorithm.start();
      int position = 0;
      while (position < data.length) {
        int length = Math.min(random.nextInt(700), data.length - position);
        running.update(data, position, length);
        position += length;
      }
      byte[] digest = running.digest();
      assertEquals(algorithm.toString(), algorithm.digestBytes(), digest.length);
      assertEquals(algorithm.toString(), Checksums.base64(algorithm, data), running.base64());
      assertArrayEquals(digest, running.digest());
      assertThrows(IllegalStateException.class, () -> running.update(data));
    }
  }

  @Test
  public void verifyTellsBadDigestFromInvalidValue() {
    byte[] computed = ChecksumAlgorithm.CRC32.start().update("hello".getBytes()).digest();
    Checksums.verify(ChecksumAlgorithm.CRC32, "NhCmhg==", computed);
    Checksums.verify(ChecksumAlgorithm.CRC32, " NhCmhg== ", computed);
    S3AuthException bad =
        assertThrows(
            S3AuthException.class,
            () -> Checksums.verify(ChecksumAlgorithm.CRC32, "AAAAAA==", computed));
    assertEquals("BadDigest", bad.errorCode());
    for (String invalid : new String[] {"", "not base64!", "AAAAAAAAAAA=", "AAA="}) {
      S3AuthException refused =
          assertThrows(
              invalid,
              S3AuthException.class,
              () -> Checksums.verify(ChecksumAlgorithm.CRC32, invalid, computed));
      assertEquals(invalid, "InvalidRequest", refused.errorCode());
    }
  }

  @Test
  public void algorithmsAreNamedAsTheirHeaders() {
    assertEquals("x-amz-checksum-crc64nvme", ChecksumAlgorithm.CRC64NVME.headerName());
    assertEquals(ChecksumAlgorithm.CRC32C, ChecksumAlgorithm.fromName("crc32c"));
    assertEquals(
        Optional.of(ChecksumAlgorithm.SHA256),
        ChecksumAlgorithm.fromHeaderName("X-Amz-Checksum-SHA256"));
    assertEquals(Optional.empty(), ChecksumAlgorithm.fromHeaderName("x-amz-checksum-md5"));
    assertEquals(
        "InvalidRequest",
        assertThrows(S3AuthException.class, () -> ChecksumAlgorithm.fromName("MD5")).errorCode());
  }

  private static String base64BigEndian(long value) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(value).array());
  }

  private static String base64BigEndian32(long value) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) value).array());
  }
}
