package io.cess.actors.gateway;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import io.cess.actors.file.Manifest;
import io.cess.actors.transfer.TransferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;

public class ShardGatherTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource();

  private static final Duration HEDGE = Duration.ofMillis(200);

  private final Manifest.Segment segment = segment(6);
  private final Map<Integer, CompletableFuture<byte[]>> fetches = new ConcurrentHashMap<>();
  private final List<Integer> asked = java.util.Collections.synchronizedList(new ArrayList<>());

  private static Manifest.Segment segment(int shards) {
    List<Manifest.Shard> list = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      list.add(new Manifest.Shard(i, "r" + i, 1, "m" + i, "n" + i));
    }
    return new Manifest.Segment(0, 4, "sha", 6, list);
  }

  /** Each fetch is a future the test completes (or leaves hanging). */
  private CompletionStage<byte[]> fetch(Manifest.Shard s) {
    asked.add(s.index());
    return fetches.computeIfAbsent(s.index(), i -> new CompletableFuture<>());
  }

  private CompletableFuture<Void> gather(int needed, byte[][] shards, Set<Integer> damaged) {
    return ShardGather.run(segment, segment.shards(), needed, shards, damaged, this::fetch,
        testKit.system().scheduler(), HEDGE, testKit.system().executionContext()).toCompletableFuture();
  }

  private void answer(int index) {
    fetches.get(index).complete(new byte[] {(byte) index});
  }

  @Test
  public void asksExactlyKHoldersWhenTheyAnswerPromptly() throws Exception {
    byte[][] shards = new byte[6][];
    CompletableFuture<Void> done = gather(4, shards, ConcurrentHashMap.newKeySet());
    assertEquals(List.of(0, 1, 2, 3), List.copyOf(asked));
    for (int i = 0; i < 4; i++) {
      answer(i);
    }
    done.get(1, TimeUnit.SECONDS);
    assertArrayEquals(new byte[] {2}, shards[2]);
    assertEquals("no hedge after completion", 4, asked.size());
  }

  @Test
  public void aSlowHolderIsHedgedAndItsLateAnswerDropped() throws Exception {
    byte[][] shards = new byte[6][];
    CompletableFuture<Void> done = gather(4, shards, ConcurrentHashMap.newKeySet());
    answer(0);
    answer(2);
    answer(3); // shard 1's holder hangs
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!fetches.containsKey(4) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue("the hedge asked the next holder", fetches.containsKey(4));
    answer(4);
    done.get(1, TimeUnit.SECONDS);
    answer(1); // too late: the segment is already being decoded
    assertNull(shards[1]);
    assertArrayEquals(new byte[] {4}, shards[4]);
  }

  @Test
  public void aCorruptCopyIsReportedAndReplaced() throws Exception {
    byte[][] shards = new byte[6][];
    Set<Integer> damaged = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> done = gather(4, shards, damaged);
    fetches.get(1).completeExceptionally(new TransferException("corrupt", true));
    fetches.get(2).completeExceptionally(new TransferException("node unreachable"));
    assertEquals(List.of(0, 1, 2, 3, 4, 5), List.copyOf(asked));
    answer(0);
    answer(3);
    answer(4);
    answer(5);
    done.get(1, TimeUnit.SECONDS);
    assertEquals("only the bad copy counts as damaged", Set.of(1), damaged);
  }

  @Test
  public void failsWhenTooFewShardsCanBeFetched() throws Exception {
    CompletableFuture<Void> done = gather(4, new byte[6][], ConcurrentHashMap.newKeySet());
    for (int i = 0; i < 3; i++) {
      fetches.get(i).completeExceptionally(new TransferException("gone", true));
    }
    try {
      done.get(1, TimeUnit.SECONDS);
      throw new AssertionError("gathered 4 of 6 shards with 3 gone");
    } catch (ExecutionException e) {
      assertTrue(e.getCause().toString(), e.getCause() instanceof TransferException);
      assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("too few intact shards"));
    }
  }
}
