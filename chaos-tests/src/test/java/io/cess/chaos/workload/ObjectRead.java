package io.cess.chaos.workload;

/**
 * What one GET of an object saw.
 *
 * @param status the HTTP status, {@link Operation#NO_RESPONSE} when there was none
 * @param sha256 of the body when the status was 200, else null
 * @param error the error code of the answer or the exception, null on 200
 */
public record ObjectRead(int status, String sha256, long sizeBytes, String error) {

  @Override
  public String toString() {
    if (status == Operation.NO_RESPONSE) {
      return error;
    }
    return status + (sha256 != null ? " sha256 " + sha256.substring(0, Math.min(12, sha256.length())) : "")
        + (error != null ? " " + error : "");
  }
}
