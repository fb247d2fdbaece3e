package io.cess.actors;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This JVM's identity and resources, read once from {@code cess.node} and validated: a bad value
 * fails start-up with a message that names the key.
 */
public record NodeSettings(
    String name,
    List<String> roles,
    String region,
    Path dataDir,
    String httpHost,
    int httpPort,
    int minerCount,
    long capacityBytes,
    Path clusterSecretFile,
    java.time.Duration internalMaxSkew,
    java.time.Duration pauseFence) {

  /** The Akka cluster role that carries a member's node name ("name:node1"). */
  public static final String NAME_ROLE_PREFIX = "name:";

  public static final Set<String> KNOWN_ROLES = Set.of("storage", "gateway", "validator");

  public static NodeSettings fromConfig(Config root) {
    Config c = root.getConfig("cess.node");
    String name = c.getString("name");
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException(
          "cess.node.name must be 1-63 lower-case letters, digits or '-', was '" + name + "'");
    }
    List<String> roles = List.copyOf(c.getStringList("roles"));
    if (roles.isEmpty() || !KNOWN_ROLES.containsAll(roles)) {
      throw new IllegalArgumentException(
          "cess.node.roles must be a non-empty subset of " + KNOWN_ROLES + ", was " + roles);
    }
    int port = c.getInt("http.port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cess.node.http.port out of range: " + port);
    }
    int miners = c.getInt("miners");
    if (miners < 0 || miners > 64) {
      throw new IllegalArgumentException("cess.node.miners must be 0..64, was " + miners);
    }
    if (roles.contains("storage") && miners == 0) {
      throw new IllegalArgumentException("cess.node.miners must be at least 1 on a storage node");
    }
    long capacity = c.getBytes("capacity");
    if (miners > 0 && capacity < miners * 1024L * 1024L) {
      throw new IllegalArgumentException("cess.node.capacity must be at least 1 MiB per miner");
    }
    java.time.Duration pauseFence = c.getDuration("pause-fence");
    java.time.Duration stableAfter = root.getDuration("akka.cluster.split-brain-resolver.stable-after");
    if (pauseFence.isNegative() || pauseFence.isZero() || pauseFence.compareTo(stableAfter) >= 0) {
      throw new IllegalArgumentException("cess.node.pause-fence must be positive and shorter than "
          + "akka.cluster.split-brain-resolver.stable-after (" + stableAfter + "), was " + pauseFence);
    }
    return new NodeSettings(
        name,
        roles,
        c.getString("region"),
        Path.of(c.getString("data-dir")).toAbsolutePath(),
        c.getString("http.host"),
        port,
        roles.contains("storage") ? miners : 0,
        capacity,
        Path.of(c.getString("cluster-secret-file")).toAbsolutePath(),
        c.getDuration("internal-auth-max-skew"),
        pauseFence);
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** Miner ids of this node and the quota of each: the declared capacity split evenly. */
  public Map<String, Long> minerCapacities() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 1; i <= minerCount; i++) {
      out.put(name + "-m" + i, capacityBytes / minerCount);
    }
    return out;
  }

  public String httpUrl() {
    return "http://" + httpHost + ":" + httpPort;
  }
}
