package io.cess.actors.gateway;

import akka.actor.Cancellable;
import akka.actor.typed.Scheduler;
import io.cess.actors.file.Manifest;
import io.cess.actors.transfer.TransferException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches {@code needed} verified shards of one segment, trying holders in the given order: the
 * first {@code needed} at once, the next one whenever a fetch fails, and one more (a hedge)
 * whenever {@code hedgeDelay} passes with fetches still outstanding, so one slow holder does not
 * hold up the read. Completes when {@code needed} shards are in {@code shards}; fails when the
 * order runs out first. Shards that turned out corrupt or missing are added to {@code damaged}.
 * No slot of {@code shards} is written after completion (late arrivals are dropped).
 */
final class ShardGather {

  private static final Logger log = LoggerFactory.getLogger(ShardGather.class);

  private final Manifest.Segment segment;
  private final List<Manifest.Shard> order;
  private final int needed;
  private final byte[][] shards;
  private final Set<Integer> damaged;
  private final Function<Manifest.Shard, CompletionStage<byte[]>> fetch;
  private final Scheduler scheduler;
  private final Duration hedgeDelay;
  private final scala.concurrent.ExecutionContextExecutor executor;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private int next;
  private int inFlight;
  private int fetched;
  private Throwable lastFailure;
  private Cancellable hedge;

  private ShardGather(
      Manifest.Segment segment,
      List<Manifest.Shard> order,
      int needed,
      byte[][] shards,
      Set<Integer> damaged,
      Function<Manifest.Shard, CompletionStage<byte[]>> fetch,
      Scheduler scheduler,
      Duration hedgeDelay,
      scala.concurrent.ExecutionContextExecutor executor) {
    this.segment = segment;
    this.order = order;
    this.needed = needed;
    this.shards = shards;
    this.damaged = damaged;
    this.fetch = fetch;
    this.scheduler = scheduler;
    this.hedgeDelay = hedgeDelay;
    this.executor = executor;
  }

  /**
   * Starts the fetches; {@code fetch} returns a shard's bytes already verified against its
   * fingerprint, or fails ({@link TransferException#damaged()} when the copy is bad or gone).
   */
  static CompletionStage<Void> run(
      Manifest.Segment segment,
      List<Manifest.Shard> order,
      int needed,
      byte[][] shards,
      Set<Integer> damaged,
      Function<Manifest.Shard, CompletionStage<byte[]>> fetch,
      Scheduler scheduler,
      Duration hedgeDelay,
      scala.concurrent.ExecutionContextExecutor executor) {
    ShardGather g = new ShardGather(segment, order, needed, shards, damaged, fetch, scheduler, hedgeDelay, executor);
    g.start();
    return g.done;
  }

  private synchronized void start() {
    if (needed <= 0) {
      done.complete(null);
      return;
    }
    if (order.size() < needed) {
      failWith("only " + order.size() + " shards to try, " + needed + " needed");
      return;
    }
    // (a fetch that fails at once launches its replacement itself, hence the loop condition)
    while (fetched + inFlight < needed && next < order.size() && !done.isDone()) {
      launch();
    }
    armHedge();
  }

  /** Starts the fetch of the next shard in the order. Called holding the lock. */
  private void launch() {
    Manifest.Shard s = order.get(next++);
    inFlight++;
    fetch.apply(s).whenComplete((bytes, failure) -> arrived(s, bytes, failure));
  }

  private synchronized void arrived(Manifest.Shard s, byte[] bytes, Throwable failure) {
    inFlight--;
    if (done.isDone()) {
      return;
    }
    if (failure == null) {
      shards[s.index()] = bytes;
      if (++fetched == needed) {
        finish();
        done.complete(null);
      }
      return;
    }
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    log.warn("skipping shard {} of segment {} on miner {}: {}", s.index(), segment.index(), s.minerId(), cause.toString());
    if (cause instanceof TransferException t && t.damaged()) {
      damaged.add(s.index());
    }
    lastFailure = cause;
    if (next < order.size()) {
      launch();
    } else if (fetched + inFlight < needed) {
      failWith("too few intact shards reachable");
    }
  }

  private synchronized void hedgeNow() {
    if (done.isDone() || inFlight == 0) {
      return;
    }
    if (next < order.size()) {
      log.info("segment {}: a holder is slower than {}; asking another one too", segment.index(), hedgeDelay);
      launch();
    }
    armHedge();
  }

  private void armHedge() {
    if (next < order.size() && !done.isDone()) {
      hedge = scheduler.scheduleOnce(hedgeDelay, this::hedgeNow, executor);
    }
  }

  private void finish() {
    if (hedge != null) {
      hedge.cancel();
    }
  }

  private void failWith(String why) {
    finish();
    done.completeExceptionally(new TransferException(
        "segment " + segment.index() + ": " + why + (lastFailure == null ? "" : " (last failure: " + lastFailure + ")")));
  }
}
