package io.cess.actors.gateway;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.cess.actors.account.AccessKey;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.Test;

/** The shapes of minted access key ids and secrets; minting itself runs in ObjectPathIT. */
public class AccountKeyringTest {

  @Test
  public void accessKeyIdsAndSecretsHaveTheirDocumentedShapeAndDoNotRepeat() {
    SecureRandom random = new SecureRandom();
    Set<String> ids = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = AccountKeyring.newAccessKeyId(random);
      String secret = AccountKeyring.newSecret(random);
      assertEquals(20, id.length());
      assertTrue(id, id.matches("CESS[A-Z0-9]{16}") && AccessKey.isValidId(id));
      assertEquals(40, secret.length());
      assertTrue(secret, secret.matches("[A-Za-z0-9_-]{40}"));
      ids.add(id);
      secrets.add(secret);
    }
    assertEquals(1000, ids.size());
    assertEquals(1000, secrets.size());
  }

  @Test
  public void recordsDoNotPrintTheirSecrets() {
    String secret = "s".repeat(40);
    assertTrue(!new AccountKeyring.MintedKey("CESS" + "A".repeat(16), secret, null).toString().contains(secret));
    assertTrue(!new AccountKeyring.S3Credential("cess" + "1".repeat(40), "CESS" + "A".repeat(16), secret).toString().contains(secret));
  }
}
