package io.cess.actors.account;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import io.cess.actors.UnitTestConfig;
import io.cess.core.account.AccountKeys;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

public class AccountTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(UnitTestConfig.create());

  @Test
  public void isCreatedOnceForItsOwnKeyAndRecovers() {
    AccountKeys keys = AccountKeys.generate();
    EventSourcedBehaviorTestKit<Account.Command, Account.Event, Account.State> account =
        EventSourcedBehaviorTestKit.create(testKit.system(), Account.create(keys.accountId()), UnitTestConfig.strictSerialization());
    assertEquals("none", account.runCommand(Account.Get::new).reply().status());

    StatusReply<Account.Details> created =
        account.<StatusReply<Account.Details>>runCommand(r -> new Account.Create(keys.publicKeyBase64(), "enc", "wrapped", r)).reply();
    assertEquals("active", created.getValue().status());
    assertTrue("creating again with the same key is a no-op",
        account.<StatusReply<Account.Details>>runCommand(r -> new Account.Create(keys.publicKeyBase64(), "enc2", "w2", r)).hasNoEvents());
    assertEquals("enc", account.restart().state().encryptionKey());

    String stranger = AccountKeys.generate().publicKeyBase64();
    assertTrue("a key that is not the account's is refused",
        account.<StatusReply<Account.Details>>runCommand(r -> new Account.Create(stranger, "e", "w", r)).reply().isError());
  }

  @Test
  public void listsItsAccessKeysSortedAndOnce() {
    AccountKeys keys = AccountKeys.generate();
    EventSourcedBehaviorTestKit<Account.Command, Account.Event, Account.State> account =
        EventSourcedBehaviorTestKit.create(testKit.system(), Account.create(keys.accountId()), UnitTestConfig.strictSerialization());
    assertTrue("an account that does not exist lists nothing",
        account.<Done>runCommand(r -> new Account.AddAccessKey("CESSZZZZZZZZZZZZZZZZ", r)).hasNoEvents());
    account.<StatusReply<Account.Details>>runCommand(r -> new Account.Create(keys.publicKeyBase64(), "enc", "wrapped", r));

    var added = account.<Done>runCommand(r -> new Account.AddAccessKey("CESSZZZZZZZZZZZZZZZZ", r));
    assertEquals(new Account.AccessKeyAdded("CESSZZZZZZZZZZZZZZZZ"), added.event());
    account.<Done>runCommand(r -> new Account.AddAccessKey("CESSAAAAAAAAAAAAAAAA", r));
    assertTrue("a listed key is not added twice",
        account.<Done>runCommand(r -> new Account.AddAccessKey("CESSAAAAAAAAAAAAAAAA", r)).hasNoEvents());
    assertEquals(List.of("CESSAAAAAAAAAAAAAAAA", "CESSZZZZZZZZZZZZZZZZ"), account.runCommand(Account.Get::new).reply().accessKeys());

    var removed = account.<Done>runCommand(r -> new Account.RemoveAccessKey("CESSZZZZZZZZZZZZZZZZ", r));
    assertEquals(new Account.AccessKeyRemoved("CESSZZZZZZZZZZZZZZZZ"), removed.event());
    assertTrue("removing an unlisted key is a no-op",
        account.<Done>runCommand(r -> new Account.RemoveAccessKey("CESSZZZZZZZZZZZZZZZZ", r)).hasNoEvents());
    Account.State recovered = account.restart().state();
    assertEquals(List.of("CESSAAAAAAAAAAAAAAAA"), recovered.accessKeys());
    assertEquals("enc", recovered.encryptionKey());
  }
}
