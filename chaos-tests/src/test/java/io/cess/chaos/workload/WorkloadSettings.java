package io.cess.chaos.workload;

import java.time.Duration;

/**
 * How hard and with what the workload drives the cluster. Validated on construction; every
 * message names the field.
 *
 * @param bucket the bucket every object goes to (created by {@link Workload#prepare})
 * @param workers threads issuing operations; also the most operations in flight
 * @param maxOperationsPerSecond over all workers; permits are spaced evenly
 * @param uploadWeight relative share of uploads (the others are downloads and deletes)
 * @param downloadWeight relative share of downloads of acknowledged objects
 * @param deleteWeight relative share of deletes of acknowledged objects
 * @param smallMinBytes smallest object
 * @param smallMaxBytes largest single-segment object (keep below the 16 MiB segment size)
 * @param largeMinBytes smallest multi-segment object (above the segment size)
 * @param largeMaxBytes largest multi-segment object
 * @param largeFraction share of uploads that are multi-segment, 0..1
 * @param connectTimeout to open a connection to a gateway
 * @param operationTimeout one whole operation: request, answer and body
 * @param drainTimeout how long {@link Workload#stop} waits for operations in flight
 * @param logCapacity most operations recorded; the workload stops issuing when reached
 * @param seed keys and contents derive from it; runs that share one Cassandra need different
 *     seeds, or identical contents are deduplicated across runs
 */
public record WorkloadSettings(
    String bucket,
    int workers,
    double maxOperationsPerSecond,
    int uploadWeight,
    int downloadWeight,
    int deleteWeight,
    int smallMinBytes,
    int smallMaxBytes,
    int largeMinBytes,
    int largeMaxBytes,
    double largeFraction,
    Duration connectTimeout,
    Duration operationTimeout,
    Duration drainTimeout,
    int logCapacity,
    long seed) {

  public static final int MIB = 1024 * 1024;

  public WorkloadSettings {
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("bucket must be an S3 bucket name, was '" + bucket + "'");
    }
    range("workers", workers, 1, 64);
    if (!(maxOperationsPerSecond > 0 && maxOperationsPerSecond <= 1000)) {
      throw new IllegalArgumentException("maxOperationsPerSecond must be in (0, 1000], was " + maxOperationsPerSecond);
    }
    range("uploadWeight", uploadWeight, 1, 1000);
    range("downloadWeight", downloadWeight, 0, 1000);
    range("deleteWeight", deleteWeight, 0, 1000);
    range("smallMinBytes", smallMinBytes, 0, Integer.MAX_VALUE);
    range("smallMaxBytes", smallMaxBytes, smallMinBytes, Integer.MAX_VALUE);
    range("largeMinBytes", largeMinBytes, 0, Integer.MAX_VALUE);
    range("largeMaxBytes", largeMaxBytes, largeMinBytes, Integer.MAX_VALUE);
    if (!(largeFraction >= 0 && largeFraction <= 1)) {
      throw new IllegalArgumentException("largeFraction must be in [0, 1], was " + largeFraction);
    }
    positive("connectTimeout", connectTimeout);
    positive("operationTimeout", operationTimeout);
    positive("drainTimeout", drainTimeout);
    if (drainTimeout.compareTo(operationTimeout) < 0) {
      throw new IllegalArgumentException("drainTimeout (" + drainTimeout + ") must cover one operationTimeout ("
          + operationTimeout + ")");
    }
    range("logCapacity", logCapacity, 1, 10_000_000);
  }

  /**
   * Four workers at 8 operations a second, mostly small objects and one upload in ten of 17-33
   * MiB (two or three segments), uploads 5 : downloads 3 : deletes 1.
   */
  public static WorkloadSettings defaults(String bucket, long seed) {
    return new WorkloadSettings(bucket, 4, 8.0, 5, 3, 1,
        1, 2 * MIB, 16 * MIB + 1, 33 * MIB, 0.1,
        Duration.ofSeconds(3), Duration.ofSeconds(60), Duration.ofSeconds(90), 200_000, seed);
  }

  public WorkloadSettings withWorkers(int n) {
    return new WorkloadSettings(bucket, n, maxOperationsPerSecond, uploadWeight, downloadWeight, deleteWeight,
        smallMinBytes, smallMaxBytes, largeMinBytes, largeMaxBytes, largeFraction, connectTimeout,
        operationTimeout, drainTimeout, logCapacity, seed);
  }

  public WorkloadSettings withSizes(int smallMin, int smallMax, int largeMin, int largeMax, double largeShare) {
    return new WorkloadSettings(bucket, workers, maxOperationsPerSecond, uploadWeight, downloadWeight, deleteWeight,
        smallMin, smallMax, largeMin, largeMax, largeShare, connectTimeout, operationTimeout, drainTimeout,
        logCapacity, seed);
  }

  public WorkloadSettings withTimeouts(Duration connect, Duration operation, Duration drain) {
    return new WorkloadSettings(bucket, workers, maxOperationsPerSecond, uploadWeight, downloadWeight, deleteWeight,
        smallMinBytes, smallMaxBytes, largeMinBytes, largeMaxBytes, largeFraction, connect, operation, drain,
        logCapacity, seed);
  }

  private static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
  }
}
