package io.cess.core.s3;

import java.util.Objects;

/**
 * The chain of signatures of a signed aws-chunked body: each chunk's signature covers the chunk's
 * SHA-256 and the previous signature, starting from the request's own (the seed), and the trailer
 * signature follows the final empty chunk's. The chain is what keeps chunks from being dropped,
 * reordered or moved to another upload. One chain per body; not thread-safe.
 */
public final class SignatureChain {
  private final SigningKey key;
  private final String amzDate;
  private String previousSignature;

  SignatureChain(SigningKey key, String amzDate, String seedSignature) {
    this.key = Objects.requireNonNull(key, "key");
    this.amzDate = Objects.requireNonNull(amzDate, "amzDate");
    this.previousSignature = Objects.requireNonNull(seedSignature, "seedSignature");
  }

  /** The signature the next chunk must carry, given its SHA-256; the chain moves past it. */
  public String nextChunkSignature(byte[] chunkSha256) {
    previousSignature = key.chunkSignature(amzDate, previousSignature, chunkSha256);
    return previousSignature;
  }

  /** The signature the trailer must carry, given the SHA-256 of its canonical form. */
  public String trailerSignature(byte[] canonicalTrailerSha256) {
    previousSignature = key.trailerSignature(amzDate, previousSignature, canonicalTrailerSha256);
    return previousSignature;
  }
}
