package io.cess.core.s3;

import static io.cess.core.s3.AwsExamples.AMZ_DATE;
import static io.cess.core.s3.SigV4Test.headers;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;

/**
 * The aws-chunked examples AWS publishes (a 66560-byte object of 'a' sent as a 64 KiB chunk, a 1
 * KiB chunk and the final chunk, with and without a signed CRC32C trailer), fragmentation, and the
 * bodies the decoder must refuse.
 */
public class AwsChunkedDecoderTest {
  private static final String SEED =
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  private static final String[] CHUNK_SIGNATURES = {
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
  };
  private static final String TRAILER_SEED =
      "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
  private static final String[] TRAILER_CHUNK_SIGNATURES = {
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
  };
  private static final String TRAILER_SIGNATURE =
      "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";
  private static final byte[] OBJECT = filled(66_560, 'a');

  // --- The published examples -------------------------------------------------------------------

  /** The published streaming PUT, with its published seed signature. */
  private static S3Request publishedRequest() {
    return S3Request.of(
        "PUT",
        "/examplebucket/chunkObject.txt",
        headers(
            "Host", "s3.amazonaws.com",
            "x-amz-date", AMZ_DATE,
            "x-amz-storage-class", "REDUCED_REDUNDANCY",
            "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + AwsExamples.CREDENTIAL_SCOPE
                    + ",SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
                    + "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature="
                    + SEED,
            "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "Content-Encoding", "aws-chunked",
            "x-amz-decoded-content-length", "66560",
            "Content-Length", "66824"));
  }

  /**
   * The published streaming PUT with a trailer. Its seed signature is over these signed headers (no
   * content-length, x-amz-trailer included), although the page's Authorization header lists
   * content-length and leaves x-amz-trailer out: the published signatures only reproduce this way.
   */
  private static S3Request publishedTrailerRequest() {
    return S3Request.of(
        "PUT",
        "/examplebucket/chunkObject.txt",
        headers(
            "Host", "s3.amazonaws.com",
            "x-amz-date", AMZ_DATE,
            "x-amz-storage-class", "REDUCED_REDUNDANCY",
            "Authorization",
                "AWS4-HMAC-SHA256 Credential="
                    + AwsExamples.CREDENTIAL_SCOPE
                    + ",SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
                    + "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature="
                    + TRAILER_SEED,
            "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            "Content-Encoding", "aws-chunked",
            "x-amz-decoded-content-length", "66560",
            "x-amz-trailer", "x-amz-checksum-crc32c",
            "Content-Length", "66946"));
  }

  private static byte[] publishedBody(String[] signatures, String trailer) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(ascii("10000;chunk-signature=" + signatures[0] + "\r\n"));
    body.writeBytes(filled(65_536, 'a'));
    body.writeBytes(ascii("\r\n400;chunk-signature=" + signatures[1] + "\r\n"));
    body.writeBytes(filled(1_024, 'a'));
    body.writeBytes(ascii("\r\n0;chunk-signature=" + signatures[2] + "\r\n" + trailer + "\r\n"));
    return body.toByteArray();
  }

  private static byte[] publishedBody() {
    return publishedBody(CHUNK_SIGNATURES, "");
  }

  private static byte[] publishedTrailerBody() {
    return publishedBody(
        TRAILER_CHUNK_SIGNATURES,
        "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + TRAILER_SIGNATURE + "\r\n");
  }

  private static AwsChunkedDecoder publishedDecoder() {
    S3Request request = publishedRequest();
    return AwsChunkedDecoder.forRequest(AwsExamples.verifier().verify(request), request);
  }

  @Test
  public void publishedSeedSignatureVerifiesAndSeedsThePublishedChain() {
    S3Request request = publishedRequest();
    String canonical =
        CanonicalRequest.build(
            request,
            List.of(
                "content-encoding",
                "content-length",
                "host",
                "x-amz-content-sha256",
                "x-amz-date",
                "x-amz-decoded-content-length",
                "x-amz-storage-class"),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    assertEquals(
        "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455",
        Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
    VerifiedRequest verified = AwsExamples.verifier().verify(request);
    assertEquals(SEED, verified.signature());
    assertTrue(verified.contentSha256().chunksSigned());
    SignatureChain chain = verified.signatureChain();
    assertEquals(CHUNK_SIGNATURES[0], chain.nextChunkSignature(sha256(filled(65_536, 'a'))));
    assertEquals(CHUNK_SIGNATURES[1], chain.nextChunkSignature(sha256(filled(1_024, 'a'))));
    assertEquals(CHUNK_SIGNATURES[2], chain.nextChunkSignature(sha256(new byte[0])));
  }

  @Test
  public void publishedBodyDecodesHoweverItIsFragmented() {
    byte[] body = publishedBody();
    assertEquals("the framed length is the published Content-Length", 66_824, body.length);
    for (int pieceBytes : new int[] {1, 2, 7, 85, 86, 87, 88, 89, 4096, 65_536, 66_823, 66_824}) {
      AwsChunkedDecoder decoder = publishedDecoder();
      assertArrayEquals(
          "pieces of " + pieceBytes, OBJECT, decodeInPieces(decoder, body, pieceBytes));
      assertEquals(Map.of(), decoder.finish());
      assertTrue(decoder.isComplete());
      assertEquals(66_560, decoder.decodedBytes());
    }
  }

  @Test
  public void publishedBodyDecodesWhenSplitAtAnyPointAroundItsFraming() {
    byte[] body = publishedBody();
    for (int cut = 0; cut <= body.length; cut++) {
      boolean nearFraming = cut < 200 || Math.abs(cut - 65_626) < 200 || cut > body.length - 200;
      if (nearFraming || cut % 997 == 0) {
        assertArrayEquals("cut at " + cut, OBJECT, decodeSplitAt(publishedDecoder(), body, cut));
      }
    }
  }

  @Test
  public void publishedTrailerBodyDecodesAndItsChecksumMatches() {
    S3Request request = publishedTrailerRequest();
    String canonical =
        CanonicalRequest.build(
            request,
            List.of(
                "content-encoding",
                "host",
                "x-amz-content-sha256",
                "x-amz-date",
                "x-amz-decoded-content-length",
                "x-amz-storage-class",
                "x-amz-trailer"),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
    assertEquals(
        "44d48b8c2f70eae815a0198cc73d7a546a73a93359c070abbaa5e6c7de112559",
        Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)));
    VerifiedRequest verified = AwsExamples.verifier().verify(request);
    byte[] body = publishedTrailerBody();
    assertEquals(66_946, body.length);
    for (int pieceBytes : new int[] {1, 13, 4096, body.length}) {
      AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(verified, request);
      byte[] object = decodeInPieces(decoder, body, pieceBytes);
      assertArrayEquals(OBJECT, object);
      Map<String, String> trailers = decoder.finish();
      assertEquals(Map.of("x-amz-checksum-crc32c", "sOO8/Q=="), trailers);
      Checksums.verify(
          ChecksumAlgorithm.CRC32C,
          trailers.get(ChecksumAlgorithm.CRC32C.headerName()),
          ChecksumAlgorithm.CRC32C.start().update(object).digest());
    }
  }

  @Test
  public void publishedTrailerSignatureIsOverTheTrailerLines() {
    SignatureChain chain =
        AwsExamples.verifier().verify(publishedTrailerRequest()).signatureChain();
    assertEquals(
        TRAILER_CHUNK_SIGNATURES[0], chain.nextChunkSignature(sha256(filled(65_536, 'a'))));
    assertEquals(TRAILER_CHUNK_SIGNATURES[1], chain.nextChunkSignature(sha256(filled(1_024, 'a'))));
    assertEquals(TRAILER_CHUNK_SIGNATURES[2], chain.nextChunkSignature(sha256(new byte[0])));
    assertEquals(
        TRAILER_SIGNATURE,
        chain.trailerSignature(sha256(ascii("x-amz-checksum-crc32c:sOO8/Q==\n"))));
  }

  // --- Fragmentation ----------------------------------------------------------------------------

  /** A small upload through the whole stack: signed, verified, its body encoded. */
  private record Upload(S3Request request, VerifiedRequest verified, byte[] object, byte[] body) {
    AwsChunkedDecoder decoder() {
      return AwsChunkedDecoder.forRequest(verified, request);
    }
  }

  private static Upload upload(
      String contentSha256, List<byte[]> chunks, Map<String, String> trailers, String declared) {
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    chunks.forEach(object::writeBytes);
    Map<String, String> headers =
        headers(
            "Host",
            "s3.amazonaws.com",
            "x-amz-date",
            AMZ_DATE,
            "x-amz-content-sha256",
            contentSha256,
            "Content-Encoding",
            "aws-chunked",
            "x-amz-decoded-content-length",
            Integer.toString(object.size()));
    if (declared != null) {
      headers.put("x-amz-trailer", declared);
    }
    S3Request request = AwsExamples.signer().sign(S3Request.of("PUT", "/bucket/key", headers));
    VerifiedRequest verified = AwsExamples.verifier().verify(request);
    SignatureChain chain =
        verified.contentSha256().chunksSigned() ? verified.signatureChain() : null;
    return new Upload(
        request, verified, object.toByteArray(), ChunkedBodies.encode(chain, chunks, trailers));
  }

  private static Upload signedTrailerUpload() {
    List<byte[]> chunks = List.of(ascii("Hello, "), ascii("aws-chunked"), ascii("!"));
    byte[] object = ascii("Hello, aws-chunked!");
    return upload(
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        chunks,
        Map.of("x-amz-checksum-crc32", Checksums.base64(ChecksumAlgorithm.CRC32, object)),
        "x-amz-checksum-crc32");
  }

  private static Upload unsignedTrailerUpload() {
    List<byte[]> chunks = List.of(ascii("Hello, "), ascii("aws-chunked"), ascii("!"));
    byte[] object = ascii("Hello, aws-chunked!");
    return upload(
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        chunks,
        Map.of("x-amz-checksum-crc64nvme", Checksums.base64(ChecksumAlgorithm.CRC64NVME, object)),
        "x-amz-checksum-crc64nvme");
  }

  @Test
  public void splittingAtEveryByteBoundaryGivesTheSameObjectAndTrailers() {
    for (Upload upload : List.of(signedTrailerUpload(), unsignedTrailerUpload())) {
      AwsChunkedDecoder whole = upload.decoder();
      assertArrayEquals(upload.object(), whole.feed(upload.body()));
      Map<String, String> trailers = whole.finish();
      assertEquals(1, trailers.size());
      for (int cut = 0; cut <= upload.body().length; cut++) {
        AwsChunkedDecoder decoder = upload.decoder();
        assertArrayEquals(
            "cut at " + cut, upload.object(), decodeSplitAt(decoder, upload.body(), cut));
        assertEquals("cut at " + cut, trailers, decoder.trailers());
      }
      for (int cut = 0; cut <= upload.body().length; cut++) {
        for (int second = cut; second <= upload.body().length; second += 7) {
          AwsChunkedDecoder decoder = upload.decoder();
          ByteArrayOutputStream object = new ByteArrayOutputStream();
          object.writeBytes(decoder.feed(upload.body(), 0, cut));
          object.writeBytes(decoder.feed(upload.body(), cut, second - cut));
          object.writeBytes(decoder.feed(upload.body(), second, upload.body().length - second));
          decoder.finish();
          assertArrayEquals(cut + "," + second, upload.object(), object.toByteArray());
        }
      }
    }
  }

  @Test
  public void randomFragmentationOfRandomBodiesDecodes() {
    Random random = new Random(66_560);
    for (int round = 0; round < 100; round++) {
      List<byte[]> chunks = new ArrayList<>();
      for (int i = random.nextInt(5); i > 0; i--) {
        byte[] chunk = new byte[1 + random.nextInt(3000)];
        random.nextBytes(chunk);
        chunks.add(chunk);
      }
      Upload upload =
          round % 2 == 0
              ? upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", chunks, null, null)
              : upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", chunks, Map.of(), null);
      AwsChunkedDecoder decoder = upload.decoder();
      ByteArrayOutputStream object = new ByteArrayOutputStream();
      int position = 0;
      while (position < upload.body().length) {
        int length = Math.min(random.nextInt(600), upload.body().length - position);
        object.writeBytes(decoder.feed(upload.body(), position, length));
        position += length;
      }
      decoder.finish();
      assertArrayEquals("round " + round, upload.object(), object.toByteArray());
    }
  }

  @Test
  public void anEmptyObjectIsOneFinalChunk() {
    Upload upload = upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", List.of(), null, null);
    assertTrue(
        new String(upload.body(), StandardCharsets.US_ASCII).startsWith("0;chunk-signature="));
    AwsChunkedDecoder decoder = upload.decoder();
    assertEquals(0, decoder.feed(upload.body()).length);
    assertEquals(Map.of(), decoder.finish());
  }

  // --- Refusals ---------------------------------------------------------------------------------

  private static S3AuthException refusal(AwsChunkedDecoder decoder, byte[] body) {
    return assertThrows(
        S3AuthException.class,
        () -> {
          decoder.feed(body);
          decoder.finish();
        });
  }

  @Test
  public void aTruncatedBodyIsIncompleteWhereverItStops() {
    byte[] body = publishedBody();
    for (int length :
        new int[] {0, 1, 87, 88, 65_624, 65_625, 65_626, body.length - 40, body.length - 1}) {
      AwsChunkedDecoder decoder = publishedDecoder();
      byte[] object = decoder.feed(Arrays.copyOf(body, length));
      assertTrue(object.length <= OBJECT.length);
      S3AuthException refused = assertThrows(S3AuthException.class, decoder::finish);
      assertEquals("length " + length, "IncompleteBody", refused.errorCode());
      assertFalse(decoder.isComplete());
    }
    Upload upload = signedTrailerUpload();
    for (int length = 0; length < upload.body().length; length++) {
      AwsChunkedDecoder decoder = upload.decoder();
      decoder.feed(Arrays.copyOf(upload.body(), length));
      assertEquals(
          "length " + length,
          "IncompleteBody",
          assertThrows(S3AuthException.class, decoder::finish).errorCode());
    }
  }

  @Test
  public void aChangedDataByteBreaksTheChunkSignature() {
    byte[] body = publishedBody();
    for (int index : new int[] {88, 100, 65_623, 65_712, 66_735}) {
      byte[] tampered = body.clone();
      assertEquals('a', tampered[index]);
      tampered[index] = 'b';
      S3AuthException refused = refusal(publishedDecoder(), tampered);
      assertEquals("index " + index, "SignatureDoesNotMatch", refused.errorCode());
      assertEquals(403, refused.httpStatus());
    }
  }

  @Test
  public void aChangedOrMissingChunkSignatureIsRefused() {
    String body = new String(publishedBody(), StandardCharsets.ISO_8859_1);
    Map<String, String> variants =
        Map.of(
            "the next chunk's signature", body.replace(CHUNK_SIGNATURES[0], CHUNK_SIGNATURES[1]),
            "one hex digit changed", body.replace("ad80c730", "ad80c731"),
            "a final signature of zeros", body.replace(CHUNK_SIGNATURES[2], "0".repeat(64)),
            "a signature one digit longer",
                body.replace(CHUNK_SIGNATURES[1], CHUNK_SIGNATURES[1] + "0"),
            "no final signature", body.replace(";chunk-signature=" + CHUNK_SIGNATURES[2], ""),
            "no first signature", body.replace(";chunk-signature=" + CHUNK_SIGNATURES[0], ""));
    variants.forEach(
        (what, variant) -> {
          S3AuthException refused =
              refusal(publishedDecoder(), variant.getBytes(StandardCharsets.ISO_8859_1));
          String expected = what.startsWith("no ") ? "InvalidRequest" : "SignatureDoesNotMatch";
          assertEquals(what, expected, refused.errorCode());
        });
  }

  @Test
  public void reorderedChunksBreakTheChain() {
    S3Request request =
        AwsExamples.signer()
            .sign(
                S3Request.of(
                    "PUT",
                    "/b/k",
                    headers(
                        "Host",
                        "h",
                        "x-amz-date",
                        AMZ_DATE,
                        "x-amz-content-sha256",
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                        "x-amz-decoded-content-length",
                        "6")));
    VerifiedRequest verified = AwsExamples.verifier().verify(request);
    byte[] inOrder =
        ChunkedBodies.encode(verified.signatureChain(), List.of(ascii("abc"), ascii("def")), null);
    String text = new String(inOrder, StandardCharsets.US_ASCII);
    int second = text.indexOf("3;chunk-signature=", 10);
    int end = text.indexOf("0;chunk-signature=");
    String swapped = text.substring(second, end) + text.substring(0, second) + text.substring(end);
    S3AuthException refused =
        refusal(AwsChunkedDecoder.forRequest(verified, request), ascii(swapped));
    assertEquals("SignatureDoesNotMatch", refused.errorCode());
    AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(verified, request);
    assertArrayEquals(ascii("abcdef"), decoder.feed(inOrder));
    decoder.finish();
  }

  @Test
  public void anOversizeChunkSizeLineIsRefusedWithoutBufferingIt() {
    AwsChunkedDecoder decoder = publishedDecoder();
    decoder.feed(filled(AwsChunkedDecoder.MAX_LINE_BYTES, '0'));
    S3AuthException refused = assertThrows(S3AuthException.class, () -> decoder.feed(ascii("0")));
    assertEquals("InvalidRequest", refused.errorCode());
    assertTrue(refused.getMessage(), refused.getMessage().contains("longer than 4096 bytes"));
    assertThrows(IllegalStateException.class, () -> decoder.feed(ascii("\r\n")));
    assertThrows(IllegalStateException.class, decoder::finish);

    AwsChunkedDecoder another = publishedDecoder();
    assertEquals("InvalidRequest", refusal(another, filled(1_000_000, 'x')).errorCode());
  }

  @Test
  public void garbageChunkSizeLinesAreRefused() {
    List<String> garbage =
        List.of(
            "\r\n",
            "zz;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            " 10000;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "-1;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "0x10000;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "10000;chunk-signature=" + CHUNK_SIGNATURES[0] + "\n",
            "10000000000000000;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "ffffffffffffffff;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "10401;chunk-signature=" + CHUNK_SIGNATURES[0] + "\r\n",
            "GET / HTTP/1.1\r\n");
    for (String line : garbage) {
      S3AuthException refused = refusal(publishedDecoder(), ascii(line));
      assertEquals(line, "InvalidRequest", refused.errorCode());
    }
  }

  @Test
  public void chunkDataMustEndInCrlfAndNothingMayFollowTheBody() {
    byte[] body = publishedBody();
    byte[] noCrlf = body.clone();
    noCrlf[88 + 65_536] = 'x';
    assertEquals("InvalidRequest", refusal(publishedDecoder(), noCrlf).errorCode());

    byte[] extra = Arrays.copyOf(body, body.length + 1);
    extra[body.length] = '0';
    assertEquals("InvalidRequest", refusal(publishedDecoder(), extra).errorCode());

    byte[] trailerWhereNoneIsExpected =
        ascii(
            new String(body, StandardCharsets.ISO_8859_1)
                .replaceFirst("\r\n\\z", "x-amz-checksum-crc32:AAAAAA==\r\n\r\n"));
    assertEquals(
        "InvalidRequest", refusal(publishedDecoder(), trailerWhereNoneIsExpected).errorCode());
  }

  @Test
  public void theChunksMustAddUpToTheDecodedContentLength() {
    for (String declared : List.of("66561", "66559", "0")) {
      Map<String, List<String>> headers = new LinkedHashMap<>(publishedRequest().headers());
      headers.put("x-amz-decoded-content-length", List.of(declared));
      S3Request request =
          new S3Request("PUT", "/examplebucket/chunkObject.txt", List.of(), headers);
      // The published seed signed 66560, so build the decoder from a verified original.
      VerifiedRequest verified = AwsExamples.verifier().verify(publishedRequest());
      S3AuthException refused =
          refusal(AwsChunkedDecoder.forRequest(verified, request), publishedBody());
      String expected = declared.equals("66561") ? "IncompleteBody" : "InvalidRequest";
      assertEquals(declared, expected, refused.errorCode());
    }
  }

  @Test
  public void unsignedTrailersMayEndInCrlfOrInLfCrlf() {
    for (String ending : List.of("\r\n\r\n", "\n\r\n\r\n")) {
      Upload upload =
          upload(
              "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
              List.of(ascii("hello")),
              Map.of(),
              "x-amz-checksum-crc32");
      byte[] body = ascii("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==" + ending);
      AwsChunkedDecoder decoder = upload.decoder();
      assertArrayEquals(ascii("hello"), decodeInPieces(decoder, body, 3));
      Map<String, String> trailers = decoder.finish();
      assertEquals(Map.of("x-amz-checksum-crc32", "NhCmhg=="), trailers);
      Checksums.verify(
          ChecksumAlgorithm.CRC32,
          trailers.get("x-amz-checksum-crc32"),
          ChecksumAlgorithm.CRC32.start().update(ascii("hello")).digest());
    }
  }

  @Test
  public void trailersMustBeDeclaredPresentOnceAndSignedWhenTheBodyIsSigned() {
    Upload signed = signedTrailerUpload();
    String body = new String(signed.body(), StandardCharsets.US_ASCII);
    String crc = Checksums.base64(ChecksumAlgorithm.CRC32, signed.object());
    Map<String, String> variants =
        Map.of(
            "tampered value", body.replace(crc, "AAAAAA=="),
            "undeclared trailer", body.replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32c:"),
            "missing trailer", body.replaceFirst("x-amz-checksum-crc32:[^\r]*\r\n", ""),
            "repeated trailer", body.replaceFirst("(x-amz-checksum-crc32:[^\r]*\r\n)", "$1$1"),
            "missing signature", body.replaceFirst("x-amz-trailer-signature:[^\r]*\r\n", ""),
            "signature not last",
                body.replaceFirst(
                    "(x-amz-trailer-signature:[^\r]*\r\n)", "$1x-amz-checksum-crc32:x\r\n"),
            "not name:value", body.replace("x-amz-checksum-crc32:", "x-amz-checksum-crc32 "),
            "a line break in a value", body.replace(crc + "\r\n", crc + "\nx\r\n"));
    variants.forEach(
        (what, variant) -> {
          S3AuthException refused = refusal(signed.decoder(), ascii(variant));
          String expected =
              what.equals("tampered value") ? "SignatureDoesNotMatch" : "MalformedTrailerError";
          assertEquals(what, expected, refused.errorCode());
        });

    Upload unsigned = unsignedTrailerUpload();
    String withSignature =
        new String(unsigned.body(), StandardCharsets.US_ASCII)
            .replaceFirst("\r\n\\z", "x-amz-trailer-signature:" + "0".repeat(64) + "\r\n\r\n");
    assertEquals(
        "MalformedTrailerError", refusal(unsigned.decoder(), ascii(withSignature)).errorCode());
  }

  @Test
  public void oversizeTrailersAreRefused() {
    Upload upload = unsignedTrailerUpload();
    String body = new String(upload.body(), StandardCharsets.US_ASCII);
    String longLine =
        body.replaceFirst(
            "x-amz-checksum-crc64nvme:", "x-amz-checksum-crc64nvme:" + " ".repeat(5000));
    assertEquals("MalformedTrailerError", refusal(upload.decoder(), ascii(longLine)).errorCode());

    StringBuilder declared = new StringBuilder();
    StringBuilder many = new StringBuilder("0\r\n");
    for (int i = 0; i < 10; i++) {
      declared.append(i == 0 ? "" : ",").append("x-amz-meta-").append(i);
      many.append("x-amz-meta-").append(i).append(':').append("v".repeat(2000)).append("\r\n");
    }
    many.append("\r\n");
    Upload empty =
        upload("STREAMING-UNSIGNED-PAYLOAD-TRAILER", List.of(), Map.of(), declared.toString());
    S3AuthException refused = refusal(empty.decoder(), ascii(many.toString()));
    assertEquals("MalformedTrailerError", refused.errorCode());
    assertTrue(refused.getMessage(), refused.getMessage().contains("longer than 16384 bytes"));
  }

  @Test
  public void onlyStreamingRequestsWithADecodedLengthGetADecoder() {
    S3Request plain =
        AwsExamples.signer()
            .sign(
                S3Request.of(
                    "PUT",
                    "/b/k",
                    headers(
                        "Host",
                        "h",
                        "x-amz-date",
                        AMZ_DATE,
                        "x-amz-content-sha256",
                        "UNSIGNED-PAYLOAD")));
    VerifiedRequest verified = AwsExamples.verifier().verify(plain);
    assertThrows(
        IllegalArgumentException.class, () -> AwsChunkedDecoder.forRequest(verified, plain));

    S3Request noLength =
        AwsExamples.signer()
            .sign(
                S3Request.of(
                    "PUT",
                    "/b/k",
                    headers(
                        "Host",
                        "h",
                        "x-amz-date",
                        AMZ_DATE,
                        "x-amz-content-sha256",
                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")));
    S3AuthException refused =
        assertThrows(
            S3AuthException.class,
            () -> AwsChunkedDecoder.forRequest(AwsExamples.verifier().verify(noLength), noLength));
    assertEquals("MissingContentLength", refused.errorCode());
    assertEquals(411, refused.httpStatus());
  }

  // --- Helpers ----------------------------------------------------------------------------------

  private static byte[] decodeInPieces(AwsChunkedDecoder decoder, byte[] body, int pieceBytes) {
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    for (int position = 0; position < body.length; position += pieceBytes) {
      object.writeBytes(decoder.feed(body, position, Math.min(pieceBytes, body.length - position)));
    }
    return object.toByteArray();
  }

  private static byte[] decodeSplitAt(AwsChunkedDecoder decoder, byte[] body, int cut) {
    ByteArrayOutputStream object = new ByteArrayOutputStream();
    object.writeBytes(decoder.feed(body, 0, cut));
    object.writeBytes(decoder.feed(body, cut, body.length - cut));
    decoder.finish();
    return object.toByteArray();
  }

  private static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] sha256(byte[] data) {
    return Sha256.newDigest().digest(data);
  }
}
