package io.cess.actors.gateway;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.cess.actors.account.Account;
import io.cess.actors.file.Manifest;
import io.cess.core.crypto.KeyWrap;
import io.cess.core.crypto.MasterKeyWrap;
import io.cess.core.crypto.WrappedKey;
import io.cess.core.crypto.X25519KeyPair;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The server-side key hierarchy. Each account has an X25519 key pair; its private half is kept
 * only wrapped under the cluster master key (in the {@link Account} entity). A file's random data
 * key is wrapped to its owner's public key ({@link KeyWrap}, X25519 + HKDF + AES-GCM), so opening
 * it takes the master key and the owner's record together. Files uploaded without an account
 * have their data key wrapped under the master key directly.
 */
public final class AccountKeyring {

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final ClusterSharding sharding;
  private final GatewaySettings settings;
  private final MasterKeyWrap master;
  private final KeyWrap keyWrap = new KeyWrap();

  public AccountKeyring(ActorSystem<?> system, GatewaySettings settings, MasterKey masterKey) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.master = new MasterKeyWrap(masterKey.bytes());
  }

  /** Creates the account (idempotent for the same signing key) with a fresh server-side key pair. */
  public CompletionStage<Account.Details> register(String accountId, byte[] signingKey) {
    X25519KeyPair pair = X25519KeyPair.generate();
    String wrapped = B64.encodeToString(master.wrap(accountId, pair.privateKey()));
    return account(accountId).askWithStatus(
        r -> new Account.Create(B64.encodeToString(signingKey), B64.encodeToString(pair.publicKey()), wrapped, r),
        settings.askTimeout());
  }

  public CompletionStage<Account.Details> lookup(String accountId) {
    return account(accountId).ask(Account.Get::new, settings.askTimeout());
  }

  /** The data key wrapped for {@code owner} (null: under the master key), base64. */
  public CompletionStage<String> wrap(String owner, String uploadId, byte[] dataKey) {
    if (owner == null) {
      return CompletableFuture.completedFuture(B64.encodeToString(master.wrap(dataKeyContext(uploadId), dataKey)));
    }
    return lookup(owner).thenApply(
        a -> {
          requireActive(a);
          return B64.encodeToString(keyWrap.wrap(dataKey, B64D.decode(a.encryptionKey())).toBytes());
        });
  }

  /** Opens a manifest's data key: with the master key alone, or through its owner's key pair. */
  public CompletionStage<byte[]> unwrap(Manifest m) {
    byte[] wrapped = B64D.decode(m.wrappedKey());
    if (m.keyOwner() == null) {
      return CompletableFuture.completedFuture(master.unwrap(dataKeyContext(m.uploadId()), wrapped));
    }
    return lookup(m.keyOwner()).thenApply(
        a -> {
          requireActive(a);
          byte[] privateKey = master.unwrap(a.accountId(), B64D.decode(a.wrappedDecryptionKey()));
          try {
            return keyWrap.unwrap(WrappedKey.fromBytes(wrapped), privateKey);
          } finally {
            Arrays.fill(privateKey, (byte) 0);
          }
        });
  }

  private static String dataKeyContext(String uploadId) {
    return "cess-data-key:" + uploadId;
  }

  private static void requireActive(Account.Details a) {
    if (!"active".equals(a.status())) {
      throw new IllegalStateException("account " + a.accountId() + " does not exist");
    }
  }

  private EntityRef<Account.Command> account(String accountId) {
    return sharding.entityRefFor(Account.ENTITY_KEY, accountId);
  }
}
