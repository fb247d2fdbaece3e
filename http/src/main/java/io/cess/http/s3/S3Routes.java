package io.cess.http.s3;

import static akka.http.javadsl.server.Directives.*;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.ObjectEntry;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.actors.gateway.PutOptions;
import io.cess.core.naming.ObjectNames;
import io.cess.core.s3.AuthorizationHeader;
import io.cess.core.s3.AwsChunkedDecoder;
import io.cess.core.s3.ChecksumClaim;
import io.cess.core.s3.ContentSha256;
import io.cess.core.s3.QueryParameter;
import io.cess.core.s3.S3AuthException;
import io.cess.core.s3.S3ErrorCode;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.SigV4;
import io.cess.core.s3.VerifiedRequest;
import io.cess.http.protect.RateLimiter;
import io.cess.http.routes.ByteRange;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The S3-compatible API for requests signed with AWS Signature V4 (in the Authorization header or
 * a presigned URL) by an access key of an account. Buckets are addressed path-style ({@code
 * /bucket/key}) or virtual-hosted-style ({@code Host: bucket.<domain>}, the whole path the key, for
 * the domains of {@link S3Settings}). Requests without SigV4 are left to the native API. Objects go
 * through the same encrypted, erasure-coded path as native uploads, their data keys wrapped to
 * the signing account.
 *
 * <p>Operations so far: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, ListObjects (v1 and
 * v2, prefix, delimiter, max-keys, continuation), PutObject (plain, signed-payload or aws-chunked
 * bodies, Content-MD5, flexible checksums as headers or trailers, x-amz-meta-*), GetObject (Range,
 * conditions), HeadObject, CopyObject, DeleteObject, DeleteObjects, and the multipart operations
 * of {@link MultipartRoutes} (Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
 * ListMultipartUploads). Errors are S3's XML bodies and codes; a body that breaks a promise
 * (signature, SHA-256, MD5, flexible checksum) fails its upload before anything is recorded.
 */
public final class S3Routes {

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final ObjectGateway objects;
  private final AccountKeyring accounts;
  private final S3Settings settings;
  private final Clock clock = Clock.systemUTC();
  private final MultipartRoutes multipart;
  private final RateLimiter limiter;

  /** {@code limiter}: the request budgets, charged once SigV4 names the account. */
  public S3Routes(ObjectGateway objects, AccountKeyring accounts, S3Settings settings, RateLimiter limiter) {
    this.objects = objects;
    this.limiter = limiter;
    this.accounts = accounts;
    this.settings = settings;
    this.multipart = new MultipartRoutes(objects, this);
  }

  /** Only requests that carry SigV4 are taken; the rest fall through to the other routes. */
  public Route route() {
    return extractRequest(
        request -> {
          boolean signed = request.getHeader("Authorization").map(h -> h.value().startsWith("AWS4-HMAC-SHA256")).orElse(false)
              || request.getUri().rawQueryString().map(q -> q.contains("X-Amz-Algorithm=")).orElse(false);
          return signed ? handleExceptions(
              akka.http.javadsl.server.ExceptionHandler.newBuilder().matchAny(e -> complete(failure(request, e))).build(),
              () -> authenticated(request)) : reject();
        });
  }

  private Route authenticated(HttpRequest request) {
    S3Request s3 = toS3Request(request);
    String accessKeyId;
    try {
      accessKeyId = accessKeyId(s3);
    } catch (S3AuthException e) {
      return complete(error(e.httpStatus(), e.errorCode(), e.getMessage(), s3.rawPath()));
    }
    return onSuccess(
        accounts.credential(accessKeyId),
        found -> {
          if (found.isEmpty()) {
            return complete(error(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", s3.rawPath()));
          }
          VerifiedRequest verified;
          try {
            verified = new SigV4(settings.region(), id -> Optional.of(found.get().secret()), clock).verify(s3);
          } catch (S3AuthException e) {
            return complete(error(e.httpStatus(), e.errorCode(), e.getMessage(), s3.rawPath()));
          }
          String account = found.get().accountId();
          return limiter.limit(RateLimiter.accountKey(account), retryAfterSeconds -> slowDown(retryAfterSeconds, s3.rawPath()),
              () -> dispatch(request, s3, verified, account));
        });
  }

  private Route dispatch(HttpRequest request, S3Request s3, VerifiedRequest verified, String account) {
    String path = s3.rawPath();
    // virtual-hosted style (the bucket in the Host, the whole path the key), else path-style
    Optional<String> hostBucket = request.getHeader("Host").flatMap(h -> settings.bucketOfHost(h.value()));
    String bucket;
    String rawKey;
    if (hostBucket.isPresent()) {
      bucket = hostBucket.get();
      rawKey = path.substring(1);
    } else {
      String[] parts = path.substring(1).split("/", 2);
      bucket = decode(parts[0]);
      rawKey = parts.length == 1 ? "" : parts[1];
    }
    String method = s3.method();
    if (bucket.isEmpty()) {
      return method.equals("GET") ? listBuckets(account) : complete(error(405, "MethodNotAllowed", "not allowed on the service", path));
    }
    if (ObjectNames.bucketProblem(bucket).isPresent()) {
      return complete(error(400, "InvalidBucketName", "The specified bucket is not valid.", path));
    }
    if (rawKey.isEmpty()) {
      return switch (method) {
        case "PUT" -> createBucket(bucket, account, path);
        case "HEAD" -> withBucket(bucket, account, Bucket.Access.READ, path, info -> complete(StatusCodes.OK));
        case "DELETE" -> deleteBucket(bucket, account, path);
        case "GET" -> withBucket(bucket, account, Bucket.Access.READ, path,
            info -> s3.hasQueryParameter("uploads") ? multipart.listUploads(bucket, s3, path) : list(bucket, s3, path));
        case "POST" -> s3.hasQueryParameter("delete")
            ? withBucket(bucket, account, Bucket.Access.WRITE, path, info -> deleteObjects(request, bucket, path))
            : complete(error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", path));
        default -> complete(error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", path));
      };
    }
    String key = decode(rawKey);
    if (ObjectNames.keyProblem(key).isPresent()) {
      return complete(error(400, "InvalidArgument", "The specified key is not valid.", path));
    }
    if (s3.hasQueryParameter("uploads") || s3.hasQueryParameter("uploadId")) {
      return withBucket(bucket, account, Bucket.Access.WRITE, path, info -> multipart.route(request, s3, verified, account, bucket, key, path));
    }
    Bucket.Access needed = method.equals("GET") || method.equals("HEAD") ? Bucket.Access.READ : Bucket.Access.WRITE;
    return withBucket(bucket, account, needed, path, info -> switch (method) {
      case "PUT" -> put(request, s3, verified, account, bucket, key, path);
      case "GET" -> get(request, bucket, key, path, true);
      case "HEAD" -> get(request, bucket, key, path, false);
      case "DELETE" -> onSuccess(objects.delete(bucket, key), existed -> complete(StatusCodes.NO_CONTENT));
      default -> complete(error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", path));
    });
  }

  /** Runs {@code inner} when the bucket exists and {@code account} may do what {@code needed} takes. */
  Route withBucket(String bucket, String account, Bucket.Access needed, String path, java.util.function.Function<Bucket.BucketInfo, Route> inner) {
    return onSuccess(objects.bucketInfo(bucket), info -> {
      if (!info.exists()) {
        return complete(error(404, "NoSuchBucket", "The specified bucket does not exist", path));
      }
      if (!info.allows(account, needed)) {
        return complete(error(403, "AccessDenied", "Access Denied", path));
      }
      return inner.apply(info);
    });
  }

  private Route listBuckets(String account) {
    return onSuccess(objects.bucketsOf(account), owned -> complete(S3Xml.ok(S3Xml.listBuckets(
        account, owned.stream().map(ObjectGateway.OwnedBucket::name).toList(),
        owned.stream().map(ObjectGateway.OwnedBucket::createdAt).toList()))));
  }

  private Route createBucket(String bucket, String account, String path) {
    return onComplete(objects.createBucket(bucket, account), done -> {
      if (done.isSuccess()) {
        return complete(HttpResponse.create().withStatus(StatusCodes.OK).addHeader(RawHeader.create("Location", "/" + bucket)));
      }
      String code = rootMessage(done.failed().get());
      return code.equals("BucketAlreadyOwnedByYou") || code.equals("BucketAlreadyExists")
          ? complete(error(409, code, code.equals("BucketAlreadyExists")
              ? "The requested bucket name is not available." : "Your previous request to create the named bucket succeeded and you already own it.", path))
          : complete(failure(null, done.failed().get()));
    });
  }

  private Route deleteBucket(String bucket, String account, String path) {
    return onComplete(objects.deleteBucket(bucket, account), done -> {
      if (done.isSuccess()) {
        return complete(StatusCodes.NO_CONTENT);
      }
      String code = rootMessage(done.failed().get());
      return switch (code) {
        case "NoSuchBucket" -> complete(error(404, code, "The specified bucket does not exist", path));
        case "BucketNotEmpty" -> complete(error(409, code, "The bucket you tried to delete is not empty", path));
        case "AccessDenied" -> complete(error(403, code, "Access Denied", path));
        default -> complete(failure(null, done.failed().get()));
      };
    });
  }

  private Route list(String bucket, S3Request s3, String path) {
    boolean v2 = s3.queryValues("list-type").contains("2");
    String prefix = first(s3, "prefix").orElse("");
    String delimiter = first(s3, "delimiter").filter(d -> !d.isEmpty()).orElse(null);
    int maxKeys;
    try {
      maxKeys = first(s3, "max-keys").map(Integer::parseInt).orElse(Bucket.MAX_LIST);
    } catch (NumberFormatException e) {
      return complete(error(400, "InvalidArgument", "max-keys must be an integer", path));
    }
    if (maxKeys < 0) {
      return complete(error(400, "InvalidArgument", "max-keys must not be negative", path));
    }
    boolean url = first(s3, "encoding-type").map("url"::equals).orElse(false);
    String token = v2 ? first(s3, "continuation-token").orElse(null) : null;
    String startAfter;
    try {
      startAfter = v2
          ? (token != null ? new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8) : first(s3, "start-after").orElse(null))
          : first(s3, "marker").orElse(null);
    } catch (IllegalArgumentException e) {
      return complete(error(400, "InvalidArgument", "The continuation token provided is incorrect", path));
    }
    String marker = startAfter;
    return onSuccess(objects.listPage(bucket, prefix, delimiter, startAfter, maxKeys), page -> {
      String next = page.truncated() && page.nextStartAfter() != null
          ? Base64.getUrlEncoder().withoutPadding().encodeToString(page.nextStartAfter().getBytes(StandardCharsets.UTF_8)) : null;
      return complete(S3Xml.ok(S3Xml.listObjects(v2, bucket, prefix, delimiter, maxKeys, marker, token, next, page, url)));
    });
  }

  /**
   * The request body as the client meant it: aws-chunked framing removed and its signatures
   * checked, and the flexible checksum it claims (header or trailer) computed as it streams and
   * compared when it ends, so that a mismatch fails the upload before anything is recorded.
   */
  S3Body body(HttpRequest request, S3Request s3, VerifiedRequest verified) {
    Optional<ChecksumClaim> claim = ChecksumClaim.forRequest(verified, s3);
    Source<ByteString, ?> bytes = request.entity().withSizeLimit(objects.settings().maxObjectBytes()).getDataBytes();
    Supplier<Map<String, String>> trailers = Map::of;
    if (verified.contentSha256().isStreaming()) {
      AwsChunkedDecoder decoder = AwsChunkedDecoder.forRequest(verified, s3);
      bytes = bytes.via(new AwsChunkedStage(decoder));
      trailers = decoder::trailers;
    }
    if (claim.isEmpty()) {
      return new S3Body(bytes, null, null);
    }
    CompletableFuture<String> checked = new CompletableFuture<>();
    return new S3Body(bytes.via(new ChecksumStage(claim.get(), trailers, checked)), claim.get().algorithm(), checked);
  }

  /** The body's signed SHA-256 (hex, lower case), or null when the payload is unsigned or streamed. */
  static String signedSha256(VerifiedRequest verified) {
    ContentSha256 promise = verified.contentSha256();
    return promise.kind() == ContentSha256.Kind.SHA256 ? promise.headerValue().toLowerCase(java.util.Locale.ROOT) : null;
  }

  private Route put(HttpRequest request, S3Request s3, VerifiedRequest verified, String account, String bucket, String key, String path) {
    if (s3.header("x-amz-copy-source").isPresent()) {
      return copy(request, s3, account, bucket, key, path);
    }
    S3Body body = body(request, s3, verified);
    String expectedSha = signedSha256(verified);
    Map<String, String> metadata = metadata(s3);
    String contentType = contentType(request);
    PutOptions options = new PutOptions(account, expectedSha, s3.header("content-md5").orElse(null), true, contentType, metadata, null);
    return onSuccess(objects.put(bucket, key, body.bytes(), options).thenCompose(stored -> body.responseHeaders().thenApply(
            checksum -> HttpResponse.create().withStatus(StatusCodes.OK)
                .addHeader(RawHeader.create("ETag", "\"" + stored.etag() + "\"")).addHeaders(checksum))),
        response -> complete(response));
  }

  static Map<String, String> metadata(S3Request s3) {
    Map<String, String> metadata = new TreeMap<>();
    s3.headers().forEach((name, values) -> {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("x-amz-meta-") && !values.isEmpty()) {
        metadata.put(lower.substring("x-amz-meta-".length()), values.get(0));
      }
    });
    return metadata;
  }

  static String contentType(HttpRequest request) {
    return request.entity().getContentType().equals(ContentTypes.NO_CONTENT_TYPE) ? null : request.entity().getContentType().toString();
  }

  private Route get(HttpRequest request, String bucket, String key, String path, boolean withBody) {
    return onSuccess(objects.get(bucket, key), found -> {
      if (found.isEmpty()) {
        return complete(error(404, "NoSuchKey", "The specified key does not exist.", path));
      }
      ObjectGateway.ObjectDownload d = found.get();
      ObjectEntry e = d.entry();
      Optional<HttpResponse> unmet = preconditions(request, e, path);
      if (unmet.isPresent()) {
        return complete(unmet.get());
      }
      long size = e.sizeBytes();
      List<HttpHeader> headers = new ArrayList<>();
      headers.add(RawHeader.create("ETag", "\"" + etag(e) + "\""));
      headers.add(RawHeader.create("Last-Modified", HTTP_DATE.format(e.storedAt())));
      headers.add(RawHeader.create("Accept-Ranges", "bytes"));
      if (e.metadata() != null) {
        e.metadata().forEach((k, v) -> headers.add(RawHeader.create("x-amz-meta-" + k, v)));
      }
      ContentType type = e.contentType() == null ? ContentTypes.APPLICATION_OCTET_STREAM
          : akka.http.javadsl.model.ContentTypes.parse(e.contentType());
      Optional<String> range = request.getHeader("Range").map(HttpHeader::value);
      long first = 0;
      long last = size - 1;
      boolean partial = false;
      if (range.isPresent() && size > 0) {
        long[] r;
        try {
          r = ByteRange.parse(range.get(), size);
        } catch (IllegalArgumentException unsatisfiable) {
          return complete(error(416, "InvalidRange", "The requested range is not satisfiable", path)
              .addHeader(RawHeader.create("Content-Range", "bytes */" + size)));
        }
        if (r != null) {
          first = r[0];
          last = r[1];
          partial = true;
          headers.add(RawHeader.create("Content-Range", "bytes " + first + "-" + last + "/" + size));
        }
      }
      long length = size == 0 ? 0 : last - first + 1;
      HttpResponse response = HttpResponse.create().withStatus(partial ? StatusCodes.PARTIAL_CONTENT : StatusCodes.OK).addHeaders(headers);
      if (!withBody || length == 0) {
        return complete(response.withEntity(HttpEntities.create(type, length, Source.empty())));
      }
      // the status goes out once the first segment is decoded: a download that cannot start is an error, not an empty 200
      return onSuccess(objects.contentStarted(d.manifest(), first, last),
          bytes -> complete(response.withEntity(HttpEntities.create(type, length, bytes))));
    });
  }

  /**
   * The conditional headers of a GET or HEAD, as S3 applies them: If-Match and
   * If-Unmodified-Since failing give 412, If-None-Match matching or If-Modified-Since not passed
   * give 304 (If-None-Match wins over If-Modified-Since).
   */
  static Optional<HttpResponse> preconditions(HttpRequest request, ObjectEntry e, String path) {
    String etag = etag(e);
    java.time.Instant modified = e.storedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Optional<String> ifMatch = request.getHeader("If-Match").map(HttpHeader::value);
    Optional<String> ifNoneMatch = request.getHeader("If-None-Match").map(HttpHeader::value);
    if (ifMatch.isPresent() && !etagMatches(ifMatch.get(), etag)) {
      return Optional.of(error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", path));
    }
    Optional<java.time.Instant> unmodifiedSince = httpDate(request, "If-Unmodified-Since");
    if (ifMatch.isEmpty() && unmodifiedSince.isPresent() && modified.isAfter(unmodifiedSince.get())) {
      return Optional.of(error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", path));
    }
    HttpResponse notModified = HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED)
        .addHeader(RawHeader.create("ETag", "\"" + etag + "\""))
        .addHeader(RawHeader.create("Last-Modified", HTTP_DATE.format(e.storedAt())));
    if (ifNoneMatch.isPresent()) {
      return etagMatches(ifNoneMatch.get(), etag) ? Optional.of(notModified) : Optional.empty();
    }
    Optional<java.time.Instant> modifiedSince = httpDate(request, "If-Modified-Since");
    if (modifiedSince.isPresent() && !modified.isAfter(modifiedSince.get())) {
      return Optional.of(notModified);
    }
    return Optional.empty();
  }

  private static boolean etagMatches(String header, String etag) {
    for (String candidate : header.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals("*") || c.replace("\"", "").equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /** An HTTP date header; an unparsable one is ignored, as HTTP says. */
  private static Optional<java.time.Instant> httpDate(HttpRequest request, String name) {
    return request.getHeader(name).flatMap(h -> {
      try {
        return Optional.of(java.time.ZonedDateTime.parse(h.value().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (java.time.format.DateTimeParseException ex) {
        return Optional.empty();
      }
    });
  }

  private static final java.util.regex.Pattern DELETE_KEY = java.util.regex.Pattern.compile("<Key>(.*?)</Key>", java.util.regex.Pattern.DOTALL);

  /** DeleteObjects: up to 1000 keys in one request; each reported deleted (S3 reports absent keys deleted too). */
  private Route deleteObjects(HttpRequest request, String bucket, String path) {
    return extractMaterializer(mat -> onSuccess(
        request.entity().withSizeLimit(2L * 1024 * 1024).toStrict(30_000, mat),
        body -> {
          String xml = body.getData().utf8String();
          List<String> keys = new ArrayList<>();
          java.util.regex.Matcher m = DELETE_KEY.matcher(xml);
          while (m.find()) {
            keys.add(unescape(m.group(1)));
          }
          if (keys.isEmpty() || keys.size() > 1000) {
            return complete(error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", path));
          }
          boolean quiet = xml.contains("<Quiet>true</Quiet>");
          return onSuccess(
              Source.from(keys).mapAsync(4, k -> objects.delete(bucket, k).thenApply(existed -> k)).runWith(akka.stream.javadsl.Sink.seq(), mat),
              deleted -> {
                StringBuilder b = new StringBuilder("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
                if (!quiet) {
                  deleted.forEach(k -> b.append("<Deleted><Key>").append(S3Xml.escape(k)).append("</Key></Deleted>"));
                }
                return complete(S3Xml.ok(b.append("</DeleteResult>").toString()));
              });
        }));
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
  }

  /**
   * CopyObject: the source object (which the same account must own) streamed into the target
   * through the normal upload path (a new data key, new shards); metadata copied unless the
   * request says {@code x-amz-metadata-directive: REPLACE}.
   */
  private Route copy(HttpRequest request, S3Request s3, String account, String bucket, String key, String path) {
    boolean replace = s3.header("x-amz-metadata-directive").map("REPLACE"::equalsIgnoreCase).orElse(false);
    return withCopySource(s3, account, path, found -> {
      ObjectEntry src = found.entry();
      PutOptions options = new PutOptions(account, null, null, true,
          replace ? contentType(request) : src.contentType(),
          replace ? metadata(s3) : (src.metadata() == null ? Map.of() : src.metadata()), null);
      Source<ByteString, NotUsed> content = objects.content(found.manifest(), 0, src.sizeBytes() - 1);
      return onSuccess(objects.put(bucket, key, content, options), stored -> complete(S3Xml.ok(
          "<CopyObjectResult><LastModified>" + S3Xml.timestamp(java.time.Instant.now()) + "</LastModified><ETag>&quot;"
              + stored.etag() + "&quot;</ETag></CopyObjectResult>")));
    });
  }

  /**
   * Runs {@code inner} with the object {@code x-amz-copy-source} names ({@code bucket/key} or
   * {@code /bucket/key}, URL-encoded), which {@code account} must be allowed to read (the same
   * check as for its own requests to that bucket); 404 {@code NoSuchKey} when it is not there.
   */
  Route withCopySource(S3Request s3, String account, String path, java.util.function.Function<ObjectGateway.ObjectDownload, Route> inner) {
    String raw = decode(s3.header("x-amz-copy-source").orElse(""));
    int q = raw.indexOf('?');
    String source = (q >= 0 ? raw.substring(0, q) : raw).replaceFirst("^/", "");
    int slash = source.indexOf('/');
    if (slash <= 0 || slash == source.length() - 1) {
      return complete(error(400, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", path));
    }
    String srcBucket = source.substring(0, slash);
    String srcKey = source.substring(slash + 1);
    if (ObjectNames.bucketProblem(srcBucket).isPresent() || ObjectNames.keyProblem(srcKey).isPresent()) {
      return complete(error(400, "InvalidArgument", "Invalid copy source object key", path));
    }
    return withBucket(srcBucket, account, Bucket.Access.READ, "/" + source, info -> onSuccess(objects.get(srcBucket, srcKey), found -> found.isEmpty()
        ? complete(error(404, "NoSuchKey", "The specified key does not exist.", "/" + source))
        : inner.apply(found.get())));
  }

  /** The ETag of an entry: S3's hex MD5 when it was uploaded through S3, else the file id. */
  static String etag(ObjectEntry e) {
    return e.etag() != null ? e.etag() : e.fileId();
  }

  // ------------------------------------------------------------------ plumbing

  static S3Request toS3Request(HttpRequest request) {
    String raw = io.cess.http.auth.RequestAuthenticator.rawTarget(request);
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    List<QueryParameter> query = QueryParameter.parseRawQuery(q < 0 ? "" : raw.substring(q + 1));
    Map<String, List<String>> headers = new HashMap<>();
    for (HttpHeader h : request.getHeaders()) {
      if (!h.is("raw-request-uri") && !h.is("timeout-access")) {
        headers.computeIfAbsent(h.name(), n -> new ArrayList<>()).add(h.value());
      }
    }
    // headers akka-http keeps outside the list, which clients sign
    request.getHeader("Host").ifPresent(h -> headers.putIfAbsent("Host", List.of(h.value())));
    request.entity().getContentLengthOption().ifPresent(n -> headers.putIfAbsent("Content-Length", List.of(Long.toString(n))));
    if (!request.entity().getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      headers.putIfAbsent("Content-Type", List.of(request.entity().getContentType().toString()));
    }
    return new S3Request(request.method().value(), rawPath, query, headers);
  }

  private static String accessKeyId(S3Request s3) {
    Optional<String> auth = s3.header("authorization");
    if (auth.isPresent()) {
      return AuthorizationHeader.parse(auth.get()).credential().accessKeyId();
    }
    String credential = s3.queryValues("X-Amz-Credential").stream().findFirst()
        .orElseThrow(() -> new S3AuthException(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, "X-Amz-Credential is missing"));
    int slash = credential.indexOf('/');
    if (slash <= 0) {
      throw new S3AuthException(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, "X-Amz-Credential is malformed");
    }
    return credential.substring(0, slash);
  }

  private static Optional<String> first(S3Request s3, String name) {
    return s3.queryValues(name).stream().findFirst();
  }

  private static String decode(String segment) {
    return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null && t != t.getCause()) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /** Over the account's request budget: 429 (S3 itself answers 503) with Retry-After and S3's SlowDown. */
  static HttpResponse slowDown(long retryAfterSeconds, String resource) {
    return error(429, "SlowDown", "Please reduce your request rate; retry after " + retryAfterSeconds + " s.", resource)
        .addHeader(RawHeader.create("Retry-After", Long.toString(retryAfterSeconds)));
  }

  static HttpResponse error(int status, String code, String message, String resource) {
    return S3Xml.error(status, code, message, resource);
  }

  /** A failure while serving (a body that broke its promise, placement, timeouts) as S3 XML. */
  static HttpResponse failure(HttpRequest request, Throwable failure) {
    Throwable e = io.cess.http.routes.ApiErrors.unwrap(failure);
    String resource = request == null ? "" : request.getUri().getPathString();
    if (e instanceof S3AuthException a) {
      return error(a.httpStatus(), a.errorCode(), a.getMessage(), resource);
    }
    if (e instanceof PutOptions.DigestMismatch m) {
      return error(400, m.code(), m.getMessage(), resource);
    }
    if (e instanceof akka.http.scaladsl.model.EntityStreamSizeException) {
      return error(413, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", resource);
    }
    if (e instanceof io.cess.http.protect.BodyTooSlowException) {
      return error(408, "RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period: "
          + e.getMessage(), resource);
    }
    if (e instanceof io.cess.core.placement.PlacementException || e instanceof io.cess.actors.transfer.TransferException) {
      return error(503, "ServiceUnavailable", e.getMessage(), resource);
    }
    return error(500, "InternalError", String.valueOf(e.getMessage()), resource);
  }
}
