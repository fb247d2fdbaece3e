package io.cess.http.protect;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.RequestEntity;
import akka.http.javadsl.server.Route;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.Flow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pace a client must keep while sending a request body: a body the gateway is waiting for
 * that sends nothing for {@code body-idle-timeout} (a stalled client), or less than {@code
 * body-min-rate.bytes-per-second} over {@code body-min-rate.window} of waiting (a trickling one),
 * fails with {@link BodyTooSlowException}; the upload reading it fails and stores nothing.
 *
 * <p>Only time the gateway spends waiting for the client counts: while the gateway itself holds
 * the body back (back-pressure from a slow placement), the client is not to blame and no clock
 * runs. akka-http's own {@code idle-timeout} still bounds a connection on which nothing moves at
 * all, headers included (slow-loris); this one is shorter and gives the client a 408.
 */
public final class BodyPace {

  /** {@code cess.http.body-idle-timeout} and {@code cess.http.body-min-rate}, validated. */
  public record Settings(Duration idleTimeout, long minBytesPerSecond, Duration rateWindow) {

    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("cess.http");
      Duration idle = c.getDuration("body-idle-timeout");
      if (idle.isZero() || idle.isNegative()) {
        throw new IllegalArgumentException("cess.http.body-idle-timeout must be positive, was " + idle);
      }
      long rate = c.getBytes("body-min-rate.bytes-per-second");
      if (rate < 0) {
        throw new IllegalArgumentException("cess.http.body-min-rate.bytes-per-second must not be negative, was " + rate);
      }
      Duration window = c.getDuration("body-min-rate.window");
      if (window.compareTo(idle) < 0) {
        throw new IllegalArgumentException(
            "cess.http.body-min-rate.window must be at least cess.http.body-idle-timeout (" + idle + "), was " + window);
      }
      return new Settings(idle, rate, window);
    }

    /** How often a running body is checked: a tenth of the shorter limit, at least 50 ms. */
    Duration checkInterval() {
      return Duration.ofMillis(Math.max(50, idleTimeout.toMillis() / 10));
    }
  }

  private final Settings settings;

  public BodyPace(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs {@code inner} with the request's streamed body paced (a body akka-http already holds
   * whole needs no pacing). Content length and type are kept: signatures cover them.
   */
  public Route paced(Supplier<Route> inner) {
    return mapRequest(this::paced, inner);
  }

  HttpRequest paced(HttpRequest request) {
    RequestEntity entity = request.entity();
    if (entity.isStrict()) {
      return request;
    }
    Flow<ByteString, ByteString, akka.NotUsed> pace = flow();
    return request.withEntity(
        entity.isKnownEmpty() ? entity
            : entity.getContentLengthOption().isPresent()
                ? HttpEntities.create(entity.getContentType(), entity.getContentLengthOption().getAsLong(), entity.getDataBytes().via(pace))
                : HttpEntities.createChunked(entity.getContentType(), entity.getDataBytes().via(pace)));
  }

  /** The pacing as a stream stage (one per body: it holds that body's meter). */
  private Flow<ByteString, ByteString, akka.NotUsed> flow() {
    return Flow.fromGraph(new Stage(settings));
  }

  /**
   * The pace arithmetic, apart from the stream so that it can be tested with a hand-driven
   * clock: {@link #awaiting} when the gateway asks for more, {@link #received} when bytes come,
   * {@link #check} now and then.
   */
  static final class Meter {
    private final long idleNanos;
    private final long windowNanos;
    private final long minBytesPerWindow;
    private boolean waiting;
    private long waitingSinceNanos;
    private long waitedInWindowNanos;
    private long bytesInWindow;

    Meter(Settings settings) {
      this.idleNanos = settings.idleTimeout().toNanos();
      this.windowNanos = settings.rateWindow().toNanos();
      this.minBytesPerWindow = (long) Math.ceil(settings.minBytesPerSecond() * (settings.rateWindow().toNanos() / 1e9));
    }

    void awaiting(long nowNanos) {
      if (!waiting) {
        waiting = true;
        waitingSinceNanos = nowNanos;
      }
    }

    void received(long bytes, long nowNanos) {
      if (waiting) {
        waitedInWindowNanos += nowNanos - waitingSinceNanos;
        waiting = false;
      }
      bytesInWindow += bytes;
    }

    /** Why the body is too slow at {@code nowNanos}, if it is. */
    Optional<String> check(long nowNanos) {
      long waitingNow = waiting ? nowNanos - waitingSinceNanos : 0;
      if (waitingNow >= idleNanos) {
        return Optional.of("the request body sent nothing for " + Duration.ofNanos(idleNanos).toMillis()
            + " ms (cess.http.body-idle-timeout)");
      }
      if (waitedInWindowNanos + waitingNow >= windowNanos) {
        if (bytesInWindow < minBytesPerWindow) {
          return Optional.of("the request body sent " + bytesInWindow + " bytes in " + Duration.ofNanos(windowNanos).toMillis()
              + " ms, fewer than the " + minBytesPerWindow + " of cess.http.body-min-rate");
        }
        waitedInWindowNanos = 0;
        bytesInWindow = 0;
        if (waiting) {
          waitingSinceNanos = nowNanos;
        }
      }
      return Optional.empty();
    }
  }

  private static final class Stage extends GraphStage<FlowShape<ByteString, ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("BodyPace.in");
    private final Outlet<ByteString> out = Outlet.create("BodyPace.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Settings settings;

    Stage(Settings settings) {
      this.settings = settings;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
      return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attributes) {
      Meter meter = new Meter(settings);
      return new TimerGraphStageLogic(shape) {
        {
          setHandler(in, new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString bytes = grab(in);
              meter.received(bytes.size(), System.nanoTime());
              push(out, bytes);
            }
          });
          setHandler(out, new AbstractOutHandler() {
            @Override
            public void onPull() {
              meter.awaiting(System.nanoTime());
              pull(in);
            }
          });
        }

        @Override
        public void preStart() {
          scheduleWithFixedDelay("pace", settings.checkInterval(), settings.checkInterval());
        }

        @Override
        public void onTimer(Object key) {
          meter.check(System.nanoTime()).ifPresent(reason -> failStage(new BodyTooSlowException(reason)));
        }
      };
    }
  }
}
