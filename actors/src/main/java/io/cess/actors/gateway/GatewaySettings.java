package io.cess.actors.gateway;

import com.typesafe.config.Config;
import io.cess.core.policy.StoragePolicy;
import java.nio.file.Path;
import java.time.Duration;

/** The object path's limits and timeouts, read once from {@code cess.gateway}. */
public record GatewaySettings(
    long segmentSizeBytes,
    long maxObjectBytes,
    int uploadParallelism,
    int downloadParallelism,
    int placementAttempts,
    Duration askTimeout,
    Duration transferTimeout,
    Duration minerRefreshInterval,
    StoragePolicy defaultPolicy,
    Path masterKeyFile,
    Duration repairScanInterval,
    Duration repairFileTimeout,
    Duration repairScanTimeout,
    Duration hedgeDelay,
    Duration repairLease,
    Duration orphanScanInterval,
    Duration orphanGrace) {

  public static GatewaySettings fromConfig(Config root) {
    Config c = root.getConfig("cess.gateway");
    long segment = c.getBytes("segment-size");
    if (segment < 4096 || segment > 256L * 1024 * 1024) {
      throw new IllegalArgumentException("cess.gateway.segment-size must be 4KiB..256MiB, was " + segment);
    }
    return new GatewaySettings(
        segment,
        positive(c.getBytes("max-object-size"), "cess.gateway.max-object-size"),
        (int) positive(c.getInt("upload-parallelism"), "cess.gateway.upload-parallelism"),
        (int) positive(c.getInt("download-parallelism"), "cess.gateway.download-parallelism"),
        (int) positive(c.getInt("placement-attempts"), "cess.gateway.placement-attempts"),
        c.getDuration("ask-timeout"),
        c.getDuration("transfer-timeout"),
        c.getDuration("miner-refresh-interval"),
        policy(c.getString("default-policy")),
        Path.of(c.getString("master-key-file")).toAbsolutePath(),
        c.getDuration("repair-scan-interval"),
        c.getDuration("repair-file-timeout"),
        c.getDuration("repair-scan-timeout"),
        c.getDuration("hedge-delay"),
        c.getDuration("repair-lease"),
        c.getDuration("orphan-scan-interval"),
        c.getDuration("orphan-grace"));
  }

  private static StoragePolicy policy(String text) {
    try {
      return StoragePolicy.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cess.gateway.default-policy: " + e.getMessage(), e);
    }
  }

  private static long positive(long v, String key) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + " must be positive, was " + v);
    }
    return v;
  }
}
