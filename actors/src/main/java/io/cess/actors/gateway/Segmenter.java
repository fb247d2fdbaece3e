package io.cess.actors.gateway;

import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;

/**
 * Cuts a byte stream into segments of exactly {@code segmentSizeBytes} (the last one shorter,
 * never empty). Holds at most one segment: it pulls only while the current one is incomplete, so
 * a slow downstream back-pressures the upload instead of growing memory.
 */
public final class Segmenter extends GraphStage<FlowShape<ByteString, ByteString>> {

  private final int segmentSizeBytes;
  private final Inlet<ByteString> in = Inlet.create("Segmenter.in");
  private final Outlet<ByteString> out = Outlet.create("Segmenter.out");
  private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);

  public Segmenter(long segmentSizeBytes) {
    if (segmentSizeBytes <= 0 || segmentSizeBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("segment size out of range: " + segmentSizeBytes);
    }
    this.segmentSizeBytes = (int) segmentSizeBytes;
  }

  @Override
  public FlowShape<ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attrs) {
    return new GraphStageLogic(shape) {
      private ByteStringBuilder current = new ByteStringBuilder();
      private ByteString overflow = ByteString.emptyByteString();
      private boolean upstreamDone = false;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                overflow = overflow.concat(grab(in));
                fill();
                emitOrPull();
              }

              @Override
              public void onUpstreamFinish() {
                upstreamDone = true;
                if (isAvailable(out)) {
                  emitOrPull();
                }
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                emitOrPull();
              }
            });
      }

      private void fill() {
        int room = segmentSizeBytes - current.length();
        if (room > 0 && !overflow.isEmpty()) {
          int take = Math.min(room, overflow.size());
          current.append(overflow.take(take));
          overflow = overflow.drop(take);
        }
      }

      private void emitOrPull() {
        fill();
        if (current.length() == segmentSizeBytes) {
          if (isAvailable(out)) {
            push(out, current.result());
            current = new ByteStringBuilder();
            fill();
            if (upstreamDone && current.length() == 0) {
              completeStage();
            }
          }
          return;
        }
        if (upstreamDone) {
          if (current.length() > 0 && isAvailable(out)) {
            push(out, current.result());
            current = new ByteStringBuilder();
          }
          if (current.length() == 0 && overflow.isEmpty()) {
            completeStage();
          }
          return;
        }
        if (!hasBeenPulled(in)) {
          pull(in);
        }
      }
    };
  }
}
