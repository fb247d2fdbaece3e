package io.cess.actors.account;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import io.cess.actors.UnitTestConfig;
import io.cess.actors.account.AccessKey.Command;
import io.cess.actors.account.AccessKey.Event;
import io.cess.actors.account.AccessKey.State;
import org.junit.Before;
import org.junit.ClassRule;
import org.junit.Test;

public class AccessKeyTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(UnitTestConfig.create());

  private static final String KEY_ID = "CESSABCDEFGHIJ012345";
  private static final String OWNER = "cess" + "1".repeat(40);
  private static final String STRANGER = "cess" + "2".repeat(40);

  private EventSourcedBehaviorTestKit<Command, Event, State> key;

  @Before
  public void fresh() {
    key = EventSourcedBehaviorTestKit.create(testKit.system(), AccessKey.create(KEY_ID), UnitTestConfig.strictSerialization());
    key.clear();
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<AccessKey.Details>> create(String accountId, String wrapped) {
    return key.runCommand(r -> new AccessKey.Create(accountId, wrapped, r));
  }

  private CommandResultWithReply<Command, Event, State, StatusReply<AccessKey.Details>> revoke(String accountId) {
    return key.runCommand(r -> new AccessKey.Revoke(accountId, r));
  }

  @Test
  public void isCreatedOnceForItsAccount() {
    assertEquals("none", key.runCommand(AccessKey.Get::new).reply().status());

    var created = create(OWNER, "wrapped");
    AccessKey.Details d = created.reply().getValue();
    assertEquals(KEY_ID, d.accessKeyId());
    assertEquals(OWNER, d.accountId());
    assertEquals("active", d.status());
    assertEquals("wrapped", d.wrappedSecret());
    assertNull(d.revokedAt());
    AccessKey.AccessKeyCreated event = created.eventOfType(AccessKey.AccessKeyCreated.class);
    assertEquals(OWNER, event.accountId());
    assertEquals(d.createdAt(), event.at());

    var again = create(STRANGER, "other");
    assertTrue("an existing key is not created again", again.reply().isError());
    assertTrue(again.hasNoEvents());
    assertEquals(OWNER, key.getState().accountId());
    assertEquals("wrapped", key.getState().wrappedSecret());
  }

  @Test
  public void onlyItsAccountRevokesItAndRevokingTwiceChangesNothing() {
    create(OWNER, "wrapped");
    var refused = revoke(STRANGER);
    assertTrue("another account cannot revoke the key", refused.reply().isError());
    assertTrue(refused.hasNoEvents());
    assertEquals("active", key.getState().status());

    var revoked = revoke(OWNER);
    assertEquals("revoked", revoked.reply().getValue().status());
    AccessKey.AccessKeyRevoked event = revoked.eventOfType(AccessKey.AccessKeyRevoked.class);
    assertEquals(event.at(), revoked.reply().getValue().revokedAt());

    var twice = revoke(OWNER);
    assertTrue("revoking a revoked key succeeds", twice.reply().isSuccess());
    assertTrue("and records nothing new", twice.hasNoEvents());
    assertEquals(event.at(), twice.reply().getValue().revokedAt());
    assertTrue("a revoked key is not created again", create(OWNER, "new").reply().isError());
  }

  @Test
  public void anUnknownKeyCannotBeRevoked() {
    var refused = revoke(OWNER);
    assertTrue(refused.reply().isError());
    assertTrue(refused.hasNoEvents());
    assertEquals("none", key.getState().status());
  }

  @Test
  public void recoversItsStateAfterARestart() {
    create(OWNER, "wrapped");
    revoke(OWNER);
    State before = key.getState();
    State after = key.restart().state();
    assertEquals(before, after);
    assertEquals("revoked", after.status());
    assertEquals("wrapped", after.wrappedSecret());
    assertEquals("revoked", key.runCommand(AccessKey.Get::new).reply().status());
  }

  @Test
  public void aMalformedIdIsNeverCreated() {
    var malformed = EventSourcedBehaviorTestKit.<Command, Event, State>create(
        testKit.system(), AccessKey.create("AKIA-not-ours"), UnitTestConfig.strictSerialization());
    var refused = malformed.<StatusReply<AccessKey.Details>>runCommand(r -> new AccessKey.Create(OWNER, "w", r));
    assertTrue(refused.reply().isError());
    assertTrue(refused.hasNoEvents());
    assertTrue(AccessKey.isValidId(KEY_ID));
    assertTrue(!AccessKey.isValidId("CESSabcdefghij012345"));
  }
}
