package io.cess.actors.gateway;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import io.cess.actors.account.AccessKey;
import io.cess.actors.account.Account;
import io.cess.actors.file.Manifest;
import io.cess.core.crypto.KeyWrap;
import io.cess.core.crypto.MasterKeyWrap;
import io.cess.core.crypto.WrappedKey;
import io.cess.core.crypto.X25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The server-side key hierarchy. Each account has an X25519 key pair; its private half is kept
 * only wrapped under the cluster master key (in the {@link Account} entity). A file's random data
 * key is wrapped to its owner's public key ({@link KeyWrap}, X25519 + HKDF + AES-GCM), so opening
 * it takes the master key and the owner's record together. Files uploaded without an account
 * have their data key wrapped under the master key directly.
 *
 * <p>It also mints an account's S3 access keys: the secret is wrapped under the master key (with
 * the access key id as context) in its {@link AccessKey} entity and shown to the account only
 * once, when minted; the gateway unwraps it to check SigV4 signatures ({@link #credential}).
 */
public final class AccountKeyring {

  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final String ACCESS_KEY_ID_PREFIX = "CESS";
  private static final String ACCESS_KEY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final int ACCESS_KEY_ID_RANDOM_CHARS = 16;
  private static final int SECRET_CHARS = 40;
  /** 30 random bytes are exactly 40 base64url characters (240 bits). */
  private static final int SECRET_RANDOM_BYTES = 30;

  /** A freshly minted access key; the only place its secret is ever returned. */
  public record MintedKey(String accessKeyId, String secretAccessKey, Instant createdAt) {
    @Override
    public String toString() {
      return "MintedKey[accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden), createdAt=" + createdAt + "]";
    }
  }

  /** An active access key with its secret, to check the SigV4 signatures made with it. */
  public record S3Credential(String accountId, String accessKeyId, String secret) {
    @Override
    public String toString() {
      return "S3Credential[accountId=" + accountId + ", accessKeyId=" + accessKeyId + ", secret=(hidden)]";
    }
  }

  private final SecureRandom random = new SecureRandom();

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

  /**
   * Mints an access key for an existing account: its entity first, then the account's listing.
   * If the listing fails the key is revoked again, so that no secret nobody received stays valid.
   */
  public CompletionStage<MintedKey> mintAccessKey(String accountId) {
    return lookup(accountId).thenCompose(a -> {
      if (!"active".equals(a.status())) {
        throw new AccessKeyException(AccessKeyException.Reason.NO_SUCH_ACCOUNT,
            "no account " + accountId + ": access keys are minted for existing accounts only");
      }
      String accessKeyId = newAccessKeyId(random);
      String secret = newSecret(random);
      String wrapped = B64.encodeToString(master.wrap(accessKeyId, secret.getBytes(StandardCharsets.US_ASCII)));
      return accessKey(accessKeyId)
          .<AccessKey.Details>askWithStatus(r -> new AccessKey.Create(accountId, wrapped, r), settings.askTimeout())
          .thenCompose(created -> account(accountId)
              .<Done>ask(r -> new Account.AddAccessKey(accessKeyId, r), settings.askTimeout())
              .handle((done, failure) -> {
                if (failure == null) {
                  return CompletableFuture.completedFuture(new MintedKey(accessKeyId, secret, created.createdAt()));
                }
                return withdraw(accountId, accessKeyId).<MintedKey>thenCompose(ignored -> CompletableFuture.failedFuture(failure));
              })
              .thenCompose(f -> f));
    });
  }

  /** Best effort after a failed mint: the key revoked and unlisted; never fails itself. */
  private CompletionStage<Done> withdraw(String accountId, String accessKeyId) {
    return accessKey(accessKeyId)
        .<AccessKey.Details>askWithStatus(r -> new AccessKey.Revoke(accountId, r), settings.askTimeout())
        .thenCompose(revoked -> account(accountId)
            .<Done>ask(r -> new Account.RemoveAccessKey(accessKeyId, r), settings.askTimeout()))
        .exceptionally(e -> Done.getInstance());
  }

  /** The credential of an active access key; empty for an unknown or revoked one. */
  public CompletionStage<Optional<S3Credential>> credential(String accessKeyId) {
    if (!AccessKey.isValidId(accessKeyId)) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return accessKey(accessKeyId).ask(AccessKey.Get::new, settings.askTimeout()).thenApply(k -> {
      if (!"active".equals(k.status())) {
        return Optional.empty();
      }
      byte[] secret = master.unwrap(accessKeyId, B64D.decode(k.wrappedSecret()));
      try {
        return Optional.of(new S3Credential(k.accountId(), accessKeyId, new String(secret, StandardCharsets.US_ASCII)));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    });
  }

  /** The account's access keys, active and revoked, in id order (the wrapped secrets included: callers show only the rest). */
  public CompletionStage<List<AccessKey.Details>> accessKeys(String accountId) {
    return lookup(accountId).thenCompose(a -> {
      if (!"active".equals(a.status())) {
        throw new AccessKeyException(AccessKeyException.Reason.NO_SUCH_ACCOUNT, "no account " + accountId);
      }
      List<CompletableFuture<AccessKey.Details>> asks = new ArrayList<>();
      for (String id : a.accessKeys()) {
        asks.add(accessKey(id).ask(AccessKey.Get::new, settings.askTimeout()).toCompletableFuture());
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
          .thenApply(all -> asks.stream().map(CompletableFuture::join).toList());
    });
  }

  /**
   * Revokes one of the account's access keys (again: a no-op) and answers its record. A key that
   * does not exist or is another account's fails with {@link AccessKeyException} either way.
   */
  public CompletionStage<AccessKey.Details> revokeAccessKey(String accountId, String accessKeyId) {
    AccessKeyException missing = new AccessKeyException(
        AccessKeyException.Reason.NO_SUCH_ACCESS_KEY, "account " + accountId + " has no access key " + accessKeyId);
    if (!AccessKey.isValidId(accessKeyId)) {
      return CompletableFuture.failedFuture(missing);
    }
    EntityRef<AccessKey.Command> key = accessKey(accessKeyId);
    return key.ask(AccessKey.Get::new, settings.askTimeout()).thenCompose(k -> {
      if (!accountId.equals(k.accountId())) {
        throw missing;
      }
      return key.<AccessKey.Details>askWithStatus(r -> new AccessKey.Revoke(accountId, r), settings.askTimeout());
    });
  }

  /** {@code "CESS"} and 16 uppercase letters or digits: 82 random bits. */
  static String newAccessKeyId(SecureRandom random) {
    StringBuilder id = new StringBuilder(ACCESS_KEY_ID_PREFIX);
    for (int i = 0; i < ACCESS_KEY_ID_RANDOM_CHARS; i++) {
      id.append(ACCESS_KEY_ID_ALPHABET.charAt(random.nextInt(ACCESS_KEY_ID_ALPHABET.length())));
    }
    return id.toString();
  }

  /** 40 characters of the base64url alphabet, no padding. */
  static String newSecret(SecureRandom random) {
    byte[] bytes = new byte[SECRET_RANDOM_BYTES];
    random.nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Arrays.fill(bytes, (byte) 0);
    return secret.substring(0, SECRET_CHARS);
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

  private EntityRef<AccessKey.Command> accessKey(String accessKeyId) {
    return sharding.entityRefFor(AccessKey.ENTITY_KEY, accessKeyId);
  }
}
