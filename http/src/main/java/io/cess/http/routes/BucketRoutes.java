package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.core.account.AccountIds;
import io.cess.core.naming.ObjectNames;
import io.cess.core.policy.StoragePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Native bucket endpoints and the one access check of the native API. A bucket belongs to the
 * account that created it (or first wrote into it); its owner may grant other accounts {@code
 * read} or {@code write} access.
 *
 * <ul>
 *   <li>{@code GET /v1/buckets}: the caller's buckets.
 *   <li>{@code PUT /v1/buckets/{b}[?policy=ec:4+2]}: create it for the caller (a no-op when it is
 *       theirs already) and, with {@code policy}, set the policy its new objects are written with.
 *   <li>{@code GET /v1/buckets/{b}}: policy, owner, grants (needs read access).
 *   <li>{@code DELETE /v1/buckets/{b}}: the owner deletes an empty bucket (409 when not empty).
 *   <li>{@code PUT /v1/buckets/{b}/grants/{account}?access=read|write}, {@code DELETE} the same
 *       path: the owner grants and revokes.
 * </ul>
 */
public final class BucketRoutes {

  public record BucketView(String bucket, String policy, String owner, Instant createdAt, int objects, Map<String, Bucket.Access> grants) {}

  public record OwnedBucketView(String bucket, Instant createdAt) {}

  private final ObjectGateway objects;

  public BucketRoutes(ObjectGateway objects) {
    this.objects = objects;
  }

  public Route route(Optional<String> caller) {
    String account = caller.orElse(null);
    return concat(
        path(PathMatchers.segment("v1").slash("buckets"), () -> get(() -> signedOnly(caller, () -> onSuccess(
            objects.bucketsOf(account),
            owned -> completeOK(owned.stream().map(b -> new OwnedBucketView(b.name(), b.createdAt())).toList(),
                Json.<List<OwnedBucketView>>marshaller()))))),
        path(PathMatchers.segment("v1").slash("buckets").slash(PathMatchers.segment()), bucket -> validBucket(bucket, () -> concat(
            get(() -> withAccess(objects, bucket, account, Bucket.Access.READ, info -> view(bucket, info))),
            put(() -> parameterOptional("policy", text -> setPolicy(bucket, account, text))),
            delete(() -> onComplete(objects.deleteBucket(bucket, account), done -> done.isSuccess()
                ? complete(StatusCodes.NO_CONTENT)
                : refused(done.failed().get(), bucket)))))),
        path(PathMatchers.segment("v1").slash("buckets").slash(PathMatchers.segment()).slash("grants").slash(PathMatchers.segment()),
            (bucket, grantee) -> validBucket(bucket, () -> {
              if (!AccountIds.isValid(grantee)) {
                return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidAccountId", "an account id is \"cess\" and 40 hex digits");
              }
              return concat(
                  put(() -> parameter("access", text -> {
                    Bucket.Access access = switch (text) {
                      case "read" -> Bucket.Access.READ;
                      case "write" -> Bucket.Access.WRITE;
                      default -> null;
                    };
                    return access == null
                        ? ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "access must be read or write")
                        : answer(objects.grant(bucket, account, grantee, access), bucket);
                  })),
                  delete(() -> answer(objects.revoke(bucket, account, grantee), bucket)));
            })));
  }

  private Route setPolicy(String bucket, String account, Optional<String> text) {
    Optional<StoragePolicy> policy;
    try {
      policy = text.map(StoragePolicy::parse);
    } catch (IllegalArgumentException e) {
      return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidPolicy", e.getMessage());
    }
    return onSuccess(objects.claimOwned(bucket, account), claimed -> {
      return policy.isEmpty()
          ? view(bucket, claimed)
          : onSuccess(objects.setPolicy(bucket, policy.get()), p -> onSuccess(objects.bucketInfo(bucket), info -> view(bucket, info)));
    });
  }

  private Route view(String bucket, Bucket.BucketInfo info) {
    return onSuccess(objects.policyOf(bucket), policy -> completeOK(
        new BucketView(bucket, policy.toString(), info.owner(), info.createdAt(), info.objects(), info.grants()), Json.marshaller()));
  }

  private Route answer(CompletionStage<Bucket.BucketInfo> change, String bucket) {
    return onComplete(change, done -> done.isSuccess() ? view(bucket, done.get()) : refused(done.failed().get(), bucket));
  }

  /** A bucket command's refusal (its code is the error message) as its documented status. */
  private static Route refused(Throwable failure, String bucket) {
    Throwable e = ApiErrors.unwrap(failure);
    if (!(e instanceof akka.pattern.StatusReply.ErrorMessage)) {
      return ApiErrors.completeWith(ApiErrors.forFailure(e));
    }
    return switch (e.getMessage()) {
      case "NoSuchBucket" -> noSuchBucket(bucket);
      case "BucketNotEmpty" -> ApiErrors.complete(StatusCodes.CONFLICT, "BucketNotEmpty", "bucket " + bucket + " is not empty");
      case "AccessDenied" -> ApiErrors.complete(StatusCodes.FORBIDDEN, "AccessDenied", "only the owner of bucket " + bucket + " may do this");
      case "InvalidArgument" -> ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "the owner already has all access");
      default -> ApiErrors.completeWith(ApiErrors.forFailure(e));
    };
  }

  /**
   * Runs {@code inner} when {@code account} (null: anonymous) may do what {@code needed} takes in
   * {@code bucket}: 404 {@code NoSuchBucket} when it does not exist, 403 {@code AccessDenied} when
   * it is not the caller's. A WRITE into a bucket that does not exist yet creates it for the
   * caller.
   */
  public static Route withAccess(ObjectGateway objects, String bucket, String account, Bucket.Access needed, Function<Bucket.BucketInfo, Route> inner) {
    return onSuccess(objects.access(bucket, account, needed), inner);
  }

  static Route noSuchBucket(String bucket) {
    return ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchBucket", "no bucket " + bucket);
  }

  static Route signedOnly(Optional<String> caller, Supplier<Route> inner) {
    return caller.isPresent() ? inner.get() : ApiErrors.complete(StatusCodes.UNAUTHORIZED, "MissingAuthentication",
        "sign the request: Authorization: CESS-ED25519 Account=<id>, Signature=<base64> (see `cess account create`)");
  }

  static Route validBucket(String bucket, Supplier<Route> inner) {
    Optional<String> problem = ObjectNames.bucketProblem(bucket);
    return problem.map(p -> ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidBucketName", p)).orElseGet(inner);
  }
}
