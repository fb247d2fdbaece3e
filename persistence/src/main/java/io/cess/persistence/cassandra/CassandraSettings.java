package io.cess.persistence.cassandra;

import com.typesafe.config.Config;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the journal's Cassandra is, read once from {@code cess.cassandra} and validated.
 * Either an external cluster (contact points given) or the managed single node.
 */
public record CassandraSettings(
    List<InetSocketAddress> externalContactPoints,
    String localDatacenter,
    String keyspace,
    String listenAddress,
    int cqlPort,
    int storagePort,
    String heapSize,
    Duration startTimeout,
    Duration stopTimeout) {

  public static CassandraSettings fromConfig(Config root) {
    Config c = root.getConfig("cess.cassandra");
    List<String> raw = new ArrayList<>(c.getStringList("contact-points"));
    if (c.hasPath("contact-points-env") && !c.getString("contact-points-env").isBlank()) {
      raw = List.of(c.getString("contact-points-env").split(","));
    }
    List<InetSocketAddress> points = new ArrayList<>();
    for (String p : raw) {
      points.add(parseHostPort(p.trim(), "cess.cassandra.contact-points"));
    }
    String keyspace = c.getString("keyspace");
    if (!keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
      throw new IllegalArgumentException(
          "cess.cassandra.keyspace must be a lower-case CQL identifier, was '" + keyspace + "'");
    }
    Config m = c.getConfig("managed");
    return new CassandraSettings(
        List.copyOf(points),
        c.getString("local-datacenter"),
        keyspace,
        m.getString("listen-address"),
        port(m, "cql-port"),
        port(m, "storage-port"),
        m.getString("heap-size"),
        positive(m.getDuration("start-timeout"), "cess.cassandra.managed.start-timeout"),
        positive(m.getDuration("stop-timeout"), "cess.cassandra.managed.stop-timeout"));
  }

  /** True when no external cluster is configured and the project runs Cassandra itself. */
  public boolean managed() {
    return externalContactPoints.isEmpty();
  }

  /** The contact points the driver uses: the external ones, or the managed node. */
  public List<InetSocketAddress> contactPoints() {
    return managed()
        ? List.of(InetSocketAddress.createUnresolved(listenAddress, cqlPort))
        : externalContactPoints;
  }

  /** Contact points as the driver's config wants them ("host:port"). */
  public List<String> contactPointStrings() {
    return contactPoints().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList();
  }

  static InetSocketAddress parseHostPort(String value, String key) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(key + ": expected host:port, was '" + value + "'");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": bad port in '" + value + "'", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + ": port out of range in '" + value + "'");
    }
    return InetSocketAddress.createUnresolved(value.substring(0, colon), port);
  }

  private static int port(Config c, String key) {
    int p = c.getInt(key);
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("cess.cassandra.managed." + key + " out of range: " + p);
    }
    return p;
  }

  private static Duration positive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
    return d;
  }
}
