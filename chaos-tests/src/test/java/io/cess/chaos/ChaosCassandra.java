package io.cess.chaos;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cess.chaos.net.ChaosNet;
import io.cess.persistence.cassandra.CassandraLayout;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The chaos suite's own Cassandra: the project's managed single node, in its own folder, on the
 * chaos bridge's root address ({@link ChaosNet#hostIp()}), so that every node host reaches it
 * whatever the fault between the hosts. It binds only that address: the integration tests'
 * managed Cassandra on 127.0.0.1 with the same ports runs beside it (no JMX port is opened:
 * the project's jvm options set none). Lifecycle: {@link #start} (schema of the run's keyspace
 * created), {@link #stop} / {@link #restart} keep the data, {@link #close} stops it.
 */
public final class ChaosCassandra implements AutoCloseable {

  public static final int CQL_PORT = 19042;
  public static final int STORAGE_PORT = 17000;
  /** Smaller than the default 1g: the machine also runs the nodes and maybe other tests. */
  static final String HEAP_SIZE = "768m";

  private final ChaosNet net;
  private final CassandraSettings settings;
  private final CassandraLayout layout;
  private final String keyspace;

  private ChaosCassandra(ChaosNet net, CassandraSettings settings, CassandraLayout layout, String keyspace) {
    this.net = net;
    this.settings = settings;
    this.layout = layout;
    this.keyspace = keyspace;
  }

  /** Starts Cassandra under {@code dir} on the network's root address and creates the schema. */
  public static ChaosCassandra start(ChaosNet net, Path dir, String keyspace) {
    Config config = ConfigFactory.parseMap(Map.of(
            "cess.cassandra.contact-points", List.of(),
            "cess.cassandra.contact-points-env", "",
            "cess.cassandra.keyspace", keyspace,
            "cess.cassandra.managed.listen-address", net.hostIp(),
            "cess.cassandra.managed.cql-port", CQL_PORT,
            "cess.cassandra.managed.storage-port", STORAGE_PORT,
            "cess.cassandra.managed.heap-size", HEAP_SIZE))
        .withFallback(ConfigFactory.load());
    ChaosCassandra c = new ChaosCassandra(
        net, CassandraSettings.fromConfig(config), CassandraLayout.under(dir.toAbsolutePath()), keyspace);
    c.start();
    CassandraSchema.create(c.settings);
    return c;
  }

  /** Starts it again (after {@link #stop}); the data and the schema are kept. */
  public void start() {
    if (!ManagedCassandra.ensureRunning(settings, layout, msg -> System.out.println("chaos cassandra: " + msg))) {
      throw new IllegalStateException("a Cassandra already answers at " + contactPoint()
          + ": another run's, left behind? (expected none on this run's own address)");
    }
    net.adopt(ManagedCassandra.runningProcess(layout).orElseThrow(
        () -> new IllegalStateException("Cassandra answers but " + layout.pidFile() + " names no live process")));
    net.record("cassandra-start", contactPoint());
  }

  /** SIGTERM, then waits (SIGKILL after cess.cassandra.managed.stop-timeout); data kept. */
  public void stop() {
    if (!ManagedCassandra.stop(settings, layout, msg -> System.out.println("chaos cassandra: " + msg))) {
      throw new IllegalStateException("no Cassandra was running under " + layout.home());
    }
    net.record("cassandra-stop", contactPoint());
  }

  public boolean running() {
    return ManagedCassandra.runningProcess(layout).isPresent();
  }

  /** "ip:port", as CESS_CASSANDRA_CONTACT_POINTS wants it. */
  public String contactPoint() {
    return settings.listenAddress() + ":" + settings.cqlPort();
  }

  public String keyspace() {
    return keyspace;
  }

  public CassandraSettings settings() {
    return settings;
  }

  public String logTail() {
    return ManagedCassandra.tail(layout);
  }

  @Override
  public void close() {
    if (running()) {
      stop();
    }
  }
}
