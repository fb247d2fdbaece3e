package io.cess.http.s3;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.cess.core.s3.ChecksumAlgorithm;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An upload's body as the client meant it (aws-chunked framing removed, signatures checked) and
 * the flexible checksum it is checked against while it streams.
 *
 * @param checksumAlgorithm the claimed checksum's algorithm, or null when none is claimed
 * @param checksum the checked value (base64), once the body has ended and matched; null when none
 */
record S3Body(Source<ByteString, ?> bytes, ChecksumAlgorithm checksumAlgorithm, CompletionStage<String> checksum) {

  /** The {@code x-amz-checksum-*} header S3 echoes in its answer to an upload that claimed one. */
  CompletionStage<List<HttpHeader>> responseHeaders() {
    return checksumAlgorithm == null
        ? CompletableFuture.completedFuture(List.of())
        : checksum.thenApply(value -> List.of(RawHeader.create(checksumAlgorithm.headerName(), value)));
  }
}
