package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.http.auth.RequestAuthenticator;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.ObjectEntry;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.actors.gateway.PutOptions;
import io.cess.core.policy.StoragePolicy;
import io.cess.core.naming.ObjectNames;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The native object API: {@code /v1/buckets/{bucket}/objects/{key}} with PUT (streamed upload,
 * 201 with the file id, SHA-256 and policy; {@code ?policy=ec:K+M|replicas:N} stores this object
 * with that policy instead of the bucket's, {@code ?redundancy=extra} is the whitepaper's "push":
 * the policy with extra parity), GET (streamed download), HEAD and DELETE, {@code POST
 * .../{key}/callback} for an expiring download URL ({@link CallbackRoutes}; POST has no other use
 * here, so a trailing {@code /callback} is never part of the key), and {@code GET
 * /v1/buckets/{bucket}/objects?prefix=&max-keys=} to list.
 */
public final class ObjectRoutes {

  public record ObjectListingView(String bucket, String prefix, List<ObjectView> objects, boolean truncated) {}

  public record ObjectView(String key, String fileId, long sizeBytes, String sha256, String storedAt) {}

  /** What a POST path ends with: the object's key is what comes before. */
  static final String CALLBACK_SUFFIX = "/callback";

  private final ObjectGateway objects;
  private final CallbackRoutes callbacks;

  public ObjectRoutes(ObjectGateway objects, CallbackRoutes callbacks) {
    this.objects = objects;
    this.callbacks = callbacks;
  }

  /** The object routes for a request from {@code caller} (empty: anonymous). */
  public Route route(Optional<RequestAuthenticator.Caller> caller) {
    String account = caller.map(RequestAuthenticator.Caller::accountId).orElse(null);
    return pathPrefix(
        PathMatchers.segment("v1").slash("buckets").slash(PathMatchers.segment()).slash("objects"),
        bucket ->
            concat(
                pathEnd(() -> get(() -> BucketRoutes.validBucket(bucket, () -> access(bucket, account, Bucket.Access.READ, () -> list(bucket))))),
                pathPrefix(
                    PathMatchers.remaining(),
                    normalizedKey ->
                        optionalHeaderValueByName(
                            "Raw-Request-URI",
                            raw -> withKey(bucket, rawKey(bucket, raw.orElse(null)), (b, k) -> objectRoute(b, k, caller, account))))));
  }

  private Route objectRoute(String bucket, String key, Optional<RequestAuthenticator.Caller> caller, String account) {
    return concat(
        put(() -> access(bucket, account, Bucket.Access.WRITE, () -> upload(bucket, key, caller))),
        get(() -> access(bucket, account, Bucket.Access.READ, () -> download(bucket, key, true))),
        head(() -> access(bucket, account, Bucket.Access.READ, () -> download(bucket, key, false))),
        post(() -> callback(bucket, key, account)),
        delete(
            () -> access(bucket, account, Bucket.Access.WRITE, () ->
                onSuccess(
                    objects.delete(bucket, key),
                    existed -> existed ? complete(StatusCodes.NO_CONTENT) : noSuchKey(bucket, key)))));
  }

  /** {@code POST .../objects/{key}/callback}: anything else is not a resource here. */
  private Route callback(String bucket, String path, String account) {
    if (!path.endsWith(CALLBACK_SUFFIX)) {
      return ApiErrors.complete(StatusCodes.NOT_FOUND, "NotFound",
          "POST on an object is only " + "/v1/buckets/{bucket}/objects/{key}" + CALLBACK_SUFFIX);
    }
    String key = path.substring(0, path.length() - CALLBACK_SUFFIX.length());
    return ObjectNames.keyProblem(key)
        .map(p -> ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidKey", p))
        .orElseGet(() -> access(bucket, account, Bucket.Access.READ, () -> callbacks.issue(bucket, key, account)));
  }

  private Route access(String bucket, String account, Bucket.Access needed, java.util.function.Supplier<Route> inner) {
    return BucketRoutes.withAccess(objects, bucket, account, needed, info -> inner.get());
  }

  /**
   * A signed upload's data key is wrapped to the signer's account, and its body must match the
   * signed SHA-256 (else nothing is stored).
   */
  private Route upload(String bucket, String key, Optional<RequestAuthenticator.Caller> caller) {
    long limit = objects.settings().maxObjectBytes();
    return parameterOptional("policy", policyText -> parameterOptional("redundancy", redundancy -> {
      StoragePolicy policy;
      try {
        policy = policyText.map(StoragePolicy::parse).orElse(null);
      } catch (IllegalArgumentException e) {
        return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidPolicy", e.getMessage());
      }
      boolean extra = redundancy.map("extra"::equals).orElse(false);
      if (redundancy.isPresent() && !extra && !redundancy.get().equals("standard")) {
        return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "redundancy must be standard or extra");
      }
      PutOptions options = PutOptions.nativeUpload(
              caller.map(RequestAuthenticator.Caller::accountId).orElse(null),
              caller.map(RequestAuthenticator.Caller::contentSha256).orElse(null))
          .withPolicy(policy, extra);
      return extractRequestEntity(
          entity ->
              onSuccess(
                  objects.put(bucket, key, entity.withSizeLimit(limit).getDataBytes(), options),
                  stored -> complete(StatusCodes.CREATED, stored, Json.marshaller())));
    }));
  }

  /** GET, or HEAD without {@code body} (handled here: SigV4 must see the real method). */
  private Route download(String bucket, String key, boolean body) {
    return optionalHeaderValueByName(
        "Range",
        range ->
            onSuccess(
                objects.get(bucket, key),
                found -> found.map(d -> serve(objects, d, range.orElse(null), body)).orElseGet(() -> noSuchKey(bucket, key))));
  }

  /**
   * The whole object (200) or one byte range of it (206); an unsatisfiable range is 416. Shared
   * by the object and callback downloads.
   */
  static Route serve(ObjectGateway objects, ObjectGateway.ObjectDownload d, String rangeHeader, boolean body) {
    long size = d.entry().sizeBytes();
    HttpResponse base =
        HttpResponse.create()
            .addHeader(RawHeader.create("ETag", "\"" + d.entry().sha256() + "\""))
            .addHeader(RawHeader.create("Accept-Ranges", "bytes"))
            .addHeader(RawHeader.create("x-cess-sha256", d.entry().sha256()))
            .addHeader(RawHeader.create("x-cess-file-id", d.entry().fileId()));
    if (rangeHeader != null) {
      long[] r;
      try {
        r = ByteRange.parse(rangeHeader, size);
      } catch (IllegalArgumentException e) {
        return complete(
            ApiErrors.response(StatusCodes.RANGE_NOT_SATISFIABLE, "InvalidRange", e.getMessage())
                .addHeader(RawHeader.create("Content-Range", "bytes */" + size)));
      }
      if (r != null) {
        return respond(objects, d, base.withStatus(StatusCodes.PARTIAL_CONTENT)
            .addHeader(RawHeader.create("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size)), r[0], r[1], body);
      }
    }
    return size == 0
        ? complete(base.withStatus(StatusCodes.OK).withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, new byte[0])))
        : respond(objects, d, base.withStatus(StatusCodes.OK), 0, size - 1, body);
  }

  /**
   * {@code response} with bytes {@code first..last} as its entity; for a GET only once the first
   * segment is decoded, so a download that cannot start answers 503 instead of a 200 without
   * body. A HEAD fetches nothing.
   */
  private static Route respond(ObjectGateway objects, ObjectGateway.ObjectDownload d, HttpResponse response, long first, long last, boolean body) {
    long length = last - first + 1;
    if (!body) {
      return complete(response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, length, akka.stream.javadsl.Source.empty())));
    }
    return onSuccess(objects.contentStarted(d.manifest(), first, last),
        bytes -> complete(response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, length, bytes))));
  }

  private Route list(String bucket) {
    return parameterOptional(
        "prefix",
        prefix ->
            parameterOptional(
                "max-keys",
                max -> {
                  int maxKeys;
                  try {
                    maxKeys = max.map(Integer::parseInt).orElse(Bucket.MAX_LIST);
                  } catch (NumberFormatException e) {
                    return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "max-keys must be an integer");
                  }
                  if (maxKeys < 0 || maxKeys > Bucket.MAX_LIST) {
                    return ApiErrors.complete(
                        StatusCodes.BAD_REQUEST, "InvalidArgument", "max-keys must be 0.." + Bucket.MAX_LIST);
                  }
                  String p = prefix.orElse("");
                  return onSuccess(
                      objects.list(bucket, p, maxKeys),
                      listing ->
                          completeOK(
                              new ObjectListingView(
                                  bucket,
                                  p,
                                  listing.objects().stream().map(o -> view(o.key(), o.entry())).toList(),
                                  listing.truncated()),
                              Json.marshaller()));
                }));
  }

  private static ObjectView view(String key, ObjectEntry e) {
    return new ObjectView(key, e.fileId(), e.sizeBytes(), e.sha256(), e.storedAt().toString());
  }

  /**
   * The key exactly as the client sent it: akka-http removes dot segments while parsing the URI,
   * which would silently store "a/../b" as "b"; the raw request line keeps them so they can be
   * refused. Null when the raw path does not have the expected shape.
   */
  static String rawKey(String bucket, String rawUri) {
    if (rawUri == null) {
      return null;
    }
    String path = rawUri;
    int scheme = path.indexOf("://");
    if (scheme >= 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    String prefix = "/v1/buckets/" + bucket + "/objects/";
    return path.startsWith(prefix) ? path.substring(prefix.length()) : null;
  }

  private static Route withKey(String bucket, String encodedKey, BiFunction<String, String, Route> inner) {
    return BucketRoutes.validBucket(
        bucket,
        () -> {
          if (encodedKey == null) {
            return ApiErrors.complete(
                StatusCodes.BAD_REQUEST, "InvalidKey", "object key must not contain '.' or '..' path segments");
          }
          String key;
          try {
            key = PathCodec.decode(encodedKey);
          } catch (IllegalArgumentException e) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidKey", e.getMessage());
          }
          return ObjectNames.keyProblem(key)
              .map(p -> ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidKey", p))
              .orElseGet(() -> inner.apply(bucket, key));
        });
  }

  private static Route noSuchKey(String bucket, String key) {
    return ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchKey", "no object " + key + " in bucket " + bucket);
  }
}
