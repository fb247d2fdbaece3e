package io.cess.actors.miner;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.miner.Miner.Command;
import io.cess.actors.miner.Miner.Event;
import io.cess.actors.miner.Miner.GetMiner;
import io.cess.actors.miner.Miner.MinerDetails;
import io.cess.actors.miner.Miner.MinerInfo;
import io.cess.actors.miner.Miner.MinerRegistered;
import io.cess.actors.miner.Miner.RegisterMiner;
import io.cess.actors.miner.Miner.State;
import java.time.Instant;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class MinerTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private static final String MINER_ID = "node1-m1";

  private EventSourcedBehaviorTestKit<Command, Event, State> miner;

  @Before
  public void freshJournal() {
    miner =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), Miner.create(MINER_ID), UnitTestConfig.strictSerialization());
    miner.clear();
  }

  private CommandResultWithReply<Command, Event, State, MinerDetails> register(MinerInfo info) {
    return miner.runCommand(replyTo -> new RegisterMiner(info, replyTo));
  }

  @Test
  public void unregisteredUntilItsNodeDeclaresIt() {
    CommandResultWithReply<Command, Event, State, MinerDetails> r = miner.runCommand(GetMiner::new);
    assertTrue(r.hasNoEvents());
    assertEquals(new MinerDetails(MINER_ID, "unregistered", null, null, 0, 0, 1000), r.reply());
  }

  @Test
  public void registeringActivatesTheMiner() {
    MinerInfo info = new MinerInfo("node1", 4L << 30);
    Instant before = Instant.now();
    CommandResultWithReply<Command, Event, State, MinerDetails> r = register(info);
    MinerRegistered event = r.eventOfType(MinerRegistered.class);
    assertEquals(info, event.info());
    assertFalse(event.at().isBefore(before));
    assertEquals(new MinerDetails(MINER_ID, "active", info, event.at(), 1, 0, 1000), r.reply());
    assertEquals(new State("active", info, event.at(), 1, 0), r.state());
  }

  @Test
  public void registeringAgainRecordsTheNewDeclarationAndKeepsTheFirstDate() {
    Instant first =
        register(new MinerInfo("node1", 4L << 30)).eventOfType(MinerRegistered.class).at();
    MinerInfo bigger = new MinerInfo("node1", 6L << 30);

    CommandResultWithReply<Command, Event, State, MinerDetails> r = register(bigger);
    MinerRegistered second = r.eventOfType(MinerRegistered.class);
    assertEquals(bigger, second.info());
    assertEquals(new MinerDetails(MINER_ID, "active", bigger, first, 2, 0, 1000), r.reply());
    assertEquals(r.reply(), miner.<MinerDetails>runCommand(GetMiner::new).reply());
  }

  @Test
  public void restartRecoversTheJournaledState() {
    register(new MinerInfo("node1", 4L << 30));
    State before = register(new MinerInfo("node1", 6L << 30)).state();
    State recovered = miner.restart().state();
    assertEquals(before, recovered);
    assertEquals(2, recovered.registrations());
  }

  @Test
  public void faultsLowerTheCreditDownToAFloorAndSurviveARestart() {
    register(new MinerInfo("node1", 4L << 30));
    for (int i = 0; i < 12; i++) {
      String shard = "f-0-" + i;
      miner.<akka.Done>runCommand(r -> new Miner.RecordFault(shard, "corrupt on read", r));
    }
    MinerDetails d = miner.<MinerDetails>runCommand(GetMiner::new).reply();
    assertEquals(12, d.faults());
    assertEquals("floored", 100, d.credit());
    assertEquals(900, Miner.credit(1));
    assertEquals(12, miner.restart().state().faults());
  }
}
