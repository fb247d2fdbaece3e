package io.cess.core.s3;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** How S3 canonicalizes paths, query strings and header values for SigV4. */
public class CanonicalRequestTest {

  @Test
  public void pathsAreNeitherNormalizedNorEncodedTwice() {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("/", "/"),
            Map.entry("/test.txt", "/test.txt"),
            Map.entry("//a//b/", "//a//b/"),
            Map.entry("/a/./b/../c", "/a/./b/../c"),
            Map.entry("/test$file.text", "/test%24file.text"),
            Map.entry("/test%24file.text", "/test%24file.text"),
            Map.entry("/a b", "/a%20b"),
            Map.entry("/a%20b", "/a%20b"),
            Map.entry("/a+b", "/a%2Bb"),
            Map.entry("/a%2Bb", "/a%2Bb"),
            Map.entry("/%7Efoo~", "/~foo~"),
            Map.entry("/caf%c3%a9", "/caf%C3%A9"),
            Map.entry("/caf\u00e9", "/caf%C3%A9"),
            Map.entry("/a%2Fb/c", "/a%2Fb/c"),
            Map.entry("/a%252F", "/a%252F"),
            Map.entry("/%FF%00", "/%FF%00"),
            Map.entry("/!'()*", "/%21%27%28%29%2A"));
    cases.forEach(
        (raw, canonical) -> assertEquals(raw, canonical, CanonicalRequest.canonicalUri(raw)));
  }

  @Test
  public void invalidPercentEscapesAreInvalidUri() {
    for (String raw : List.of("/a%", "/a%2", "/a%zz", "/a%g0", "/%%41")) {
      S3AuthException refused =
          assertThrows(raw, S3AuthException.class, () -> CanonicalRequest.canonicalUri(raw));
      assertEquals(raw, "InvalidURI", refused.errorCode());
    }
  }

  @Test
  public void queryIsSortedByEncodedNameThenValue() {
    assertEquals(
        "max-keys=2&prefix=J",
        CanonicalRequest.canonicalQuery(
            List.of(new QueryParameter("prefix", "J"), new QueryParameter("max-keys", "2"))));
    assertEquals(
        "a=1&a=2&a%20b=&a-b=x&a_b=&b=",
        CanonicalRequest.canonicalQuery(
            List.of(
                new QueryParameter("b", ""),
                new QueryParameter("a_b", ""),
                new QueryParameter("a", "2"),
                new QueryParameter("a-b", "x"),
                new QueryParameter("a b", ""),
                new QueryParameter("a", "1"))));
    assertEquals(
        "key=a%2Fb%20c%2Bd%3De%26f~",
        CanonicalRequest.canonicalQuery(List.of(new QueryParameter("key", "a/b c+d=e&f~"))));
  }

  @Test
  public void theSignatureParameterIsLeftOutOfTheCanonicalQuery() {
    assertEquals(
        "X-Amz-Date=1",
        CanonicalRequest.canonicalQuery(
            List.of(
                new QueryParameter("X-Amz-Signature", "s"),
                new QueryParameter("X-Amz-Date", "1"))));
  }

  @Test
  public void rawQueryDecodesPlusAsSpaceAndKeepsValuelessParameters() {
    assertEquals(
        List.of(
            new QueryParameter("a b", "c d"),
            new QueryParameter("x", "+"),
            new QueryParameter("uploads", ""),
            new QueryParameter("acl", ""),
            new QueryParameter("e", "=f")),
        QueryParameter.parseRawQuery("a+b=c+d&x=%2B&&uploads&acl=&e==f"));
    assertEquals(List.of(), QueryParameter.parseRawQuery(""));
    assertEquals(List.of(), QueryParameter.parseRawQuery(null));
    assertEquals(
        "InvalidURI",
        assertThrows(S3AuthException.class, () -> QueryParameter.parseRawQuery("a=%FF"))
            .errorCode());
  }

  @Test
  public void headerValuesAreTrimmedCollapsedAndJoined() {
    assertEquals("a b c", CanonicalRequest.canonicalHeaderValue(List.of("  a   b \t c  ")));
    assertEquals("\"a b\"", CanonicalRequest.canonicalHeaderValue(List.of("\"a   b\"")));
    assertEquals("", CanonicalRequest.canonicalHeaderValue(List.of("   ")));
    assertEquals("1,2,, x", CanonicalRequest.canonicalHeaderValue(List.of(" 1", "2 ", ", x")));
  }

  @Test
  public void headersAreLookedUpWhateverTheirCase() {
    S3Request request =
        new S3Request(
            "GET",
            "/",
            List.of(),
            Map.of("X-Amz-Meta-A", List.of("1"), "x-amz-meta-b", List.of("2")));
    assertEquals(
        "GET\n/\n\nx-amz-meta-a:1\nx-amz-meta-b:2\n\nx-amz-meta-a;x-amz-meta-b\nUNSIGNED-PAYLOAD",
        CanonicalRequest.build(
            request, List.of("x-amz-meta-a", "x-amz-meta-b"), "UNSIGNED-PAYLOAD"));
  }

  @Test
  public void uriEncodingKeepsExactlyTheUnreservedCharacters() {
    for (int b = 0; b < 256; b++) {
      String encoded = UriEncoding.encode(new byte[] {(byte) b}, true);
      boolean unreserved = Character.isLetterOrDigit(b) && b < 128 || "-_.~".indexOf(b) >= 0;
      String expected = unreserved ? String.valueOf((char) b) : String.format("%%%02X", b);
      assertEquals("byte " + b, expected, encoded);
      assertEquals(b, UriEncoding.decode(encoded, false)[0] & 0xff);
    }
    assertEquals("a/b", UriEncoding.encode("a/b", false));
    assertEquals("a%2Fb", UriEncoding.encode("a/b", true));
    assertEquals("%D0%BA%D0%BB%D1%8E%D1%87", UriEncoding.encode("\u043a\u043b\u044e\u0447", true));
  }

  @Test
  public void requestsValidateTheirParts() {
    assertThrows(IllegalArgumentException.class, () -> S3Request.of("get", "/", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> S3Request.of("GET", "bucket/key", Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new S3Request("GET", "/", List.of(), Map.of(" ", List.of("x"))));
  }
}
