package io.cess.actors.node;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.node.StorageNode.Command;
import io.cess.actors.node.StorageNode.Event;
import io.cess.actors.node.StorageNode.GetNode;
import io.cess.actors.node.StorageNode.Membership;
import io.cess.actors.node.StorageNode.NodeDetails;
import io.cess.actors.node.StorageNode.NodeInfo;
import io.cess.actors.node.StorageNode.NodeJoined;
import io.cess.actors.node.StorageNode.NodeLeft;
import io.cess.actors.node.StorageNode.RecordLeave;
import io.cess.actors.node.StorageNode.RegisterNode;
import io.cess.actors.node.StorageNode.State;
import java.time.Instant;
import java.util.List;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class StorageNodeTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(UnitTestConfig.create());

  private static final String NODE_ID = "node1";

  private EventSourcedBehaviorTestKit<Command, Event, State> node;

  @Before
  public void freshJournal() {
    node =
        EventSourcedBehaviorTestKit.create(
            testKit.system(), StorageNode.create(NODE_ID), UnitTestConfig.strictSerialization());
    node.clear();
  }

  private static NodeInfo info(String akkaAddress) {
    return new NodeInfo(
        List.of("storage", "gateway"),
        "eu-west",
        8L << 30,
        "http://127.0.0.1:8080",
        akkaAddress,
        List.of(NODE_ID + "-m1", NODE_ID + "-m2"));
  }

  private CommandResultWithReply<Command, Event, State, NodeDetails> register(NodeInfo info) {
    return node.runCommand(replyTo -> new RegisterNode(info, replyTo));
  }

  private CommandResultWithReply<Command, Event, State, Done> leave(String reason) {
    return node.runCommand(replyTo -> new RecordLeave(reason, replyTo));
  }

  private NodeDetails get() {
    CommandResultWithReply<Command, Event, State, NodeDetails> r = node.runCommand(GetNode::new);
    assertTrue(r.hasNoEvents());
    return r.reply();
  }

  @Test
  public void aNodeThatNeverRegisteredIsNew() {
    assertEquals(new NodeDetails(NODE_ID, "new", null, List.of()), get());
  }

  @Test
  public void registeringBringsTheNodeUp() {
    NodeInfo info = info("akka://cess@127.0.0.1:25520");
    Instant before = Instant.now();
    CommandResultWithReply<Command, Event, State, NodeDetails> r = register(info);
    Instant after = Instant.now();

    NodeJoined joined = r.eventOfType(NodeJoined.class);
    assertEquals(info, joined.info());
    assertFalse(joined.at().isBefore(before));
    assertFalse(joined.at().isAfter(after));

    NodeDetails expected =
        new NodeDetails(
            NODE_ID,
            "up",
            info,
            List.of(new Membership("joined", info.akkaAddress(), joined.at())));
    assertEquals(expected, r.reply());
    assertEquals(new State("up", info, expected.history()), r.state());
    assertEquals(expected, get());
  }

  @Test
  public void leavingMarksTheNodeLeftAndKeepsItsInfo() {
    NodeInfo info = info("akka://cess@127.0.0.1:25520");
    Instant joinedAt = register(info).eventOfType(NodeJoined.class).at();

    CommandResultWithReply<Command, Event, State, Done> r = leave("shutdown");
    assertSame(Done.getInstance(), r.reply());
    NodeLeft left = r.eventOfType(NodeLeft.class);
    assertEquals("shutdown", left.reason());

    NodeDetails details = get();
    assertEquals("left", details.status());
    assertEquals(info, details.info());
    assertEquals(
        List.of(
            new Membership("joined", info.akkaAddress(), joinedAt),
            new Membership("left", "shutdown", left.at())),
        details.history());
  }

  @Test
  public void leavingWhenNotUpRecordsNothing() {
    CommandResultWithReply<Command, Event, State, Done> whileNew = leave("never joined");
    assertSame(Done.getInstance(), whileNew.reply());
    assertTrue(whileNew.hasNoEvents());
    assertEquals("new", whileNew.state().status());

    register(info("akka://cess@127.0.0.1:25520"));
    leave("shutdown");
    CommandResultWithReply<Command, Event, State, Done> twice = leave("again");
    assertSame(Done.getInstance(), twice.reply());
    assertTrue(twice.hasNoEvents());
    assertEquals(2, twice.state().history().size());
  }

  @Test
  public void aRestartedJvmRegistersAgain() {
    register(info("akka://cess@127.0.0.1:25520"));
    leave("shutdown");
    NodeInfo moved = info("akka://cess@10.0.0.7:25520");
    NodeDetails details = register(moved).reply();
    assertEquals("up", details.status());
    assertEquals(moved, details.info());
    assertEquals(
        List.of("joined", "left", "joined"),
        details.history().stream().map(Membership::change).toList());
  }

  @Test
  public void restartRecoversTheJournaledState() {
    register(info("akka://cess@127.0.0.1:25520"));
    leave("shutdown");
    State before = register(info("akka://cess@10.0.0.7:25520")).state();

    State recovered = node.restart().state();
    assertEquals(before, recovered);
    assertEquals("up", recovered.status());
    assertEquals(3, recovered.history().size());
  }

  @Test
  public void historyKeepsOnlyTheMostRecentEntries() {
    int cycles = 40; // 80 events: more than the limit, and past a snapshot (every 50 events)
    for (int i = 0; i < cycles; i++) {
      NodeDetails joined = register(info("akka://cess@10.0.0." + i + ":25520")).reply();
      assertEquals(Math.min(2 * i + 1, StorageNode.HISTORY_LIMIT), joined.history().size());
      int afterLeave = leave("stop " + i).state().history().size();
      assertEquals(Math.min(2 * i + 2, StorageNode.HISTORY_LIMIT), afterLeave);
    }
    NodeDetails details = get();
    assertEquals(StorageNode.HISTORY_LIMIT, details.history().size());
    // The oldest 30 entries (cycles 0-14) are gone; joins and leaves alternate up to the latest.
    int firstCycle = cycles - StorageNode.HISTORY_LIMIT / 2;
    for (int i = 0; i < StorageNode.HISTORY_LIMIT; i++) {
      Membership m = details.history().get(i);
      int cycle = firstCycle + i / 2;
      if (i % 2 == 0) {
        assertEquals("entry " + i, "joined", m.change());
        assertEquals("entry " + i, "akka://cess@10.0.0." + cycle + ":25520", m.detail());
      } else {
        assertEquals("entry " + i, "left", m.change());
        assertEquals("entry " + i, "stop " + cycle, m.detail());
      }
    }

    State recovered = node.restart().state();
    assertEquals(details.history(), recovered.history());
    assertEquals("left", recovered.status());
    assertTrue(
        "a snapshot was taken",
        node.snapshotTestKit().orElseThrow().persistedInStorage("StorageNode|" + NODE_ID).size()
            > 0);
  }
}
