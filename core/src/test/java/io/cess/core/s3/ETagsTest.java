package io.cess.core.s3;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.Test;

/** S3 ETags and Content-MD5. */
public class ETagsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] md5(String text) {
    return ETags.newMd5().digest(text.getBytes());
  }

  @Test
  public void singlePutETagIsTheQuotedHexMd5() {
    assertEquals("\"d41d8cd98f00b204e9800998ecf8427e\"", ETags.singlePut(md5("")));
    assertEquals("\"5d41402abc4b2a76b9719d911017c592\"", ETags.singlePut(md5("hello")));
  }

  @Test
  public void multipartETagIsTheMd5OfThePartMd5sAndTheCount() {
    // md5(md5("hello") || md5("world")), computed with Python's hashlib.
    assertEquals(
        "\"065947336a2f2a95ba8899f3675c3be6-2\"",
        ETags.multipart(List.of(md5("hello"), md5("world"))));
    assertEquals(
        "\"" + HEX.formatHex(ETags.newMd5().digest(md5("hello"))) + "-1\"",
        ETags.multipart(List.of(md5("hello"))));
    assertThrows(IllegalArgumentException.class, () -> ETags.multipart(List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ETags.multipart(Collections.nCopies(10_001, md5(""))));
    assertThrows(IllegalArgumentException.class, () -> ETags.multipart(List.of(new byte[15])));
  }

  @Test
  public void partETagsParseQuotedOrNot() {
    byte[] hello = md5("hello");
    assertArrayEquals(hello, ETags.partMd5("\"5d41402abc4b2a76b9719d911017c592\""));
    assertArrayEquals(hello, ETags.partMd5("5D41402ABC4B2A76B9719D911017C592"));
    for (String invalid :
        List.of(
            "",
            "\"\"",
            "5d41402abc4b2a76b9719d911017c59",
            "\"065947336a2f2a95ba8899f3675c3be6-2\"")) {
      assertEquals(
          invalid,
          "InvalidPart",
          assertThrows(S3AuthException.class, () -> ETags.partMd5(invalid)).errorCode());
    }
  }

  @Test
  public void contentMd5IsInvalidDigestWhenMalformedAndBadDigestWhenDifferent() {
    byte[] claimed = ETags.parseContentMd5("1B2M2Y8AsgTpgAmY7PhCfg==");
    ETags.verifyContentMd5(claimed, md5(""));
    S3AuthException bad =
        assertThrows(S3AuthException.class, () -> ETags.verifyContentMd5(claimed, md5("x")));
    assertEquals("BadDigest", bad.errorCode());
    assertEquals(400, bad.httpStatus());
    for (String invalid :
        List.of(
            "",
            "abc",
            "not base64 at all!",
            "AAAAAAAAAAAAAAAAAAAA",
            "d41d8cd98f00b204e9800998ecf8427e")) {
      assertEquals(
          invalid,
          "InvalidDigest",
          assertThrows(S3AuthException.class, () -> ETags.parseContentMd5(invalid)).errorCode());
    }
  }
}
