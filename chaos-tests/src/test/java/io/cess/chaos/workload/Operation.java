package io.cess.chaos.workload;

import java.time.Duration;
import java.time.Instant;

/**
 * One finished operation of the workload, as the client saw it.
 *
 * @param contentSha256 PUT: the hash of the bytes sent; GET and DELETE: of the bytes the key was
 *     acknowledged with
 * @param status the HTTP status, {@link #NO_RESPONSE} when the request failed without one
 * @param error why it was not acknowledged: the answer's error code, or the exception; null when
 *     acknowledged
 * @param acknowledged the gateway answered the success status of the kind (201 PUT, 200 GET,
 *     204 DELETE)
 * @param fileId PUT: the file id of the answer
 * @param observedSha256 PUT: the hash the gateway reported; GET: the hash of the bytes received
 */
public record Operation(
    long id,
    OpKind kind,
    int node,
    String bucket,
    String key,
    Instant started,
    Instant ended,
    String contentSha256,
    long sizeBytes,
    int status,
    String error,
    boolean acknowledged,
    String fileId,
    String observedSha256) {

  public static final int NO_RESPONSE = -1;

  public Duration duration() {
    return Duration.between(started, ended);
  }

  /** The object's address, {@code bucket/key}. */
  public String objectKey() {
    return bucket + "/" + key;
  }

  /** A GET that was served but with other bytes than the key was acknowledged with. */
  public boolean contentMismatch() {
    return kind == OpKind.GET && acknowledged && !contentSha256.equals(observedSha256);
  }

  /** Short outcome for reports: the status and error code, or the exception. */
  public String outcome() {
    if (status == NO_RESPONSE) {
      return error;
    }
    return error == null ? String.valueOf(status) : status + " " + error;
  }
}
