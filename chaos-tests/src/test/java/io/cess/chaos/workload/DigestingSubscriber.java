package io.cess.chaos.workload;

import io.cess.core.Sha256;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body reduced to its SHA-256 and length while it streams in, keeping only its first
 * KiB (enough for an error answer's JSON). Downloads of tens of MiB cost no heap.
 */
final class DigestingSubscriber implements HttpResponse.BodySubscriber<DigestingSubscriber.Digested> {

  static final int HEAD_BYTES = 1024;

  /** The body's hash and size, and its beginning as text. */
  record Digested(String sha256, long sizeBytes, String head) {}

  private final MessageDigest digest = Sha256.newDigest();
  private final byte[] head = new byte[HEAD_BYTES];
  private final CompletableFuture<Digested> result = new CompletableFuture<>();
  private int headLength;
  private long sizeBytes;
  private Flow.Subscription subscription;

  static HttpResponse.BodyHandler<Digested> handler() {
    return info -> new DigestingSubscriber();
  }

  @Override
  public CompletionStage<Digested> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer buf : items) {
      int n = buf.remaining();
      if (headLength < HEAD_BYTES) {
        int take = Math.min(n, HEAD_BYTES - headLength);
        buf.duplicate().get(head, headLength, take);
        headLength += take;
      }
      digest.update(buf);
      sizeBytes += n;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(new Digested(Sha256.hex(digest), sizeBytes, new String(head, 0, headLength, StandardCharsets.UTF_8)));
  }
}
