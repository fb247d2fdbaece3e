package io.cess.actors.shard;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.shard.Shard.Command;
import io.cess.actors.shard.Shard.Event;
import io.cess.actors.shard.Shard.State;
import java.time.Duration;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class ShardTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(UnitTestConfig.create());

  private static final Duration LEASE = Duration.ofMinutes(2);

  private EventSourcedBehaviorTestKit<Command, Event, State> shard;

  @Before
  public void fresh() {
    shard = EventSourcedBehaviorTestKit.create(
        testKit.system(), Shard.create(Shard.entityId("f".repeat(64), 3, 1)), UnitTestConfig.strictSerialization());
    shard.clear();
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<Done>> begin(String repairer, Duration lease) {
    return shard.runCommand(r -> new Shard.BeginRepair(repairer, "corrupt on read", "node1-m1", "node1", java.time.Instant.now(), lease, r));
  }

  @Test
  public void aRepairTakesTheLeaseAndRecordsTheNewHolder() {
    assertEquals("healthy", shard.runCommand(Shard.GetShard::new).reply().status());
    assertTrue(begin("gw1/a", LEASE).reply().isSuccess());
    assertEquals("repairing", shard.getState().status());

    CommandResultWithReply<Command, Event, State, Done> finished =
        shard.<Done>runCommand(r -> new Shard.FinishRepair("gw1/a", "node3-m2", "node3", r));
    State s = finished.state();
    assertEquals("healthy", s.status());
    assertEquals("node3-m2", s.minerId());
    assertEquals(1, s.repairs());
    assertEquals(2, s.history().size());
    assertEquals("damaged", s.history().get(0).what());
    assertEquals("repaired", s.history().get(1).what());
    assertEquals(s, shard.restart().state());
  }

  @Test
  public void aSecondRepairerIsRefusedWhileTheLeaseRuns() {
    assertTrue(begin("gw1/a", LEASE).reply().isSuccess());
    CommandResultWithReply<Command, Event, State, StatusReply<Done>> second = begin("gw2/b", LEASE);
    assertTrue(second.reply().isError());
    assertTrue(second.hasNoEvents());
    assertTrue("a finish by a repairer without the lease changes nothing",
        shard.<Done>runCommand(r -> new Shard.FinishRepair("gw2/b", "node2-m1", "node2", r)).hasNoEvents());
    assertEquals("repairing", shard.getState().status());
  }

  @Test
  public void anExpiredLeaseCanBeTakenOver() throws InterruptedException {
    assertTrue(begin("gw1/a", Duration.ofMillis(1)).reply().isSuccess());
    Thread.sleep(5);
    assertTrue(begin("gw2/b", LEASE).reply().isSuccess());
    assertEquals("gw2/b", shard.getState().repairer());
  }

  @Test
  public void anAbandonedRepairLeavesTheShardDamagedAndFreeToRetry() {
    assertTrue(begin("gw1/a", LEASE).reply().isSuccess());
    shard.<Done>runCommand(r -> new Shard.AbandonRepair("gw1/a", "too few miners", r));
    assertEquals("damaged", shard.getState().status());
    assertTrue(begin("gw2/b", LEASE).reply().isSuccess());
    assertTrue("a lease must be positive", begin("gw3/c", Duration.ZERO).reply().isError());
  }

  @Test
  public void historyIsBounded() {
    for (int i = 0; i < Shard.HISTORY; i++) {
      String who = "gw/" + i;
      String miner = "m" + i;
      begin(who, LEASE);
      shard.<Done>runCommand(r -> new Shard.FinishRepair(who, miner, "n", r));
    }
    State s = shard.getState();
    assertEquals(Shard.HISTORY, s.history().size());
    assertEquals(Shard.HISTORY, s.repairs());
    assertEquals("rebuilt onto m" + (Shard.HISTORY - 1) + " (n)", s.history().get(Shard.HISTORY - 1).detail());
  }

  @Test
  public void damageSeenBeforeTheLastRepairIsNotRepairedAgain() {
    java.time.Instant seen = java.time.Instant.now();
    assertTrue(begin("gw1/a", LEASE).reply().isSuccess());
    shard.<Done>runCommand(r -> new Shard.FinishRepair("gw1/a", "node3-m2", "node3", r));
    CommandResultWithReply<Command, Event, State, StatusReply<Done>> late =
        shard.runCommand(r -> new Shard.BeginRepair("gw2/b", "corrupt on read", "node1-m1", "node1", seen, LEASE, r));
    assertTrue("a second reader of the old bad copy", late.reply().isError());
    assertTrue(late.hasNoEvents());
    assertTrue("damage seen now is new damage", begin("gw2/b", LEASE).reply().isSuccess());
  }
}
