package io.cess.http.s3;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.bucket.BucketUploads;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** The XML bodies of S3's responses and errors, as stock clients parse them. */
final class S3Xml {

  private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

  private S3Xml() {}

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** S3's timestamp form in listings: ISO-8601 with milliseconds. */
  static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  static HttpResponse ok(String xml) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.create(akka.http.javadsl.model.MediaTypes.APPLICATION_XML, akka.http.javadsl.model.HttpCharsets.UTF_8),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml));
  }

  static HttpResponse error(int status, String code, String message, String resource) {
    String xml = "<Error><Code>" + escape(code) + "</Code><Message>" + escape(message) + "</Message><Resource>"
        + escape(resource) + "</Resource><RequestId>" + UUID.randomUUID() + "</RequestId></Error>";
    return ok(xml).withStatus(status);
  }

  static String listBuckets(String owner, List<String> buckets, List<Instant> created) {
    StringBuilder b = new StringBuilder("<ListAllMyBucketsResult xmlns=\"" + NS + "\"><Owner><ID>")
        .append(escape(owner)).append("</ID><DisplayName>").append(escape(owner)).append("</DisplayName></Owner><Buckets>");
    for (int i = 0; i < buckets.size(); i++) {
      b.append("<Bucket><Name>").append(escape(buckets.get(i))).append("</Name><CreationDate>")
          .append(timestamp(created.get(i))).append("</CreationDate></Bucket>");
    }
    return b.append("</Buckets></ListAllMyBucketsResult>").toString();
  }

  /** ListObjectsV2 (v2 true) or the original ListObjects (markers). */
  static String listObjects(
      boolean v2, String bucket, String prefix, String delimiter, int maxKeys, String marker, String token,
      String nextToken, Bucket.ObjectPage page, boolean encodeUrl) {
    StringBuilder b = new StringBuilder("<ListBucketResult xmlns=\"" + NS + "\"><Name>").append(escape(bucket))
        .append("</Name><Prefix>").append(enc(prefix, encodeUrl)).append("</Prefix>");
    if (delimiter != null) {
      b.append("<Delimiter>").append(enc(delimiter, encodeUrl)).append("</Delimiter>");
    }
    b.append("<MaxKeys>").append(maxKeys).append("</MaxKeys>");
    if (encodeUrl) {
      b.append("<EncodingType>url</EncodingType>");
    }
    b.append("<IsTruncated>").append(page.truncated()).append("</IsTruncated>");
    if (v2) {
      b.append("<KeyCount>").append(page.objects().size() + page.commonPrefixes().size()).append("</KeyCount>");
      if (token != null) {
        b.append("<ContinuationToken>").append(escape(token)).append("</ContinuationToken>");
      }
      if (nextToken != null) {
        b.append("<NextContinuationToken>").append(escape(nextToken)).append("</NextContinuationToken>");
      }
    } else {
      b.append("<Marker>").append(enc(marker == null ? "" : marker, encodeUrl)).append("</Marker>");
      if (page.truncated() && page.nextStartAfter() != null) {
        b.append("<NextMarker>").append(enc(page.nextStartAfter(), encodeUrl)).append("</NextMarker>");
      }
    }
    for (Bucket.ListedObject o : page.objects()) {
      b.append("<Contents><Key>").append(enc(o.key(), encodeUrl)).append("</Key><LastModified>")
          .append(timestamp(o.entry().storedAt())).append("</LastModified><ETag>&quot;").append(S3Routes.etag(o.entry()))
          .append("&quot;</ETag><Size>").append(o.entry().sizeBytes()).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    for (String p : page.commonPrefixes()) {
      b.append("<CommonPrefixes><Prefix>").append(enc(p, encodeUrl)).append("</Prefix></CommonPrefixes>");
    }
    return b.append("</ListBucketResult>").toString();
  }

  /** ListMultipartUploads: the uploads in progress, each with its owner as initiator and owner. */
  static String listUploads(
      String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads,
      BucketUploads.UploadPage page, boolean encodeUrl) {
    StringBuilder b = new StringBuilder("<ListMultipartUploadsResult xmlns=\"" + NS + "\"><Bucket>").append(escape(bucket))
        .append("</Bucket><KeyMarker>").append(enc(keyMarker == null ? "" : keyMarker, encodeUrl))
        .append("</KeyMarker><UploadIdMarker>").append(escape(uploadIdMarker == null ? "" : uploadIdMarker)).append("</UploadIdMarker>");
    if (page.truncated()) {
      b.append("<NextKeyMarker>").append(enc(page.nextKeyMarker(), encodeUrl)).append("</NextKeyMarker><NextUploadIdMarker>")
          .append(escape(page.nextUploadIdMarker() == null ? "" : page.nextUploadIdMarker())).append("</NextUploadIdMarker>");
    }
    if (delimiter != null) {
      b.append("<Delimiter>").append(enc(delimiter, encodeUrl)).append("</Delimiter>");
    }
    b.append("<Prefix>").append(enc(prefix, encodeUrl)).append("</Prefix><MaxUploads>").append(maxUploads)
        .append("</MaxUploads><IsTruncated>").append(page.truncated()).append("</IsTruncated>");
    if (encodeUrl) {
      b.append("<EncodingType>url</EncodingType>");
    }
    for (BucketUploads.OpenUpload u : page.uploads()) {
      String owner = escape(u.owner() == null ? "" : u.owner());
      b.append("<Upload><Key>").append(enc(u.key(), encodeUrl)).append("</Key><UploadId>").append(escape(u.uploadId()))
          .append("</UploadId><Initiator><ID>").append(owner).append("</ID><DisplayName>").append(owner)
          .append("</DisplayName></Initiator><Owner><ID>").append(owner).append("</ID><DisplayName>").append(owner)
          .append("</DisplayName></Owner><StorageClass>STANDARD</StorageClass><Initiated>").append(timestamp(u.initiatedAt()))
          .append("</Initiated></Upload>");
    }
    for (String p : page.commonPrefixes()) {
      b.append("<CommonPrefixes><Prefix>").append(enc(p, encodeUrl)).append("</Prefix></CommonPrefixes>");
    }
    return b.append("</ListMultipartUploadsResult>").toString();
  }

  private static String enc(String s, boolean url) {
    return url ? escape(java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")) : escape(s);
  }
}
