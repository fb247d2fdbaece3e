package io.cess.http.s3;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import io.cess.core.s3.ChecksumClaim;
import io.cess.core.s3.RunningChecksum;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Computes the flexible checksum an upload claims over its body as it streams past (one pass, no
 * buffering) and checks it when the body ends: on a mismatch the stream fails with {@code
 * BadDigest}, so the upload fails before anything is recorded and its stored shards are removed.
 * The checked value completes {@code checked}, for the response header. Trailers are read when the
 * body ends, from upstream (the aws-chunked stage, which has checked them by then).
 */
final class ChecksumStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  private final Inlet<ByteString> in = Inlet.create("Checksum.in");
  private final Outlet<ByteString> out = Outlet.create("Checksum.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final ChecksumClaim claim;
  private final Supplier<Map<String, String>> trailers;
  private final CompletableFuture<String> checked;

  ChecksumStage(ChecksumClaim claim, Supplier<Map<String, String>> trailers, CompletableFuture<String> checked) {
    this.claim = claim;
    this.trailers = trailers;
    this.checked = checked;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private final RunningChecksum running = claim.algorithm().start();

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            ByteString bytes = grab(in);
            for (ByteBuffer buffer : bytes.getByteBuffers()) {
              if (buffer.hasArray()) {
                running.update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
              } else {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                running.update(copy);
              }
            }
            push(out, bytes);
          }

          @Override
          public void onUpstreamFinish() {
            String value;
            try {
              value = claim.verify(running.digest(), trailers.get());
            } catch (RuntimeException mismatch) {
              checked.completeExceptionally(mismatch);
              failStage(mismatch);
              return;
            }
            checked.complete(value);
            completeStage();
          }

          @Override
          public void onUpstreamFailure(Throwable failure) {
            checked.completeExceptionally(failure);
            failStage(failure);
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }

          @Override
          public void onDownstreamFinish(Throwable cause) {
            checked.completeExceptionally(cause);
            cancelStage(cause);
          }
        });
      }
    };
  }
}
