package io.cess.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.chaos.net.ChaosNet;
import io.cess.chaos.net.HostCommand;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import io.cess.http.cli.LocalHome;
import io.cess.http.cli.UpCommand;
import io.cess.http.routes.Json;
import io.cess.persistence.cassandra.CassandraLayout;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A cluster of real node JVMs ({@code cess node}), node {@code i} in network namespace {@code i}
 * of a {@link ChaosNet}, all at the same ports on their own addresses, journaling to a {@link
 * ChaosCassandra}. Verbs read like the scenario: {@link #kill}, {@link #pause}, {@link #restart},
 * {@link #stop}, {@link #addNode}; each is written to the network's fault timeline. Everything
 * it starts it ends in {@link #close}, also when a scenario fails.
 */
public final class NetCluster implements AutoCloseable {

  public static final int HTTP_PORT = 8080;
  public static final int AKKA_PORT = 2552;
  /** The first nodes are the seeds every node joins through. */
  public static final int SEEDS = 3;
  public static final String MINERS_PER_NODE = "2";
  public static final String CAPACITY = "2GiB";
  /** Small heaps: five nodes, Cassandra and the build share two cores. */
  public static final String DEFAULT_NODE_JVM_OPTS = "-Xmx256m -XX:+UseSerialGC -Xss512k";

  /** From launch to /health/ready (member Up, Cassandra answers); five JVMs start at once. */
  static final Duration NODE_READY_TIMEOUT = Duration.ofSeconds(150);
  /** SIGKILL is immediate; a process that outlives this is stuck in the kernel. */
  static final Duration NODE_KILL_TIMEOUT = Duration.ofSeconds(15);
  static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(60);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * /v1/cluster also gathers sharding stats, which wait for unreachable regions until the route's
   * ask timeout: during a split every call blocks. A short client timeout keeps the polling fine.
   */
  static final Duration CLUSTER_VIEW_TIMEOUT = Duration.ofSeconds(3);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  static final Duration POLL_INTERVAL = Duration.ofMillis(250);

  private final ChaosNet net;
  private final ChaosCassandra cassandra;
  private final LocalHome home;
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final Set<Integer> paused = new TreeSet<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "net-cluster-resume");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  /** The account every request of the suite is signed by (gateways require signatures). */
  private final AccountKeys account = AccountKeys.generate();
  private boolean registered;
  /** Extra JVM options of every node started from now on (a scenario's configuration overrides). */
  private final List<String> extraJvmOptions = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Node {@code i} will run on host {@code i} of {@code net}; {@code runDir} holds data and logs. */
  public NetCluster(ChaosNet net, ChaosCassandra cassandra, Path runDir) {
    this.net = net;
    this.cassandra = cassandra;
    this.home = new LocalHome(runDir.toAbsolutePath());
  }

  /** Adds JVM options (e.g. {@code -Dakka.cluster...=...} overrides) to every node started after this. */
  public void addNodeJvmOptions(List<String> options) {
    extraJvmOptions.addAll(options);
  }

  public ChaosNet net() {
    return net;
  }

  public String url(int node) {
    return "http://" + net.ip(node) + ":" + HTTP_PORT;
  }

  public String name(int node) {
    return "node" + node;
  }

  /** Starts node {@code node} and waits until it is ready. */
  public void start(int node) {
    start(Set.of(node));
  }

  /** Launches the nodes at once (they join in parallel), then waits until each is ready. */
  public synchronized void start(Set<Integer> nodes) {
    for (int node : new TreeSet<>(nodes)) {
      Process running = processes.get(node);
      if (running != null && running.isAlive()) {
        throw new IllegalStateException(name(node) + " is already running (pid " + running.pid() + ")");
      }
      Process p = launch(node);
      processes.put(node, p);
      net.record("start", name(node) + " (pid " + p.pid() + ")");
      p.onExit().thenAccept(ended -> {
        net.record("exited", name(node) + " (pid " + ended.pid() + ", exit " + ended.exitValue() + ")");
      });
    }
    for (int node : new TreeSet<>(nodes)) {
      Process p = processes.get(node);
      Duration took = awaitCondition(name(node) + " ready at " + url(node) + "/health/ready", NODE_READY_TIMEOUT, () -> {
        if (!p.isAlive()) {
          throw new AssertionError(name(node) + " exited with " + p.exitValue() + " while starting:\n" + logTail(node));
        }
        return status(url(node) + "/health/ready") == 200;
      });
      System.out.println(name(node) + " ready after " + took.toMillis() + " ms");
    }
    if (!registered) {
      int first = new TreeSet<>(nodes).first();
      awaitCondition("test account registered via " + name(first), REGISTER_TIMEOUT, () -> register(first));
      registered = true;
    }
  }

  /** SIGKILL: the node gets no chance to leave the cluster. */
  public synchronized void kill(int node) {
    Process p = requireProcess(node);
    p.destroyForcibly();
    awaitExit(node, p, NODE_KILL_TIMEOUT, "NODE_KILL_TIMEOUT");
    paused.remove(node);
    net.record("kill", name(node) + " (SIGKILL)");
  }

  /** Kills the node if it still runs (SIGKILL), then starts it again on the same data. */
  public synchronized void restart(int node) {
    restart(Set.of(node));
  }

  public synchronized void restart(Set<Integer> nodes) {
    for (int node : nodes) {
      if (isRunning(node)) {
        kill(node);
      }
    }
    net.record("restart", nodes.stream().map(this::name).toList().toString());
    start(nodes);
  }

  /** SIGSTOP: the JVM freezes (a long GC pause, a stalled VM) until {@link #resume}. */
  public synchronized void pause(int node) {
    Process p = requireProcess(node);
    signal(p, "STOP");
    paused.add(node);
    net.record("pause", name(node) + " (SIGSTOP)");
  }

  /** Pauses the node now and resumes it after {@code duration}, without blocking the scenario. */
  public synchronized void pause(int node, Duration duration) {
    pause(node);
    scheduler.schedule(() -> {
      try {
        resume(node);
      } catch (RuntimeException e) {
        System.out.println("resuming " + name(node) + " after " + duration + " failed: " + e);
        throw e;
      }
    }, duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGCONT for a paused node; nothing when it is not paused (any more), e.g. killed meanwhile. */
  public synchronized void resume(int node) {
    if (!paused.remove(node)) {
      return;
    }
    Process p = processes.get(node);
    if (p != null && p.isAlive()) {
      signal(p, "CONT");
      net.record("resume", name(node) + " (SIGCONT)");
    }
  }

  /** A new host and a new node on it (the next index); waits until it is ready. */
  public synchronized int addNode() {
    int node = net.hosts().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    net.addHost(node);
    start(node);
    return node;
  }

  public synchronized boolean isRunning(int node) {
    Process p = processes.get(node);
    return p != null && p.isAlive();
  }

  public synchronized Set<Integer> nodes() {
    return Set.copyOf(processes.keySet());
  }

  /** The names of the members {@code node} sees Up (and, as far as it knows, reachable). */
  public Set<String> upMembers(int node) {
    Set<String> out = new TreeSet<>();
    try {
      for (JsonNode m : getJson(node, "/v1/cluster/members", CLUSTER_VIEW_TIMEOUT).path("members")) {
        if (m.path("status").asText().equals("Up") && m.path("reachable").asBoolean()) {
          out.add(m.path("node").asText());
        }
      }
    } catch (IOException e) {
      System.out.println(name(node) + " did not list members: " + e.getMessage());
    }
    return out;
  }

  /** A request to {@code node} for {@code target}, signed by the test account (unsigned payload). */
  public HttpRequest.Builder request(int node, String method, String target) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(node) + target)).timeout(REQUEST_TIMEOUT);
    RequestSignature.headers(account, method, target, RequestSignature.UNSIGNED_PAYLOAD, Instant.now()).forEach(b::header);
    return b;
  }

  public HttpClient http() {
    return http;
  }

  public JsonNode getJson(int node, String path, Duration timeout) throws IOException {
    try {
      HttpResponse<String> r = http.send(request(node, "GET", path).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + name(node) + " for " + path, e);
    }
  }

  /** The status code of an unsigned GET, or -1 when the node does not answer in time. */
  public int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(PROBE_TIMEOUT).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing " + url, e);
    }
  }

  public Path log(int node) {
    return home.log(name(node));
  }

  public String logTail(int node) {
    return UpCommand.tail(log(node), 40);
  }

  /** Polls until the condition holds; fails with the condition's name at the deadline. */
  public static Duration awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for: " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
  }

  /** Ends every node process (SIGKILL: the scenario is over), also after a failure. */
  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
    List<String> stuck = new ArrayList<>();
    for (Map.Entry<Integer, Process> e : processes.entrySet()) {
      Process p = e.getValue();
      p.destroyForcibly();
      try {
        if (!p.waitFor(NODE_KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          stuck.add(name(e.getKey()) + " (pid " + p.pid() + ")");
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while ending " + name(e.getKey()), ie);
      }
    }
    processes.clear();
    paused.clear();
    if (!stuck.isEmpty()) {
      throw new IllegalStateException("node processes did not exit within " + NODE_KILL_TIMEOUT.toSeconds()
          + " s of SIGKILL (NODE_KILL_TIMEOUT): " + stuck);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Process launch(int node) {
    List<String> seeds = new ArrayList<>();
    for (int s = 1; s <= SEEDS; s++) {
      seeds.add(net.ip(s) + ":" + AKKA_PORT);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : nodeJvmOpts().trim().split("\\s+")) {
      if (!o.isEmpty()) {
        command.add(o);
      }
    }
    command.addAll(extraJvmOptions);
    for (String prop : List.of(CassandraLayout.CLUSTER_CONFIG_DIR, CassandraLayout.CLASSPATH_FILE, "logback.configurationFile")) {
      if (System.getProperty(prop) != null) {
        command.add("-D" + prop + "=" + System.getProperty(prop));
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.cess.http.Main", "node",
        "--name", name(node),
        "--roles", "storage,gateway",
        "--region", "zone-" + node,
        "--host", net.ip(node),
        "--http-port", Integer.toString(HTTP_PORT),
        "--akka-port", Integer.toString(AKKA_PORT),
        "--miners", MINERS_PER_NODE,
        "--capacity", CAPACITY,
        "--join", String.join(",", seeds),
        "--home", home.root().toString(),
        "--keyspace", cassandra.keyspace(),
        "--config", UpCommand.localOverlay().toString()));
    ProcessBuilder pb = new ProcessBuilder(net.wrap(node, command))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CESS_CASSANDRA_CONTACT_POINTS", cassandra.contactPoint());
    pb.environment().remove("CESS_CASSANDRA_PORT");
    try {
      Files.createDirectories(log(node).getParent());
      Files.writeString(log(node), "---- " + Instant.now() + " starting " + name(node) + " in " + net.namespace(node) + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name(node) + ": " + e.getMessage(), e);
    }
  }

  /** -Dcess.chaos.node-jvm-opts, else $CESS_CHAOS_NODE_JVM_OPTS, else {@link #DEFAULT_NODE_JVM_OPTS}. */
  static String nodeJvmOpts() {
    return System.getProperty("cess.chaos.node-jvm-opts",
        System.getenv().getOrDefault("CESS_CHAOS_NODE_JVM_OPTS", DEFAULT_NODE_JVM_OPTS));
  }

  private boolean register(int node) {
    try {
      HttpResponse<String> r = io.cess.http.cli.AccountCommand.register(account, url(node));
      if (r.statusCode() != 201) {
        System.out.println("registering the test account via " + name(node) + ": " + r.statusCode() + " " + r.body());
      }
      return r.statusCode() == 201;
    } catch (IOException e) {
      System.out.println("registering the test account via " + name(node) + ": " + e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering the test account", e);
    }
  }

  private Process requireProcess(int node) {
    Process p = processes.get(node);
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(name(node) + " is not running"
          + (p == null ? "" : " (exited with " + p.exitValue() + ")"));
    }
    return p;
  }

  private void awaitExit(int node, Process p, Duration timeout, String timeoutName) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(name(node) + " did not exit within " + timeout.toSeconds() + " s (" + timeoutName + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name(node) + " to exit", e);
    }
  }

  /** `ip netns exec` execs the JVM in place: the process we hold is the node's JVM itself. */
  private static void signal(Process p, String signal) {
    HostCommand.run(List.of(HostCommand.find("kill").orElse("/bin/kill"), "-" + signal, Long.toString(p.pid())));
  }
}
