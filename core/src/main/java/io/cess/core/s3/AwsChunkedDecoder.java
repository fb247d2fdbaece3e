package io.cess.core.s3;

import io.cess.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes an {@code aws-chunked} request body incrementally: fed the body in fragments of any size,
 * split anywhere, it returns the object's bytes and checks the framing on the way.
 *
 * <pre>
 * body    = chunk* last-chunk trailer* CRLF
 * chunk   = hex-size [";chunk-signature=" signature] CRLF data CRLF
 * last    = "0" [";chunk-signature=" signature] CRLF
 * trailer = name ":" value CRLF          (x-amz-trailer-signature:... last, when signed)
 * </pre>
 *
 * <p>With a signed mode each chunk's signature is checked against the {@link SignatureChain} seeded
 * by the request's signature, and with {@code ...-PAYLOAD-TRAILER} the trailer's too ({@code
 * AWS4-HMAC-SHA256-TRAILER} over the trailer lines as {@code name:value\n}). The sum of the chunk
 * sizes must be {@code x-amz-decoded-content-length}; a chunk that would pass it is refused as soon
 * as its size line arrives. Trailers must be among those {@code x-amz-trailer} declared, and all
 * declared ones must come; they are exposed by {@link #trailers()} for the caller to check
 * (typically a {@code x-amz-checksum-*} against {@link Checksums}). A trailer line may end in LF
 * CRLF rather than CRLF, as some clients send it; whitespace around trailer values is ignored.
 *
 * <p>Memory is bounded: a size line or trailer line longer than {@link #MAX_LINE_BYTES}, or
 * trailers longer than {@link #MAX_TRAILER_BYTES} in all, are refused rather than buffered; data
 * passes straight through. Because data is returned as it arrives, a chunk's bytes are handed out
 * before its signature (which covers the whole chunk) has been checked: the object is authentic
 * only once {@link #finish()} has returned, so nothing may become visible before. After any error
 * the decoder refuses further input. One decoder per body; not thread-safe.
 */
public final class AwsChunkedDecoder {
  /** The longest chunk-size line or trailer line accepted, CRLF included. */
  public static final int MAX_LINE_BYTES = 4096;

  /** The most trailer bytes accepted after the last chunk, all lines together. */
  public static final int MAX_TRAILER_BYTES = 16 * 1024;

  static final String DECODED_CONTENT_LENGTH = "x-amz-decoded-content-length";
  static final String TRAILER_HEADER = "x-amz-trailer";
  private static final String CHUNK_SIGNATURE = "chunk-signature=";
  private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

  private enum State {
    CHUNK_SIZE_LINE,
    CHUNK_DATA,
    CHUNK_DATA_CR,
    CHUNK_DATA_LF,
    TRAILER_LINE,
    DONE,
    FAILED
  }

  private final SignatureChain chain;
  private final boolean trailerExpected;
  private final Set<String> declaredTrailers;
  private final long decodedContentLength;
  private final MessageDigest chunkDigest = Sha256.newDigest();
  private final byte[] line = new byte[MAX_LINE_BYTES];
  private final Map<String, String> trailers = new LinkedHashMap<>();
  private State state = State.CHUNK_SIZE_LINE;
  private int lineLength;
  private int trailerBytes;
  private long chunkRemaining;
  private String claimedChunkSignature;
  private String claimedTrailerSignature;
  private long decodedBytes;

  AwsChunkedDecoder(
      SignatureChain chain,
      boolean trailerExpected,
      Set<String> declaredTrailers,
      long decodedContentLength) {
    if (decodedContentLength < 0) {
      throw new IllegalArgumentException("decoded content length must be >= 0");
    }
    this.chain = chain;
    this.trailerExpected = trailerExpected;
    this.declaredTrailers = Set.copyOf(declaredTrailers);
    this.decodedContentLength = decodedContentLength;
  }

  /**
   * The decoder for the body of a verified request whose {@code x-amz-content-sha256} is one of the
   * streaming values, reading {@code x-amz-decoded-content-length} and {@code x-amz-trailer}.
   *
   * @throws IllegalArgumentException if the request's body is not aws-chunked
   * @throws S3AuthException {@code MissingContentLength} without {@code
   *     x-amz-decoded-content-length}, {@code InvalidArgument} if it or {@code x-amz-trailer} is
   *     malformed
   */
  public static AwsChunkedDecoder forRequest(VerifiedRequest verified, S3Request request) {
    ContentSha256 content = verified.contentSha256();
    if (!content.isStreaming()) {
      throw new IllegalArgumentException(
          "x-amz-content-sha256 " + content + " does not announce an aws-chunked body");
    }
    Set<String> declared = declaredTrailers(request);
    if (!content.hasTrailer() && !declared.isEmpty()) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_ARGUMENT,
          "x-amz-trailer needs an x-amz-content-sha256 of STREAMING-...-TRAILER, not " + content);
    }
    return new AwsChunkedDecoder(
        content.chunksSigned() ? verified.signatureChain() : null,
        content.hasTrailer(),
        declared,
        decodedContentLength(request));
  }

  /** Decodes the next fragment of the body; returns the object bytes it completes (maybe none). */
  public byte[] feed(byte[] fragment) {
    return feed(fragment, 0, fragment.length);
  }

  /** Decodes {@code length} bytes of {@code fragment} from {@code offset}. */
  public byte[] feed(byte[] fragment, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, fragment.length);
    if (state == State.FAILED) {
      throw new IllegalStateException("this aws-chunked body was refused earlier");
    }
    byte[] out = new byte[length];
    int outLength = 0;
    int position = offset;
    int end = offset + length;
    try {
      while (position < end) {
        switch (state) {
          case CHUNK_SIZE_LINE, TRAILER_LINE -> position = readLine(fragment, position, end);
          case CHUNK_DATA -> {
            int n = (int) Math.min(chunkRemaining, end - position);
            if (chain != null) {
              chunkDigest.update(fragment, position, n);
            }
            System.arraycopy(fragment, position, out, outLength, n);
            outLength += n;
            position += n;
            chunkRemaining -= n;
            decodedBytes += n;
            if (chunkRemaining == 0) {
              checkChunkSignature();
              state = State.CHUNK_DATA_CR;
            }
          }
          case CHUNK_DATA_CR -> {
            expect(fragment[position++], '\r');
            state = State.CHUNK_DATA_LF;
          }
          case CHUNK_DATA_LF -> {
            expect(fragment[position++], '\n');
            state = State.CHUNK_SIZE_LINE;
          }
          case DONE -> throw malformed("there are bytes after the end of the aws-chunked body");
          default -> throw new IllegalStateException("unexpected state " + state);
        }
      }
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    return outLength == out.length ? out : Arrays.copyOf(out, outLength);
  }

  /**
   * Declares the body ended; returns the trailers.
   *
   * @throws S3AuthException {@code IncompleteBody} if the body stopped before its end
   */
  public Map<String, String> finish() {
    if (state == State.FAILED) {
      throw new IllegalStateException("this aws-chunked body was refused earlier");
    }
    if (state != State.DONE) {
      state = State.FAILED;
      throw new S3AuthException(
          S3ErrorCode.INCOMPLETE_BODY,
          "You did not provide the number of bytes specified by the Content-Length HTTP header:"
              + " the aws-chunked body ended after "
              + decodedBytes
              + " of "
              + decodedContentLength
              + " decoded bytes, before its final chunk and CRLF.");
    }
    return trailers();
  }

  /** True once the whole body, trailers and final CRLF included, has been decoded and checked. */
  public boolean isComplete() {
    return state == State.DONE;
  }

  /** The object bytes decoded so far. */
  public long decodedBytes() {
    return decodedBytes;
  }

  /** The trailers received so far, names lower-case, in arrival order (without the signature). */
  public Map<String, String> trailers() {
    return Collections.unmodifiableMap(trailers);
  }

  private int readLine(byte[] in, int position, int end) {
    int newline = position;
    while (newline < end && in[newline] != '\n') {
      newline++;
    }
    int take = (newline < end ? newline + 1 : end) - position;
    if (lineLength + take > line.length) {
      throw state == State.CHUNK_SIZE_LINE
          ? malformed("a chunk-size line is longer than " + MAX_LINE_BYTES + " bytes")
          : trailerError("a trailer line is longer than " + MAX_LINE_BYTES + " bytes");
    }
    if (state == State.TRAILER_LINE) {
      trailerBytes += take;
      if (trailerBytes > MAX_TRAILER_BYTES) {
        throw trailerError("the trailers are longer than " + MAX_TRAILER_BYTES + " bytes");
      }
    }
    System.arraycopy(in, position, line, lineLength, take);
    lineLength += take;
    if (newline == end) {
      return end;
    }
    if (lineLength < 2 || line[lineLength - 2] != '\r') {
      if (state == State.CHUNK_SIZE_LINE) {
        throw malformed("a chunk-size line does not end in CRLF");
      }
      return position + take; // a bare LF inside a trailer line: the line goes on to its CRLF
    }
    String text = new String(line, 0, lineLength - 2, StandardCharsets.ISO_8859_1);
    lineLength = 0;
    if (state == State.CHUNK_SIZE_LINE) {
      chunkSizeLine(text);
    } else {
      trailerLine(text);
    }
    return position + take;
  }

  private void chunkSizeLine(String text) {
    int semicolon = text.indexOf(';');
    String sizeHex = semicolon < 0 ? text : text.substring(0, semicolon);
    if (!sizeHex.matches("[0-9a-fA-F]{1,16}")) {
      throw malformed("a chunk size is not hexadecimal: '" + shortened(sizeHex) + "'");
    }
    long size = Long.parseUnsignedLong(sizeHex, 16);
    if (size < 0 || size > decodedContentLength - decodedBytes) {
      throw malformed(
          "the chunks carry more than x-amz-decoded-content-length, "
              + decodedContentLength
              + " bytes");
    }
    if (chain != null) {
      String extension = semicolon < 0 ? "" : text.substring(semicolon + 1);
      if (!extension.startsWith(CHUNK_SIGNATURE)) {
        throw malformed("a chunk of a signed aws-chunked body has no chunk-signature");
      }
      claimedChunkSignature = extension.substring(CHUNK_SIGNATURE.length());
    }
    chunkRemaining = size;
    if (size > 0) {
      state = State.CHUNK_DATA;
      return;
    }
    if (decodedBytes != decodedContentLength) {
      throw new S3AuthException(
          S3ErrorCode.INCOMPLETE_BODY,
          "You did not provide the number of bytes specified by the Content-Length HTTP header:"
              + " the aws-chunked body carries "
              + decodedBytes
              + " bytes, x-amz-decoded-content-length says "
              + decodedContentLength
              + ".");
    }
    checkChunkSignature();
    state = State.TRAILER_LINE;
  }

  private void checkChunkSignature() {
    if (chain == null) {
      return;
    }
    String expected = chain.nextChunkSignature(chunkDigest.digest());
    if (!SigningKey.sameSignature(expected, claimedChunkSignature)) {
      throw new S3AuthException(
          S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
          "The chunk signature we calculated does not match the one you provided (the chunk"
              + " ending at decoded byte "
              + decodedBytes
              + ").");
    }
  }

  private void trailerLine(String text) {
    if (text.isEmpty()) {
      endOfTrailers();
      state = State.DONE;
      return;
    }
    if (!trailerExpected) {
      throw malformed("the final chunk is not followed by CRLF");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw trailerError("a trailer line is not name:value");
    }
    String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    String value = text.substring(colon + 1).strip();
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw trailerError("a trailer value contains a line break");
    }
    if (claimedTrailerSignature != null) {
      throw trailerError(TRAILER_SIGNATURE + " must be the last trailer");
    }
    if (name.equals(TRAILER_SIGNATURE)) {
      if (chain == null) {
        throw trailerError(TRAILER_SIGNATURE + " in an unsigned body");
      }
      claimedTrailerSignature = value;
      return;
    }
    if (!declaredTrailers.contains(name)) {
      throw trailerError("the trailer " + name + " was not declared in x-amz-trailer");
    }
    if (trailers.putIfAbsent(name, value) != null) {
      throw trailerError("the trailer " + name + " appears twice");
    }
  }

  private void endOfTrailers() {
    for (String name : declaredTrailers) {
      if (!trailers.containsKey(name)) {
        throw trailerError("the trailer " + name + " declared in x-amz-trailer is missing");
      }
    }
    if (chain == null || !trailerExpected) {
      return;
    }
    if (claimedTrailerSignature == null) {
      throw trailerError(TRAILER_SIGNATURE + " is missing");
    }
    StringBuilder canonical = new StringBuilder();
    trailers.forEach(
        (name, value) -> canonical.append(name).append(':').append(value).append('\n'));
    byte[] canonicalSha256 =
        Sha256.newDigest().digest(canonical.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!SigningKey.sameSignature(
        chain.trailerSignature(canonicalSha256), claimedTrailerSignature)) {
      throw new S3AuthException(
          S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
          "The trailer signature we calculated does not match the one you provided.");
    }
  }

  private static void expect(byte actual, char wanted) {
    if (actual != wanted) {
      throw malformed("chunk data is not followed by CRLF");
    }
  }

  private static long decodedContentLength(S3Request request) {
    String text =
        request
            .header(DECODED_CONTENT_LENGTH)
            .orElseThrow(
                () ->
                    new S3AuthException(
                        S3ErrorCode.MISSING_CONTENT_LENGTH,
                        "An aws-chunked body needs the x-amz-decoded-content-length header."))
            .strip();
    if (!text.matches("[0-9]{1,18}")) {
      throw new S3AuthException(
          S3ErrorCode.INVALID_ARGUMENT, "x-amz-decoded-content-length is not a byte count.");
    }
    return Long.parseLong(text);
  }

  private static Set<String> declaredTrailers(S3Request request) {
    Set<String> names = new LinkedHashSet<>();
    for (String value : request.headerValues(TRAILER_HEADER)) {
      for (String name : value.split(",", -1)) {
        String trimmed = name.strip().toLowerCase(Locale.ROOT);
        if (trimmed.isEmpty() || trimmed.equals(TRAILER_SIGNATURE)) {
          throw new S3AuthException(
              S3ErrorCode.INVALID_ARGUMENT, "x-amz-trailer must list header names: " + value);
        }
        names.add(trimmed);
      }
    }
    return names;
  }

  private static S3AuthException malformed(String detail) {
    return new S3AuthException(
        S3ErrorCode.INVALID_REQUEST, "Malformed aws-chunked body: " + detail + ".");
  }

  private static S3AuthException trailerError(String detail) {
    return new S3AuthException(
        S3ErrorCode.MALFORMED_TRAILER_ERROR,
        "The request contained trailing data that was not well-formed: " + detail + ".");
  }

  private static String shortened(String text) {
    return text.length() <= 32 ? text : text.substring(0, 32) + "...";
  }
}
