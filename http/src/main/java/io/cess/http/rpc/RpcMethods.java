package io.cess.http.rpc;

import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.actors.gateway.ClusterTables;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.actors.gateway.PutOptions;
import io.cess.core.Sha256;
import io.cess.core.account.AccountIds;
import io.cess.core.naming.ObjectNames;
import io.cess.core.policy.StoragePolicy;
import io.cess.http.routes.AccountRoutes;
import io.cess.http.routes.ApiErrors;
import io.cess.http.routes.CallbackRoutes;
import io.cess.http.routes.FileRoutes;
import io.cess.http.routes.ObjectRoutes;
import io.cess.http.rpc.JsonRpc.Params;
import io.cess.http.rpc.JsonRpc.RpcError;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The operations of the native API as JSON-RPC methods, with the same access rules (a bucket is
 * its owner's and its grantees'). Contents travel base64 in the JSON, so they are limited to
 * {@code maxContentBytes}; larger objects go through the streaming REST API.
 *
 * <ul>
 *   <li>{@code add {bucket, key, content, policy?}}: store (content base64); the stored object.
 *   <li>{@code push {bucket, key, content, policy?}}: store with extra redundancy (ec:K+M+2,
 *       replicas:N+1).
 *   <li>{@code get {bucket, key}}: an object's metadata.
 *   <li>{@code cat {bucket, key, offset?, length?}}: its content (or a range of it), base64.
 *   <li>{@code delete {bucket, key}}: {@code {deleted: true|false}}.
 *   <li>{@code list {bucket, prefix?, maxKeys?}}: keys under a prefix.
 *   <li>{@code create_bucket {bucket, policy?}}: create (for the caller) and set the policy.
 *   <li>{@code get_account {accountId}}: an account's public record.
 *   <li>{@code get_file {fileId}}: a stored file's manifest (placement, never keys).
 *   <li>{@code callback {bucket, key, expiresIn?}}: an expiring download URL (seconds).
 *   <li>{@code get_table_rows {table, lower?, limit?}}: a page of accounts, miners, files or
 *       buckets (those the caller may read).
 * </ul>
 */
public final class RpcMethods {

  public record ContentView(String bucket, String key, long offset, long length, long sizeBytes, String content) {}

  public record Deleted(boolean deleted) {}

  private final ActorSystem<?> system;
  private final ObjectGateway objects;
  private final AccountKeyring accounts;
  private final CallbackRoutes callbacks;
  private final ClusterTables tables;
  private final long maxContentBytes;

  public RpcMethods(
      ActorSystem<?> system, ObjectGateway objects, AccountKeyring accounts, CallbackRoutes callbacks, ClusterTables tables, long maxContentBytes) {
    this.system = system;
    this.objects = objects;
    this.accounts = accounts;
    this.callbacks = callbacks;
    this.tables = tables;
    this.maxContentBytes = maxContentBytes;
  }

  /** The methods by name; the caller is the signing account. */
  public Map<String, JsonRpc.Method<String>> table() {
    Map<String, JsonRpc.Method<String>> m = new LinkedHashMap<>();
    m.put("add", (caller, p) -> add(caller, p, false));
    m.put("push", (caller, p) -> add(caller, p, true));
    m.put("get", this::get);
    m.put("cat", this::cat);
    m.put("delete", this::delete);
    m.put("list", this::list);
    m.put("create_bucket", this::createBucket);
    m.put("get_account", this::getAccount);
    m.put("get_file", this::getFile);
    m.put("callback", this::callback);
    m.put("get_table_rows", this::tableRows);
    return m;
  }

  /** {@code add}, or {@code push} with extra redundancy. */
  private CompletionStage<?> add(String caller, Params p, boolean extraRedundancy) {
    String bucket = bucket(p);
    String key = key(p);
    byte[] content = p.base64("content");
    if (content.length > maxContentBytes) {
      throw Params.invalid("content is " + content.length + " bytes; through JSON-RPC at most " + maxContentBytes + " (PUT larger objects to /v1)");
    }
    StoragePolicy policy = policy(p);
    PutOptions withPolicy = PutOptions.nativeUpload(caller, Sha256.hex(content)).withPolicy(policy, extraRedundancy);
    return objects.access(bucket, caller, Bucket.Access.WRITE).thenCompose(info -> objects.put(
        bucket, key, Source.single(ByteString.fromArrayUnsafe(content)), withPolicy));
  }

  private CompletionStage<?> callback(String caller, Params p) {
    String bucket = bucket(p);
    String key = key(p);
    java.time.Duration expiresIn = java.time.Duration.ofSeconds(
        p.integer("expiresIn", callbacks.settings().defaultExpiry().toSeconds(), 1, callbacks.settings().maxExpiry().toSeconds()));
    return objects.access(bucket, caller, Bucket.Access.READ).thenCompose(info -> callbacks.issue(bucket, key, caller, expiresIn));
  }

  private CompletionStage<?> tableRows(String caller, Params p) {
    String name = p.text("table");
    ClusterTables.Table table = ClusterTables.Table.named(name)
        .orElseThrow(() -> new RpcError(JsonRpc.SERVER_ERROR, "no table " + name + "; the tables are accounts, miners, files and buckets",
            error(404, "NoSuchTable")));
    int limit = (int) p.integer("limit", ClusterTables.DEFAULT_LIMIT, 1, ClusterTables.MAX_LIMIT);
    return tables.rows(table, caller, p.optionalText("lower").filter(l -> !l.isEmpty()).orElse(null), limit);
  }

  private static StoragePolicy policy(Params p) {
    try {
      return p.optionalText("policy").map(StoragePolicy::parse).orElse(null);
    } catch (IllegalArgumentException e) {
      throw Params.invalid(e.getMessage());
    }
  }

  private CompletionStage<?> get(String caller, Params p) {
    String bucket = bucket(p);
    String key = key(p);
    return objects.access(bucket, caller, Bucket.Access.READ).thenCompose(info -> objects.head(bucket, key)).thenApply(found -> found
        .map(e -> new ObjectRoutes.ObjectView(key, e.fileId(), e.sizeBytes(), e.sha256(), e.storedAt().toString()))
        .orElseThrow(() -> noSuchKey(bucket, key)));
  }

  private CompletionStage<?> cat(String caller, Params p) {
    String bucket = bucket(p);
    String key = key(p);
    long offset = p.integer("offset", 0, 0, Long.MAX_VALUE);
    long length = p.integer("length", maxContentBytes, 0, maxContentBytes);
    return objects.access(bucket, caller, Bucket.Access.READ).thenCompose(info -> objects.get(bucket, key)).thenCompose(found -> {
      ObjectGateway.ObjectDownload d = found.orElseThrow(() -> noSuchKey(bucket, key));
      long size = d.entry().sizeBytes();
      if (offset > size || offset == size && size > 0) {
        throw new RpcError(JsonRpc.SERVER_ERROR, "offset " + offset + " is past the end of " + size + " bytes", error(416, "InvalidRange"));
      }
      long n = Math.min(length, size - offset);
      if (size - offset > length && !p.node().has("length")) {
        throw Params.invalid("the object is " + size + " bytes; read it in ranges of at most " + maxContentBytes + " (offset, length) or GET it from /v1");
      }
      Source<ByteString, ?> bytes = objects.content(d.manifest(), offset, offset + n - 1);
      return bytes.runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), system)
          .thenApply(b -> new ContentView(bucket, key, offset, b.size(), size, Base64.getEncoder().encodeToString(b.toArray())));
    });
  }

  private CompletionStage<?> delete(String caller, Params p) {
    String bucket = bucket(p);
    String key = key(p);
    return objects.access(bucket, caller, Bucket.Access.WRITE).thenCompose(info -> objects.delete(bucket, key)).thenApply(Deleted::new);
  }

  private CompletionStage<?> list(String caller, Params p) {
    String bucket = bucket(p);
    String prefix = p.optionalText("prefix").orElse("");
    int max = (int) p.integer("maxKeys", Bucket.MAX_LIST, 0, Bucket.MAX_LIST);
    return objects.access(bucket, caller, Bucket.Access.READ).thenCompose(info -> objects.list(bucket, prefix, max)).thenApply(listing ->
        new ObjectRoutes.ObjectListingView(bucket, prefix, listing.objects().stream()
            .map(o -> new ObjectRoutes.ObjectView(o.key(), o.entry().fileId(), o.entry().sizeBytes(), o.entry().sha256(), o.entry().storedAt().toString()))
            .toList(), listing.truncated()));
  }

  private CompletionStage<?> createBucket(String caller, Params p) {
    String bucket = bucket(p);
    StoragePolicy policy = policy(p);
    return objects.claimOwned(bucket, caller).thenCompose(
        info -> policy == null ? objects.policyOf(bucket) : objects.setPolicy(bucket, policy)).thenCompose(applied -> objects.bucketInfo(bucket).thenApply(info -> Map.of(
        "bucket", bucket, "policy", applied.toString(), "owner", info.owner(), "grants", info.grants())));
  }

  private CompletionStage<?> getAccount(String caller, Params p) {
    String id = p.text("accountId");
    if (!AccountIds.isValid(id)) {
      throw Params.invalid("an account id is \"cess\" and 40 hex digits");
    }
    return accounts.lookup(id).thenApply(d -> {
      if (!"active".equals(d.status())) {
        throw new RpcError(JsonRpc.SERVER_ERROR, "no account " + id, error(404, "NoSuchAccount"));
      }
      return AccountRoutes.AccountView.of(d);
    });
  }

  private CompletionStage<?> getFile(String caller, Params p) {
    String fileId = p.text("fileId");
    if (!Sha256.isHex(fileId)) {
      throw Params.invalid("a file id is 64 lower-case hex characters");
    }
    return objects.manifest(fileId).thenApply(m -> FileRoutes.view(
        m.orElseThrow(() -> new RpcError(JsonRpc.SERVER_ERROR, "no stored file " + fileId, error(404, "NoSuchFile")))));
  }

  private static String bucket(Params p) {
    String bucket = p.text("bucket");
    ObjectNames.bucketProblem(bucket).ifPresent(problem -> {
      throw Params.invalid(problem);
    });
    return bucket;
  }

  private static String key(Params p) {
    String key = p.text("key");
    ObjectNames.keyProblem(key).ifPresent(problem -> {
      throw Params.invalid(problem);
    });
    return key;
  }

  private static RpcError noSuchKey(String bucket, String key) {
    return new RpcError(JsonRpc.SERVER_ERROR, "no object " + key + " in bucket " + bucket, error(404, "NoSuchKey"));
  }

  /** The {@code data} of a domain error: the REST API's status and code for the same failure. */
  static Map<String, Object> error(int status, String code) {
    return Map.of("status", status, "code", code);
  }

  /** Any other failure, as the REST API would report it: 400s are invalid params, 500s internal. */
  public static RpcError fromFailure(Throwable failure) {
    ApiErrors.ApiError e = ApiErrors.errorFor(failure);
    int status = e.status().intValue();
    int code = status == 400 ? JsonRpc.INVALID_PARAMS : status >= 500 && status != 503 && status != 507 ? JsonRpc.INTERNAL_ERROR : JsonRpc.SERVER_ERROR;
    return new RpcError(code, e.message(), error(status, e.code()));
  }
}
