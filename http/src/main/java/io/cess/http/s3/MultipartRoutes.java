package io.cess.http.s3;

import static akka.http.javadsl.server.Directives.*;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.actors.bucket.BucketUploads;
import io.cess.actors.bucket.MultipartUpload;
import io.cess.actors.gateway.ObjectGateway;
import io.cess.actors.gateway.PutOptions;
import io.cess.core.s3.ETags;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.VerifiedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S3 multipart uploads: Create ({@code POST ?uploads}), UploadPart ({@code PUT ?partNumber&uploadId}),
 * UploadPartCopy (the same with {@code x-amz-copy-source}), Complete ({@code POST ?uploadId}), Abort
 * ({@code DELETE ?uploadId}), ListParts ({@code GET ?uploadId}) and ListMultipartUploads ({@code GET
 * /bucket?uploads}). Each part is stored as a File of its own (encrypted, erasure coded), held by the
 * upload; Complete streams the listed parts, in order, into the object through the normal upload
 * path and releases them, answering 200 at once and keeping the connection alive with spaces
 * until the result (as S3 does), so large objects do not hit client read timeouts.
 */
final class MultipartRoutes {

  /** S3's smallest part but the last. */
  static final long MIN_PART_BYTES = 5L * 1024 * 1024;

  private static final long MAX_COMPLETE_BODY_BYTES = 2L * 1024 * 1024;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
  /** A Part of a CompleteMultipartUpload body; its elements (ETag, PartNumber, Checksum*) come in any order. */
  private static final Pattern PART = Pattern.compile("<Part>(.*?)</Part>", Pattern.DOTALL);
  private static final Pattern PART_NUMBER = Pattern.compile("<PartNumber>\\s*(\\d{1,5})\\s*</PartNumber>");
  private static final Pattern PART_ETAG = Pattern.compile("<ETag>([^<]*)</ETag>");

  private final ObjectGateway objects;
  private final S3Routes s3Routes;

  MultipartRoutes(ObjectGateway objects, S3Routes s3Routes) {
    this.objects = objects;
    this.s3Routes = s3Routes;
  }

  Route route(HttpRequest request, S3Request s3, VerifiedRequest verified, String account, String bucket, String key, String path) {
    String method = s3.method();
    if (s3.hasQueryParameter("uploads")) {
      return method.equals("POST") ? create(request, s3, account, bucket, key)
          : complete(S3Routes.error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", path));
    }
    String uploadId = s3.queryValues("uploadId").get(0);
    return onSuccess(objects.multipartUpload(uploadId), state -> {
      if (!state.open() || !bucket.equals(state.bucket()) || !key.equals(state.key())) {
        return complete(S3Routes.error(404, "NoSuchUpload",
            "The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", path));
      }
      if (state.owner() != null && !state.owner().equals(account)) {
        return complete(S3Routes.error(403, "AccessDenied", "Access Denied", path));
      }
      return switch (method) {
        case "PUT" -> uploadPart(request, s3, verified, account, bucket, uploadId, path);
        case "POST" -> completeUpload(request, bucket, key, uploadId, state, path);
        case "DELETE" -> onSuccess(abort(uploadId), done -> complete(StatusCodes.NO_CONTENT));
        case "GET" -> complete(S3Xml.ok(listParts(bucket, key, uploadId, state)));
        default -> complete(S3Routes.error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", path));
      };
    });
  }

  /**
   * ListMultipartUploads ({@code GET /bucket?uploads}): the bucket's uploads in progress by key,
   * then initiation, with prefix, delimiter, key-marker/upload-id-marker, max-uploads (at most
   * 1000) and encoding-type.
   */
  Route listUploads(String bucket, S3Request s3, String path) {
    String prefix = first(s3, "prefix").orElse("");
    String delimiter = first(s3, "delimiter").filter(d -> !d.isEmpty()).orElse(null);
    String keyMarker = first(s3, "key-marker").filter(m -> !m.isEmpty()).orElse(null);
    String uploadIdMarker = keyMarker == null ? null : first(s3, "upload-id-marker").filter(m -> !m.isEmpty()).orElse(null);
    int maxUploads;
    try {
      maxUploads = first(s3, "max-uploads").map(Integer::parseInt).orElse(BucketUploads.MAX_LIST);
    } catch (NumberFormatException e) {
      return complete(S3Routes.error(400, "InvalidArgument", "Provided max-uploads not an integer or within integer range", path));
    }
    if (maxUploads < 0) {
      return complete(S3Routes.error(400, "InvalidArgument", "Argument max-uploads must be an integer between 0 and 2147483647", path));
    }
    int max = Math.min(maxUploads, BucketUploads.MAX_LIST);
    boolean url = first(s3, "encoding-type").map("url"::equals).orElse(false);
    return onSuccess(objects.listUploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker, max),
        page -> complete(S3Xml.ok(S3Xml.listUploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker, max, page, url))));
  }

  private static java.util.Optional<String> first(S3Request s3, String name) {
    return s3.queryValues(name).stream().findFirst();
  }

  /**
   * A new upload id: 32 hex digits, the first 12 the creation time in milliseconds, so that a
   * key's uploads list in initiation order; the rest random.
   */
  static String newUploadId() {
    return String.format("%012x", System.currentTimeMillis()) + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  private Route create(HttpRequest request, S3Request s3, String account, String bucket, String key) {
    String uploadId = newUploadId();
    return onSuccess(
        objects.initiateMultipart(uploadId, bucket, key, account, S3Routes.contentType(request), S3Routes.metadata(s3)),
        state -> complete(S3Xml.ok("<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>"
            + S3Xml.escape(bucket) + "</Bucket><Key>" + S3Xml.escape(key) + "</Key><UploadId>" + uploadId
            + "</UploadId></InitiateMultipartUploadResult>")));
  }

  private Route uploadPart(HttpRequest request, S3Request s3, VerifiedRequest verified, String account, String bucket, String uploadId, String path) {
    int partNumber;
    try {
      partNumber = Integer.parseInt(s3.queryValues("partNumber").stream().findFirst().orElse(""));
    } catch (NumberFormatException e) {
      return complete(S3Routes.error(400, "InvalidArgument", "partNumber must be an integer from 1 to 10000", path));
    }
    if (partNumber < 1 || partNumber > MultipartUpload.MAX_PARTS) {
      return complete(S3Routes.error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", path));
    }
    if (s3.header("x-amz-copy-source").isPresent()) {
      return uploadPartCopy(s3, account, bucket, uploadId, partNumber, path);
    }
    PutOptions options = new PutOptions(
        account, S3Routes.signedSha256(verified), s3.header("content-md5").orElse(null), true, null, Map.of(), null);
    S3Body body = s3Routes.body(request, s3, verified);
    return onSuccess(
        objects.storePart(bucket, uploadId, partNumber, body.bytes(), options)
            .thenCompose(stored -> objects.addPart(uploadId, partNumber, stored).thenApply(d -> stored))
            .thenCompose(stored -> body.responseHeaders().thenApply(checksum -> HttpResponse.create().withStatus(StatusCodes.OK)
                .addHeader(RawHeader.create("ETag", "\"" + stored.etag() + "\"")).addHeaders(checksum))),
        response -> complete(response));
  }

  private static final Pattern COPY_RANGE = Pattern.compile("bytes=(\\d{1,18})-(\\d{1,18})");

  /**
   * UploadPartCopy: the part's bytes are the source object's ({@code x-amz-copy-source}), or the
   * inclusive range {@code x-amz-copy-source-range: bytes=first-last} of it, streamed into a new
   * part through the normal upload path. Answers CopyPartResult with the part's ETag.
   */
  private Route uploadPartCopy(S3Request s3, String account, String bucket, String uploadId, int partNumber, String path) {
    java.util.Optional<String> range = s3.header("x-amz-copy-source-range");
    return s3Routes.withCopySource(s3, account, path, source -> {
      long size = source.entry().sizeBytes();
      long first = 0;
      long last = size - 1;
      if (range.isPresent()) {
        Matcher m = COPY_RANGE.matcher(range.get().strip());
        if (!m.matches()) {
          return complete(S3Routes.error(400, "InvalidArgument",
              "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
              path));
        }
        first = Long.parseLong(m.group(1));
        last = Long.parseLong(m.group(2));
        if (first > last || last >= size) {
          return complete(S3Routes.error(400, "InvalidArgument", "Range specified is not valid for source object of size: " + size, path));
        }
      }
      Source<ByteString, NotUsed> content = objects.content(source.manifest(), first, last);
      PutOptions options = new PutOptions(account, null, null, true, null, Map.of(), null);
      return onSuccess(
          objects.storePart(bucket, uploadId, partNumber, content, options)
              .thenCompose(stored -> objects.addPart(uploadId, partNumber, stored).thenApply(d -> stored)),
          stored -> complete(S3Xml.ok("<CopyPartResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>"
              + S3Xml.timestamp(java.time.Instant.now()) + "</LastModified><ETag>&quot;" + stored.etag() + "&quot;</ETag></CopyPartResult>")));
    });
  }

  private Route completeUpload(HttpRequest request, String bucket, String key, String uploadId, MultipartUpload.State state, String path) {
    return extractMaterializer(mat -> onSuccess(
        request.entity().withSizeLimit(MAX_COMPLETE_BODY_BYTES).toStrict(30_000, mat),
        body -> {
          List<Integer> numbers = new ArrayList<>();
          List<String> etags = new ArrayList<>();
          Matcher m = PART.matcher(body.getData().utf8String());
          boolean wellFormed = true;
          while (m.find()) {
            Matcher number = PART_NUMBER.matcher(m.group(1));
            Matcher etag = PART_ETAG.matcher(m.group(1));
            if (!number.find() || !etag.find()) {
              wellFormed = false;
              break;
            }
            numbers.add(Integer.parseInt(number.group(1)));
            etags.add(etag.group(1).replace("&quot;", "").replace("\"", "").trim());
          }
          if (!wellFormed || numbers.isEmpty()) {
            return complete(S3Routes.error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", path));
          }
          List<MultipartUpload.Part> parts = new ArrayList<>();
          for (int i = 0; i < numbers.size(); i++) {
            if (i > 0 && numbers.get(i) <= numbers.get(i - 1)) {
              return complete(S3Routes.error(400, "InvalidPartOrder", "The list of parts was not in ascending order.", path));
            }
            MultipartUpload.Part p = state.parts().get(numbers.get(i));
            if (p == null || !p.etag().equals(etags.get(i))) {
              return complete(S3Routes.error(400, "InvalidPart",
                  "One or more of the specified parts could not be found (part " + numbers.get(i) + ")", path));
            }
            if (i < numbers.size() - 1 && p.sizeBytes() < MIN_PART_BYTES) {
              return complete(S3Routes.error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", path));
            }
            parts.add(p);
          }
          CompletionStage<String> result = assemble(bucket, key, uploadId, state, parts)
              .thenApply(etag -> "<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Location>/"
                  + S3Xml.escape(bucket) + "/" + S3Xml.escape(key) + "</Location><Bucket>" + S3Xml.escape(bucket) + "</Bucket><Key>"
                  + S3Xml.escape(key) + "</Key><ETag>&quot;" + etag + "&quot;</ETag></CompleteMultipartUploadResult>")
              .exceptionally(e -> {
                HttpResponse failed = S3Routes.failure(request, e);
                return failureXml(failed);
              });
          Source<ByteString, NotUsed> keepAlive = Source.tick(KEEP_ALIVE, KEEP_ALIVE, ByteString.fromString(" "))
              .mapMaterializedValue(c -> NotUsed.getInstance());
          Source<ByteString, NotUsed> answer = Source.completionStage(result).map(ByteString::fromString);
          return complete(HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.createChunked(
              akka.http.javadsl.model.ContentTypes.create(akka.http.javadsl.model.MediaTypes.APPLICATION_XML, akka.http.javadsl.model.HttpCharsets.UTF_8),
              keepAlive.merge(answer, true))));
        }));
  }

  private static String failureXml(HttpResponse failed) {
    if (failed.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict strict) {
      String xml = strict.getData().utf8String();
      int start = xml.indexOf("<Error>");
      return start >= 0 ? xml.substring(start) : xml;
    }
    return "<Error><Code>InternalError</Code><Message>completing the upload failed</Message></Error>";
  }

  /**
   * Streams the parts into the object, records it with S3's multipart ETag (MD5 of the parts'
   * MD5s, "-", their count), ends the upload and releases every part's file.
   */
  private CompletionStage<String> assemble(
      String bucket, String key, String uploadId, MultipartUpload.State state, List<MultipartUpload.Part> parts) {
    // stored unquoted, like every other ETag of an entry
    String etag = ETags.multipart(parts.stream().map(p -> HexFormat.of().parseHex(p.etag())).toList()).replace("\"", "");
    Source<ByteString, NotUsed> content = Source.from(parts).flatMapConcat(p ->
        Source.completionStageSource(objects.manifest(p.fileId()).thenApply(m -> {
          if (m.isEmpty()) {
            throw new IllegalStateException("part file " + p.fileId() + " is no longer stored");
          }
          return objects.content(m.get(), 0, p.sizeBytes() - 1);
        })).mapMaterializedValue(x -> NotUsed.getInstance()));
    PutOptions options = new PutOptions(state.owner(), null, null, false, state.contentType(), state.metadata(), etag);
    return objects.put(bucket, key, content, options)
        .thenCompose(stored -> objects.finishMultipart(uploadId, true))
        .thenApply(done -> etag);
  }

  private CompletionStage<akka.Done> abort(String uploadId) {
    return objects.finishMultipart(uploadId, false);
  }

  private static String listParts(String bucket, String key, String uploadId, MultipartUpload.State state) {
    StringBuilder b = new StringBuilder("<ListPartsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>")
        .append(S3Xml.escape(bucket)).append("</Bucket><Key>").append(S3Xml.escape(key)).append("</Key><UploadId>").append(uploadId)
        .append("</UploadId><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>");
    state.parts().forEach((n, p) -> b.append("<Part><PartNumber>").append(n).append("</PartNumber><LastModified>")
        .append(S3Xml.timestamp(p.storedAt())).append("</LastModified><ETag>&quot;").append(p.etag()).append("&quot;</ETag><Size>")
        .append(p.sizeBytes()).append("</Size></Part>"));
    return b.append("</ListPartsResult>").toString();
  }
}
