package io.cess.http.routes;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class PathCodecTest {

  @Test
  public void decodesPercentEscapesAndKeepsPlus() {
    assertEquals("a b+c/d", PathCodec.decode("a%20b+c/d"));
    assertEquals("ü/ß", PathCodec.decode("%C3%BC/%C3%9F"));
    assertEquals("a/b", PathCodec.decode("a%2Fb"));
  }

  @Test
  public void refusesMalformedEscapesAndInvalidUtf8() {
    assertThrows(IllegalArgumentException.class, () -> PathCodec.decode("a%2"));
    assertThrows(IllegalArgumentException.class, () -> PathCodec.decode("a%zz"));
    assertThrows(IllegalArgumentException.class, () -> PathCodec.decode("%C3%28"));
  }

  @Test
  public void rawKeyKeepsDotSegmentsSoTheyCanBeRefused() {
    assertEquals("a/../b", ObjectRoutes.rawKey("bk1", "/v1/buckets/bk1/objects/a/../b?x=1"));
    assertEquals("k", ObjectRoutes.rawKey("bk1", "http://host:1/v1/buckets/bk1/objects/k"));
    assertEquals(null, ObjectRoutes.rawKey("bk1", "/v1/buckets/bk1/b"));
  }
}
