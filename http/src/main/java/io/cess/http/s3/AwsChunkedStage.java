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
import io.cess.core.s3.AwsChunkedDecoder;

/**
 * Removes the aws-chunked framing from a request body as it streams: each fragment goes through
 * the {@link AwsChunkedDecoder} (chunk and trailer signatures checked), the object bytes flow on,
 * and when the body ends the decoder must have seen its final chunk, else the stream fails (so
 * the upload fails and nothing is stored). Back-pressured: one fragment in, at most one out.
 */
final class AwsChunkedStage extends GraphStage<FlowShape<ByteString, ByteString>> {

  private final Inlet<ByteString> in = Inlet.create("AwsChunked.in");
  private final Outlet<ByteString> out = Outlet.create("AwsChunked.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
  private final AwsChunkedDecoder decoder;

  AwsChunkedStage(AwsChunkedDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            byte[] decoded = decoder.feed(grab(in).toArray());
            if (decoded.length == 0) {
              pull(in);
            } else {
              push(out, ByteString.fromArrayUnsafe(decoded));
            }
          }

          @Override
          public void onUpstreamFinish() {
            decoder.finish();
            completeStage();
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            pull(in);
          }
        });
      }
    };
  }
}
