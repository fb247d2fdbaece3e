package io.cess.actors.gateway;

import io.cess.actors.bucket.Bucket;
import io.cess.core.callback.CallbackToken;
import io.cess.core.callback.CallbackTokenException;
import io.cess.core.callback.CallbackTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The whitepaper's "callback": an expiring URL that downloads one object without a signature, as
 * an S3 presigned URL does. The token ({@link CallbackTokens}) is verified by any gateway without
 * shared state; it names the object's file id, so overwriting or deleting the object ends every
 * callback issued for it, and it names the issuing account, whose read access is checked again
 * when it is opened (revoking a grant ends that account's callbacks too). Otherwise a callback
 * cannot be revoked before it expires.
 */
public final class CallbackLinks {

  /** The shortest expiry: a token lives at least this long. */
  public static final Duration MIN_EXPIRY = Duration.ofSeconds(1);

  /** An issued callback: {@code token} goes into {@code /v1/callbacks/<token>}. */
  public record Issued(String bucket, String key, String fileId, String token, Instant expiresAt) {}

  private final ObjectGateway objects;
  private final CallbackTokens tokens;
  private final Duration maxExpiry;

  /** {@code maxExpiry}: the longest life a callback may be issued with. */
  public CallbackLinks(ObjectGateway objects, MasterKey masterKey, Clock clock, Duration maxExpiry) {
    if (maxExpiry.compareTo(MIN_EXPIRY) < 0) {
      throw new IllegalArgumentException("the maximum callback expiry must be at least " + MIN_EXPIRY + ", was " + maxExpiry);
    }
    this.objects = objects;
    byte[] key = masterKey.bytes();
    try {
      this.tokens = new CallbackTokens(key, clock);
    } finally {
      java.util.Arrays.fill(key, (byte) 0);
    }
    this.maxExpiry = maxExpiry;
  }

  public Duration maxExpiry() {
    return maxExpiry;
  }

  /**
   * A callback for the object now under {@code bucket/key}, on behalf of {@code account} (null:
   * anonymous), who must be allowed to read the bucket (the caller checks, as for a GET). Its
   * expiry is rounded up to a whole second.
   */
  public CompletionStage<Issued> issue(String bucket, String key, String account, Duration expiresIn) {
    if (expiresIn.compareTo(MIN_EXPIRY) < 0 || expiresIn.compareTo(maxExpiry) > 0) {
      return CompletableFuture.failedFuture(new CallbackException(CallbackException.Reason.INVALID_EXPIRY,
          "a callback expires in " + MIN_EXPIRY.toSeconds() + " to " + maxExpiry.toSeconds() + " seconds, asked " + expiresIn.toSeconds()));
    }
    return objects.head(bucket, key).thenApply(entry -> {
      if (entry.isEmpty()) {
        throw new CallbackException(CallbackException.Reason.NO_SUCH_KEY, "no object " + key + " in bucket " + bucket);
      }
      Instant at = tokens.clock().instant().plus(expiresIn);
      Instant expiresAt = at.getNano() == 0 ? at : at.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      String fileId = entry.get().fileId();
      String token = tokens.issue(new CallbackToken(bucket, key, fileId, account, expiresAt));
      return new Issued(bucket, key, fileId, token, expiresAt);
    });
  }

  /**
   * Opens a callback: the object it was issued for, if the token is authentic and unexpired, its
   * issuer may still read the bucket, and the key still holds the same content. Fails with
   * {@link CallbackException} otherwise.
   */
  public CompletionStage<ObjectGateway.ObjectDownload> open(String token) {
    CallbackToken claims;
    try {
      claims = tokens.verify(token);
    } catch (CallbackTokenException e) {
      CallbackException.Reason reason = e.reason() == CallbackTokenException.Reason.EXPIRED
          ? CallbackException.Reason.EXPIRED_TOKEN
          : CallbackException.Reason.INVALID_TOKEN;
      return CompletableFuture.failedFuture(new CallbackException(reason, e.getMessage()));
    }
    return objects.bucketInfo(claims.bucket())
        .thenCompose(info -> {
          if (!info.exists()) {
            throw noSuchKey(claims);
          }
          if (!info.allows(claims.account(), Bucket.Access.READ)) {
            throw new CallbackException(CallbackException.Reason.ACCESS_DENIED,
                "the account that issued this callback may no longer read bucket " + claims.bucket());
          }
          return objects.get(claims.bucket(), claims.key());
        })
        .thenApply(found -> {
          ObjectGateway.ObjectDownload d = found.orElseThrow(() -> noSuchKey(claims));
          if (!d.entry().fileId().equals(claims.fileId())) {
            throw new CallbackException(CallbackException.Reason.OBJECT_REPLACED,
                "object " + claims.key() + " in bucket " + claims.bucket() + " was overwritten after this callback was issued");
          }
          return d;
        });
  }

  private static CallbackException noSuchKey(CallbackToken claims) {
    return new CallbackException(CallbackException.Reason.NO_SUCH_KEY,
        "no object " + claims.key() + " in bucket " + claims.bucket() + " (deleted after this callback was issued?)");
  }
}
