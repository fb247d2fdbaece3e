package io.cess.http.it;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.cess.actors.Guardian;
import io.cess.actors.NodeSettings;
import io.cess.actors.gateway.GatewaySettings;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import io.cess.http.HttpServer;
import io.cess.http.cli.CliArgs;
import io.cess.http.cli.LocalHome;
import io.cess.http.cli.NodeCommand;
import io.cess.http.cli.UpCommand;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several CESS nodes as actor systems in this JVM, each with its own ports, data directory and
 * HTTP server, joined into one cluster and journaling to the real (managed) Cassandra.
 */
public final class TestCluster implements AutoCloseable {

  public static final int BASE_HTTP_PORT = 18181;
  public static final int BASE_AKKA_PORT = 25621;

  private final LocalHome home;
  private final Map<String, ActorSystem<Void>> systems = new LinkedHashMap<>();
  private final int seedCount;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, String> overrides;

  /** Each cluster journals to its own keyspace: runs sharing one Cassandra never see each other. */
  private final String keyspace = "it_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  public TestCluster(Path workDir, int seedCount, Map<String, String> overrides) {
    this.home = new LocalHome(workDir);
    CassandraSchema.create(CassandraSettings.fromConfig(ConfigFactory.load()), keyspace);
    this.overrides = overrides;
    this.seedCount = seedCount;
  }

  /** Starts (or reuses) the managed Cassandra shared by all integration tests, with the schema. */
  public static CassandraSettings ensureCassandra(Path workDir) {
    CassandraSettings settings = CassandraSettings.fromConfig(ConfigFactory.load());
    ManagedCassandra.ensureRunning(settings, new LocalHome(workDir).cassandra(), msg -> System.out.println("cassandra: " + msg));
    CassandraSchema.create(settings);
    return settings;
  }

  public static Path workDir() {
    return Path.of(System.getProperty("cess.it.work-dir", "target/it")).toAbsolutePath();
  }

  public String url(int index) {
    return "http://127.0.0.1:" + (BASE_HTTP_PORT + index - 1);
  }

  public Path dataDir(String name) {
    return home.dataDir(name);
  }

  /** Starts node {@code nodeN} (storage + gateway, 2 miners) and waits until it is ready. */
  public void start(int index) {
    String name = "node" + index;
    List<String> argv = new ArrayList<>(
        UpCommand.localNodeArgs(index, BASE_HTTP_PORT, BASE_AKKA_PORT, seedCount, home, "2", "2GiB"));
    argv.addAll(List.of("--keyspace", keyspace));
    Config config = ConfigFactory.parseMap(overrides)
        .withFallback(NodeCommand.nodeConfig(new CliArgs(argv, NodeCommand.OPTIONS), home))
        .resolve();
    NodeSettings node = NodeSettings.fromConfig(config);
    GatewaySettings gateway = GatewaySettings.fromConfig(config);
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(node, gateway, (sys, services) -> HttpServer.start(sys, services, gateway)), "cess", config);
    systems.put(name, system);
    awaitReady(url(index), Duration.ofSeconds(90));
  }

  /** The account every request of the integration tests is signed by (gateways require it). */
  private final AccountKeys account = AccountKeys.generate();

  public AccountKeys account() {
    return account;
  }

  /**
   * A request to node {@code index} for {@code target} (path and query, as sent), signed by the
   * test account with an unsigned payload; the caller sets the method and body.
   */
  public HttpRequest.Builder request(int index, String method, String target) {
    return signed(HttpRequest.newBuilder(URI.create(url(index) + target)).timeout(Duration.ofSeconds(60)),
        account, method, target, RequestSignature.UNSIGNED_PAYLOAD);
  }

  /** A request to node {@code index}'s internal endpoint, as another node of the cluster makes it. */
  public HttpRequest.Builder nodeRequest(int index, String method, String target) {
    byte[] secret = io.cess.actors.SecretFile.loadOrCreate(home.root().resolve("cluster.secret"), "cluster secret");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(index) + target)).timeout(Duration.ofSeconds(60));
    new io.cess.core.node.NodeRequestAuth(secret).headers(method, target, java.time.Instant.now()).forEach(b::header);
    return b;
  }

  /** {@code b} with the CESS-ED25519 headers of {@code keys} over method, target and body hash. */
  public static HttpRequest.Builder signed(HttpRequest.Builder b, AccountKeys keys, String method, String target, String contentSha256) {
    RequestSignature.headers(keys, method, target, contentSha256, java.time.Instant.now()).forEach(b::header);
    return b;
  }

  /** Registers the test account with the cluster (signed by its own key, as `cess account create`). */
  private void registerAccount(int index) {
    try {
      HttpResponse<String> r = io.cess.http.cli.AccountCommand.register(account, url(index));
      if (r.statusCode() != 201) {
        throw new AssertionError("cannot register the test account: " + r.statusCode() + " " + r.body());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Registers the test account, then waits until every running gateway sees {@code count}
   * miners (placement needs them all).
   */
  public void awaitMiners(int count, Duration timeout) {
    registerAccount(Integer.parseInt(systems.keySet().iterator().next().substring(4)));
    for (String name : systems.keySet()) {
      String url = url(Integer.parseInt(name.substring(4)));
      long deadline = System.nanoTime() + timeout.toNanos();
      int seen = -1;
      while (seen != count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(url + " sees " + seen + " miners, expected " + count);
        }
        try {
          HttpResponse<String> r = http.send(
              request(Integer.parseInt(name.substring(4)), "GET", "/v1/miners").timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          seen = r.statusCode() == 200 ? io.cess.http.routes.Json.MAPPER.readTree(r.body()).size() : -1;
          if (seen != count) {
            Thread.sleep(250);
          }
        } catch (java.io.IOException e) {
          seen = -1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Leaves the cluster gracefully and terminates the node's actor system. */
  public void stop(int index) throws Exception {
    ActorSystem<Void> system = systems.remove("node" + index);
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  public void awaitReady(String url, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create(url + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.body();
      } catch (Exception e) {
        last = e.toString();
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(url + " not ready within " + timeout + ": " + last);
  }

  @Override
  public void close() throws Exception {
    stopAll();
    CassandraSchema.drop(CassandraSettings.fromConfig(ConfigFactory.load()), keyspace);
  }

  /** Stops every node; the journal (this cluster's keyspace) stays for a restart. */
  public void stopAll() throws Exception {
    List<Integer> indexes = new ArrayList<>();
    for (String name : systems.keySet()) {
      indexes.add(Integer.parseInt(name.substring(4)));
    }
    java.util.Collections.reverse(indexes);
    for (int i : indexes) {
      stop(i);
    }
  }
}
