package io.cess.http.cli;

import com.typesafe.config.ConfigFactory;
import io.cess.persistence.cassandra.CassandraLayout;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code cess up}: starts (or reuses) Cassandra, creates the schema, launches the local cluster's
 * node JVMs in the background and waits, printing progress, until every node is ready.
 */
public final class UpCommand {

  static final int BASE_HTTP_PORT = 8081;
  static final int BASE_AKKA_PORT = 25521;
  static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
  static final Duration POLL = Duration.ofSeconds(1);

  private UpCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, Set.of("nodes", "miners", "capacity", "home"));
    int count = args.getInt("nodes", 3);
    if (count < 1 || count > 20) {
      throw new IllegalArgumentException("--nodes must be 1..20");
    }
    LocalHome home = LocalHome.of(args.get("home"));
    CassandraSettings cassandra = CassandraSettings.fromConfig(ConfigFactory.load());
    CassandraLayout layout = home.cassandra();
    ManagedCassandra.ensureRunning(cassandra, layout, msg -> System.out.println("cassandra: " + msg));
    CassandraSchema.create(cassandra);
    System.out.println("cassandra: schema ready (keyspace " + cassandra.keyspace() + ")");

    Map<String, Process> started = new LinkedHashMap<>();
    Map<String, String> urls = new LinkedHashMap<>();
    for (int i = 1; i <= count; i++) {
      String name = "node" + i;
      String url = "http://127.0.0.1:" + (BASE_HTTP_PORT + i - 1);
      urls.put(name, url);
      if (home.node(name).map(LocalHome.RunningNode::alive).orElse(false)) {
        System.out.println(name + ": already running");
        continue;
      }
      List<String> nodeArgs = new ArrayList<>(localNodeArgs(
          i, BASE_HTTP_PORT, BASE_AKKA_PORT, Math.min(count, 3), home, args.get("miners", "2"), args.get("capacity", "8GiB")));
      nodeArgs.addAll(List.of("--config", localOverlay().toString()));
      started.put(name, launch(home, name, nodeArgs));
      System.out.println(name + ": starting (log " + home.log(name) + ")");
    }
    if (!awaitReady(home, urls, started)) {
      return 1;
    }
    int miners = count * Integer.parseInt(args.get("miners", "2"));
    String first = urls.values().iterator().next();
    CliSigner signer = new CliSigner(AccountCommand.ensureRegistered(AccountCommand.defaultKeyFile(), first));
    if (!awaitMiners(first, signer, miners)) {
      return 1;
    }
    System.out.println();
    System.out.println("CESS is up: " + count + " nodes.");
    urls.forEach((name, url) -> System.out.println("  " + name + "  " + url + "   (API " + url + "/v1, health " + url + "/health/ready)"));
    System.out.println("Account " + signer.keys().accountId() + " (" + AccountCommand.defaultKeyFile() + ") signs the commands below.");
    System.out.println("Try:  ./cess put --file somefile --url " + first + "/v1/buckets/demo/objects/somefile");
    System.out.println("      ./cess status        ./cess down");
    return 0;
  }

  /**
   * The {@code cess node} arguments of node {@code index} of a cluster on loopback: named
   * {@code node<index>}, storage + gateway, region {@code zone-<index>}, ports counted up from
   * the bases, joining the first {@code seedCount} nodes. Callers append their own options.
   */
  public static List<String> localNodeArgs(
      int index, int baseHttpPort, int baseAkkaPort, int seedCount, LocalHome home, String miners, String capacity) {
    List<String> seeds = new ArrayList<>();
    for (int i = 1; i <= seedCount; i++) {
      seeds.add("127.0.0.1:" + (baseAkkaPort + i - 1));
    }
    return List.of(
        "--name", "node" + index,
        "--roles", "storage,gateway",
        "--region", "zone-" + index,
        "--http-port", Integer.toString(baseHttpPort + index - 1),
        "--akka-port", Integer.toString(baseAkkaPort + index - 1),
        "--miners", miners,
        "--capacity", capacity,
        "--join", String.join(",", seeds),
        "--home", home.root().toString());
  }

  /** cluster-config/local.conf: the overlay for a cluster on one machine. */
  public static Path localOverlay() {
    return Path.of(System.getProperty(CassandraLayout.CLUSTER_CONFIG_DIR, "cluster-config"), "local.conf").toAbsolutePath();
  }

  /** Starts a node JVM detached from this one (own session), output to its log file. */
  public static Process launch(LocalHome home, String name, List<String> nodeArgs) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String jvmOpts = System.getenv().getOrDefault("CESS_NODE_JVM_OPTS", "-Xmx512m -XX:+UseG1GC");
    for (String o : jvmOpts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        cmd.add(o);
      }
    }
    for (String prop : List.of(CassandraLayout.CLUSTER_CONFIG_DIR, CassandraLayout.CLASSPATH_FILE, "logback.configurationFile")) {
      if (System.getProperty(prop) != null) {
        cmd.add("-D" + prop + "=" + System.getProperty(prop));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.cess.http.Main");
    cmd.add("node");
    cmd.addAll(nodeArgs);
    try {
      Files.createDirectories(home.log(name).getParent());
      return new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(home.log(name).toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  static boolean awaitReady(LocalHome home, Map<String, String> urls, Map<String, Process> started) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<String, String> lastState = new LinkedHashMap<>();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      boolean allReady = true;
      for (Map.Entry<String, String> e : urls.entrySet()) {
        String name = e.getKey();
        Process p = started.get(name);
        if (p != null && !p.isAlive()) {
          System.out.println(name + ": exited with code " + p.exitValue() + "; last lines of its log:");
          System.out.println(tail(home.log(name), 30));
          return false;
        }
        String state = probe(client, e.getValue());
        if (!state.equals(lastState.get(name))) {
          System.out.println(name + ": " + state);
          lastState.put(name, state);
        }
        allReady &= state.equals("ready");
      }
      if (allReady) {
        return true;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    System.out.println("the cluster was not ready within " + READY_TIMEOUT.toSeconds() + " s; see the logs under " + home.root().resolve("logs"));
    return false;
  }

  /** Placement needs every miner: wait until the first gateway sees them all. */
  static boolean awaitMiners(String url, CliSigner signer, int expected) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(
            signer.request("GET", URI.create(url + "/v1/miners"), Duration.ofSeconds(5)),
            HttpResponse.BodyHandlers.ofString());
        seen = r.statusCode() == 200 ? io.cess.http.routes.Json.MAPPER.readTree(r.body()).size() : -1;
        if (seen == expected) {
          System.out.println("miners: all " + expected + " visible");
          return true;
        }
        Thread.sleep(POLL.toMillis());
      } catch (IOException e) {
        seen = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    System.out.println("only " + seen + " of " + expected + " miners became visible within 60 s");
    return false;
  }

  private static String probe(HttpClient client, String url) {
    try {
      HttpResponse<String> r = client.send(
          HttpRequest.newBuilder(URI.create(url + "/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? "ready" : "joining (" + r.body() + ")";
    } catch (IOException e) {
      return "starting";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
