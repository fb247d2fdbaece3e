package io.cess.chaos.scenario;

import io.cess.chaos.NetCluster;
import io.cess.chaos.ChaosCassandra;
import io.cess.chaos.net.ChaosNet;
import io.cess.chaos.report.ChaosReport;
import io.cess.chaos.workload.GatewayClient;
import io.cess.chaos.workload.OpKind;
import io.cess.chaos.workload.Operation;
import io.cess.chaos.workload.OperationLog;
import io.cess.chaos.workload.Workload;
import io.cess.core.Sha256;
import io.cess.http.routes.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a scenario acts on: the network, Cassandra and the node processes, with verbs that read
 * like the scenario's sentences and record each fault on the report's timeline. A scenario that
 * cuts nodes off declares which side must survive ({@link #expectDowned}), which the suite checks
 * with the MinorityDowned and MinorityRefusesWrites invariants.
 */
public final class ChaosRun {

  /** Which nodes must be downed after a fault at {@code at}, and which must stay. */
  public record Expectation(Instant at, Set<Integer> survivors, Set<Integer> downed) {}

  private final ChaosNet net;
  private final ChaosCassandra cassandra;
  private final NetCluster cluster;
  private final ChaosReport report;
  private final Duration stableAfter;
  private final OperationLog log;
  private final String bucket;
  private Expectation expectation;

  public ChaosRun(ChaosNet net, ChaosCassandra cassandra, NetCluster cluster, ChaosReport report, Duration stableAfter,
      OperationLog log, String bucket) {
    this.net = net;
    this.cassandra = cassandra;
    this.cluster = cluster;
    this.report = report;
    this.stableAfter = stableAfter;
    this.log = log;
    this.bucket = bucket;
  }

  /**
   * Starts one upload of {@code size} random bytes through {@code node} into the workload's
   * bucket, recorded in the operation log like the workload's own (so the invariants hold it to
   * what the gateway answered). Completes with the HTTP status, or -1 without an answer.
   */
  public CompletableFuture<Integer> upload(int node, String key, int size, long seed) {
    byte[] content = new byte[size];
    new java.util.Random(seed).nextBytes(content);
    String sha = Sha256.hex(content);
    Instant started = Instant.now();
    HttpRequest request = cluster.request(node, "PUT", Workload.objectTarget(bucket, key))
        .timeout(UPLOAD_TIMEOUT).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build();
    report.note("upload of " + size + " bytes through " + cluster.name(node) + " started (" + key + ")");
    return cluster.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
      int status = e == null ? r.statusCode() : Operation.NO_RESPONSE;
      boolean acked = status == 201;
      com.fasterxml.jackson.databind.JsonNode stored = acked ? parse(r.body()) : null;
      String error = e != null ? GatewayClient.describe(e) : acked ? null : GatewayClient.errorCode(r.body());
      log.record(new Operation(log.nextId(), OpKind.PUT, node, bucket, key, started, Instant.now(), sha, size, status, error, acked,
          acked ? stored.path("fileId").asText(null) : null, acked ? stored.path("sha256").asText(null) : null));
      report.note("upload " + key + " through " + cluster.name(node) + " ended: " + (e == null ? status : error));
      return status;
    });
  }

  private static com.fasterxml.jackson.databind.JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("a 201 answer that is not JSON: " + body, e);
    }
  }

  /** How long the upload of a scenario may take (it may outlast the fault it is caught in). */
  static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(3);

  public NetCluster cluster() {
    return cluster;
  }

  public ChaosReport report() {
    return report;
  }

  /** The Split Brain Resolver's stable-after of the nodes' configuration. */
  public Duration stableAfter() {
    return stableAfter;
  }

  public Optional<Expectation> expectation() {
    return Optional.ofNullable(expectation);
  }

  /**
   * Splits the nodes into {@code groups} (every pair of groups cut from each other). The group
   * holding a strict majority of the members must survive and every other node be downed; with
   * no majority, every node must be downed.
   */
  @SafeVarargs
  public final void split(Set<Integer>... groups) {
    Instant at = Instant.now();
    for (int i = 0; i < groups.length; i++) {
      for (int j = i + 1; j < groups.length; j++) {
        net.partition(groups[i], groups[j]);
      }
    }
    report.fault(null, "split " + Arrays.stream(groups).map(g -> names(g).toString()).toList());
    int members = Arrays.stream(groups).mapToInt(Set::size).sum();
    Set<Integer> all = new TreeSet<>();
    Arrays.stream(groups).forEach(all::addAll);
    Set<Integer> majority = Arrays.stream(groups).filter(g -> g.size() * 2 > members).findFirst().orElse(Set.of());
    Set<Integer> downed = new TreeSet<>(all);
    downed.removeAll(majority);
    expectDowned(at, majority, downed);
  }

  /** Cuts {@code node} off from every other node (the test client and Cassandra still reach it). */
  public void isolate(int node) {
    Instant at = Instant.now();
    net.isolate(node);
    report.fault(cluster.name(node), "isolated");
    Set<Integer> rest = new TreeSet<>(cluster.nodes());
    rest.remove(node);
    expectDowned(at, rest, Set.of(node));
  }

  /** Packets from {@code from} to {@code to} are lost; the other way they pass. */
  public void oneWay(int from, int to) {
    net.oneWay(from, to);
    report.fault(cluster.name(from), "one-way loss to " + cluster.name(to));
  }

  /** SIGKILL: the node gets no chance to leave; the others must down it. */
  public void kill(int node) {
    Instant at = Instant.now();
    cluster.kill(node);
    report.fault(cluster.name(node), "killed (SIGKILL)");
    Set<Integer> rest = new TreeSet<>(cluster.nodes());
    rest.remove(node);
    rest.removeIf(n -> !cluster.isRunning(n));
    expectDowned(at, rest, Set.of(node));
  }

  /** SIGSTOP for {@code duration}, then SIGCONT (a GC pause or a frozen VM). */
  public void pause(int node, Duration duration) {
    cluster.pause(node, duration);
    report.fault(cluster.name(node), "paused (SIGSTOP) for " + duration.toSeconds() + " s");
  }

  /**
   * {@code node} loses the fraction {@code loss} of its packets to and from every other node, and
   * its outgoing packets wait {@code delay} (netem; a delay fails where the kernel has no netem).
   */
  public void degrade(int node, Duration delay, double loss) {
    net.degrade(node, delay, loss);
    report.fault(cluster.name(node), "degraded: " + Math.round(loss * 100) + " % loss" + (delay.isZero() ? "" : ", " + delay.toMillis() + " ms delay"));
  }

  /** Stops {@code node} at once (SIGKILL) and starts it again; it rejoins with its data. */
  public void restart(int node) {
    cluster.restart(node);
    report.fault(cluster.name(node), "restarted");
  }

  /** Starts one more node JVM in a namespace of its own; it joins and takes shards. */
  public int addNode() {
    int node = cluster.addNode();
    report.fault(cluster.name(node), "added");
    return node;
  }

  public void stopCassandra() {
    cassandra.stop();
    report.fault(null, "Cassandra stopped");
  }

  public void startCassandra() {
    cassandra.start();
    report.fault(null, "Cassandra started");
  }

  /** Removes every network fault. */
  public void heal() {
    net.heal();
    report.fault(null, "network healed");
  }

  /** Lets the workload run on for {@code d}. */
  public void hold(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Records what must happen after a fault at {@code at}: {@code downed} removed, {@code survivors} kept. */
  public void expectDowned(Instant at, Set<Integer> survivors, Set<Integer> downed) {
    if (expectation == null) {
      expectation = new Expectation(at, Set.copyOf(survivors), Set.copyOf(downed));
    }
  }

  /** For scenarios whose faults leave it open which side (if any) is downed. */
  public void clearExpectation() {
    expectation = null;
  }

  public Set<String> names(Set<Integer> nodes) {
    Set<String> out = new TreeSet<>();
    nodes.forEach(n -> out.add(cluster.name(n)));
    return out;
  }
}
