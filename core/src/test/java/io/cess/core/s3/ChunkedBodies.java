package io.cess.core.s3;

import io.cess.core.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Test-side aws-chunked encoder, written the way the AWS SDKs frame bodies. */
final class ChunkedBodies {
  private ChunkedBodies() {}

  /**
   * @param chain signs the chunks (and the trailer, if any) when not null
   * @param trailers null for no trailer section; otherwise written, then signed if {@code chain}
   */
  static byte[] encode(SignatureChain chain, List<byte[]> chunks, Map<String, String> trailers) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] chunk : chunks) {
      writeChunk(body, chain, chunk);
    }
    writeChunk(body, chain, new byte[0]);
    if (trailers != null) {
      StringBuilder canonical = new StringBuilder();
      trailers.forEach(
          (name, value) -> {
            ascii(body, name + ":" + value + "\r\n");
            canonical.append(name).append(':').append(value).append('\n');
          });
      if (chain != null) {
        byte[] sha256 =
            Sha256.newDigest().digest(canonical.toString().getBytes(StandardCharsets.US_ASCII));
        ascii(body, "x-amz-trailer-signature:" + chain.trailerSignature(sha256) + "\r\n");
      }
    }
    ascii(body, "\r\n");
    return body.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream body, SignatureChain chain, byte[] chunk) {
    ascii(body, Integer.toHexString(chunk.length));
    if (chain != null) {
      ascii(body, ";chunk-signature=" + chain.nextChunkSignature(Sha256.newDigest().digest(chunk)));
    }
    ascii(body, "\r\n");
    body.writeBytes(chunk);
    if (chunk.length > 0) {
      ascii(body, "\r\n");
    }
  }

  private static void ascii(ByteArrayOutputStream body, String text) {
    body.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }
}
