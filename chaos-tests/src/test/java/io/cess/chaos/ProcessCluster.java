package io.cess.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import io.cess.http.cli.LocalHome;
import io.cess.http.cli.UpCommand;
import io.cess.http.routes.Json;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * A cluster of real node JVMs (the {@code cess node} command) on loopback, sharing the managed
 * Cassandra, with fault verbs that scenarios read like sentences: {@link #kill}, {@link #restart},
 * {@link #addNode}. Everything it starts it stops in {@link #close}, also when a scenario fails.
 */
public final class ProcessCluster implements AutoCloseable {

  static final int BASE_HTTP_PORT = 28181;
  static final int BASE_AKKA_PORT = 25721;
  static final int SEEDS = 3;

  private final LocalHome home;
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The cluster journals to its own keyspace: runs sharing one Cassandra never see each other. */
  private final String keyspace = "chaos_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  public ProcessCluster(Path root) {
    this.home = new LocalHome(root);
    CassandraSchema.create(CassandraSettings.fromConfig(ConfigFactory.load()), keyspace);
  }

  public static void ensureCassandra(Path workDir) {
    CassandraSettings settings = CassandraSettings.fromConfig(ConfigFactory.load());
    ManagedCassandra.ensureRunning(settings, new LocalHome(workDir).cassandra(), m -> System.out.println("cassandra: " + m));
    CassandraSchema.create(settings);
  }

  public String url(int node) {
    return "http://127.0.0.1:" + (BASE_HTTP_PORT + node - 1);
  }

  /** Starts node {@code nodeN} as its own JVM and waits until it reports ready. */
  public void start(int node) {
    String name = "node" + node;
    List<String> args = new ArrayList<>(
        UpCommand.localNodeArgs(node, BASE_HTTP_PORT, BASE_AKKA_PORT, SEEDS, home, "2", "2GiB"));
    args.addAll(List.of("--keyspace", keyspace, "--config", UpCommand.localOverlay().toString()));
    Process p = UpCommand.launch(home, name, args);
    processes.put(node, p);
    awaitCondition(name + " ready", Duration.ofSeconds(120), () -> {
      if (!p.isAlive()) {
        throw new AssertionError(name + " exited with " + p.exitValue() + ":\n" + logTail(node));
      }
      return status(url(node) + "/health/ready") == 200;
    });
    if (!registered) {
      awaitCondition("test account registered", Duration.ofSeconds(30), () -> register(node));
      registered = true;
    }
  }

  /** The account every request of the chaos tests is signed by (gateways require signatures). */
  private final AccountKeys account = AccountKeys.generate();
  private boolean registered;

  /** A request to {@code node} for {@code target}, signed by the test account (unsigned payload). */
  public HttpRequest.Builder request(int node, String method, String target) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(node) + target)).timeout(Duration.ofSeconds(120));
    RequestSignature.headers(account, method, target, RequestSignature.UNSIGNED_PAYLOAD, java.time.Instant.now()).forEach(b::header);
    return b;
  }

  private boolean register(int node) {
    try {
      return io.cess.http.cli.AccountCommand.register(account, url(node)).statusCode() == 201;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGKILL: the node gets no chance to leave the cluster. */
  public void kill(int node) {
    Process p = processes.remove(node);
    p.destroyForcibly();
    p.onExit().join();
  }

  public void restart(int node) {
    start(node);
  }

  public void addNode(int node) {
    start(node);
  }

  /** Members as one node sees them, node name to status; empty when the node does not answer. */
  public Map<String, String> members(int askNode) {
    Map<String, String> out = new TreeMap<>();
    try {
      for (JsonNode m : getJson(askNode, "/v1/cluster").path("members")) {
        out.put(m.path("node").asText(), m.path("status").asText());
      }
    } catch (IOException e) {
      System.out.println("node" + askNode + " did not list members: " + e.getMessage());
    }
    return out;
  }

  public JsonNode getJson(int node, String path) throws IOException {
    try {
      HttpResponse<String> r = http.send(
          request(node, "GET", path).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public int status(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public Path dataDir(int node) {
    return home.dataDir("node" + node);
  }

  public String logTail(int node) {
    return UpCommand.tail(home.log("node" + node), 40);
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
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroyForcibly();
      p.onExit().join();
    }
    processes.clear();
    CassandraSchema.drop(CassandraSettings.fromConfig(ConfigFactory.load()), keyspace);
  }
}
