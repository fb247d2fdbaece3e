package io.cess.http.cli;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cess.actors.Guardian;
import io.cess.actors.NodeSettings;
import io.cess.actors.gateway.GatewaySettings;
import io.cess.core.DataSize;
import io.cess.http.HttpServer;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import io.cess.persistence.cassandra.PauseFence;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cess node}: runs one node JVM in the foreground. Joins the seeds given with {@code
 * --join} (or starts a new cluster when it is its own seed), makes sure Cassandra answers (starting
 * the managed one when no external cluster is configured) and that the schema exists. Installs the
 * JVM's {@link PauseFence}: a node frozen longer than {@code cess.node.pause-fence} shuts down.
 */
public final class NodeCommand {

  public static final Set<String> OPTIONS =
      Set.of("name", "roles", "region", "host", "http-port", "akka-port", "data-dir", "miners", "capacity", "join", "home", "config", "master-key", "cluster-secret", "keyspace");

  private NodeCommand() {}

  public static ActorSystem<Void> run(List<String> argv) {
    CliArgs args = new CliArgs(argv, OPTIONS);
    LocalHome home = LocalHome.of(args.get("home"));
    Config config = nodeConfig(args, home);
    NodeSettings node = NodeSettings.fromConfig(config);
    GatewaySettings gateway = GatewaySettings.fromConfig(config);
    CassandraSettings cassandra = CassandraSettings.fromConfig(config);

    ManagedCassandra.ensureRunning(cassandra, home.cassandra(), msg -> System.out.println("[" + node.name() + "] " + msg));
    CassandraSchema.create(cassandra);

    ActorSystem<Void> system =
        ActorSystem.create(
            Guardian.create(node, gateway, (sys, services) -> HttpServer.start(sys, services, gateway)), "cess", config);
    PauseFence fence = PauseFence.install(node.pauseFence(), frozen -> {
      system.log().error("{} was frozen for {} ms, longer than cess.node.pause-fence ({}): it may have been downed and "
          + "replaced while it did not run, so it refuses to write and shuts down", node.name(), frozen.toMillis(), node.pauseFence());
      CoordinatedShutdown.get(system).runAll(FrozenTooLong.INSTANCE);
    });
    system.getWhenTerminated().thenRun(fence::close);
    home.recordRunning(new LocalHome.RunningNode(node.name(), ProcessHandle.current().pid(), node.httpUrl()));
    system.getWhenTerminated().thenRun(() -> home.forget(node.name()));
    return system;
  }

  /** Why a node shut down by itself after waking from a freeze longer than its pause fence. */
  public enum FrozenTooLong implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  public static Config nodeConfig(CliArgs args, LocalHome home) {
    String name = args.get("name");
    if (name == null) {
      throw new IllegalArgumentException("--name is required (the node's stable name, e.g. node4)");
    }
    String host = args.get("host", "127.0.0.1");
    int akkaPort = args.getInt("akka-port", 25520);
    List<String> roles = List.of(args.get("roles", "storage,gateway").split(","));
    List<String> clusterRoles = new ArrayList<>(roles);
    clusterRoles.add(NodeSettings.NAME_ROLE_PREFIX + name);

    List<String> seeds = new ArrayList<>();
    for (String seed : args.get("join", host + ":" + akkaPort).split(",")) {
      String s = seed.trim();
      if (!s.matches("[^:/@]+:\\d{1,5}")) {
        throw new IllegalArgumentException("--join takes host:port[,host:port...], got '" + s + "'");
      }
      seeds.add("akka://cess@" + s);
    }

    Map<String, Object> o = new HashMap<>();
    o.put("cess.node.name", name);
    o.put("cess.node.roles", roles);
    o.put("cess.node.region", args.get("region", "local"));
    o.put("cess.node.data-dir", args.get("data-dir", home.dataDir(name).toString()));
    o.put("cess.node.http.host", host);
    o.put("cess.node.http.port", args.getInt("http-port", 8080));
    o.put("cess.node.miners", args.getInt("miners", 2));
    o.put("cess.gateway.master-key-file", args.get("master-key", home.root().resolve("master.key").toString()));
    o.put("cess.node.cluster-secret-file", args.get("cluster-secret", home.root().resolve("cluster.secret").toString()));
    o.put("cess.node.capacity", Long.toString(DataSize.parseBytes(args.get("capacity", "8GiB"))));
    o.put("akka.remote.artery.canonical.hostname", host);
    o.put("akka.remote.artery.canonical.port", akkaPort);
    o.put("akka.cluster.roles", clusterRoles);
    o.put("akka.cluster.seed-nodes", seeds);

    if (args.get("keyspace") != null) {
      // the journal's keyspace settings were resolved from cess.cassandra.keyspace at load time
      o.put("cess.cassandra.keyspace", args.get("keyspace"));
      o.put("akka.persistence.cassandra.journal.keyspace", args.get("keyspace"));
      o.put("akka.persistence.cassandra.snapshot.keyspace", args.get("keyspace"));
    }
    Config base = ConfigFactory.load();
    if (args.get("config") != null) {
      base = ConfigFactory.parseFile(new File(args.get("config"))).withFallback(base);
    }
    Config withArgs = ConfigFactory.parseMap(o).withFallback(base);
    // The driver must reach whichever Cassandra the settings resolve to (external or managed).
    CassandraSettings cassandra = CassandraSettings.fromConfig(withArgs.resolve());
    return ConfigFactory.parseMap(Map.of("datastax-java-driver.basic.contact-points", cassandra.contactPointStrings()))
        .withFallback(withArgs)
        .resolve();
  }
}
