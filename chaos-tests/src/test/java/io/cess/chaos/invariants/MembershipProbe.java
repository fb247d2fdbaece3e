package io.cess.chaos.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.chaos.report.TimelineEvent;
import io.cess.chaos.workload.GatewayClient;
import io.cess.chaos.workload.Gateways;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Polls {@code GET /v1/cluster} of every node every {@code pollInterval} and keeps the views, so
 * that invariants can tell when the other side of a partition was downed. Each node has its own
 * poll loop (a cut-off node that makes its poll wait {@code requestTimeout} delays nobody else);
 * nodes that {@link Gateways#nodes} lists later get theirs at the next tick, up to
 * {@code maxNodes}. A change of a node's view goes to the timeline.
 */
public final class MembershipProbe implements AutoCloseable {

  private final Gateways gateways;
  private final Duration pollInterval;
  private final Duration requestTimeout;
  private final int maxNodes;
  private final int maxObservations;
  private final Consumer<TimelineEvent> timeline;
  private final GatewayClient client;
  private final ScheduledExecutorService scheduler;
  private final Set<Integer> polled = new HashSet<>();
  private final List<MembershipObservation> observations = new ArrayList<>();
  private final Map<String, String> lastView = new HashMap<>();
  private long droppedObservations;

  /**
   * @param maxObservations kept at most; later ones are counted as dropped (at 500 ms and five
   *     nodes, 200000 cover five hours)
   */
  public MembershipProbe(Gateways gateways, Duration pollInterval, Duration requestTimeout, int maxNodes,
      int maxObservations, Consumer<TimelineEvent> timeline) {
    this.gateways = gateways;
    this.pollInterval = pollInterval;
    this.requestTimeout = requestTimeout;
    this.maxNodes = maxNodes;
    this.maxObservations = maxObservations;
    this.timeline = timeline;
    this.client = new GatewayClient(gateways, requestTimeout, 2, "membership-http");
    // one thread per node plus the tick; every node has exactly one poll scheduled at a time
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(maxNodes + 1, r -> {
      Thread t = new Thread(r, "membership-probe");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    this.scheduler = s;
  }

  /** Polls every 500 ms with a 2 s timeout, up to 16 nodes. */
  public static MembershipProbe defaults(Gateways gateways, Consumer<TimelineEvent> timeline) {
    return new MembershipProbe(gateways, Duration.ofMillis(500), Duration.ofSeconds(2), 16, 200_000, timeline);
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(this::discoverNodes, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void stop() throws InterruptedException {
    scheduler.shutdownNow();
    if (!scheduler.awaitTermination(requestTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("membership probe did not stop within its requestTimeout " + requestTimeout);
    }
    client.close();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  public synchronized List<MembershipObservation> observations() {
    return List.copyOf(observations);
  }

  public synchronized long droppedObservations() {
    return droppedObservations;
  }

  private void discoverNodes() {
    for (int node : gateways.nodes()) {
      synchronized (this) {
        if (polled.contains(node)) {
          continue;
        }
        polled.add(node);
        if (polled.size() > maxNodes) {
          // a thrown exception would only end this tick silently: the timeline says it instead
          timeline.accept(new TimelineEvent(Instant.now(), TimelineEvent.NOTE, gateways.name(node),
              "not observed: the membership probe polls at most maxNodes " + maxNodes + " nodes"));
          continue;
        }
      }
      scheduler.scheduleWithFixedDelay(() -> poll(node), 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void poll(int node) {
    String observer = gateways.name(node);
    MembershipObservation o;
    try {
      o = parse(Instant.now(), observer, client.getJson(node, "/v1/cluster/members", requestTimeout));
    } catch (TimeoutException e) {
      o = MembershipObservation.unanswered(Instant.now(), observer, "timed out after requestTimeout " + requestTimeout);
    } catch (IOException | RuntimeException e) {
      // also an answer that does not parse: the observation says so instead of the loop dying
      o = MembershipObservation.unanswered(Instant.now(), observer, GatewayClient.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    record(o);
  }

  void record(MembershipObservation o) {
    String view = o.answered() ? o.describe() : "no view";
    boolean changed;
    synchronized (this) {
      if (observations.size() < maxObservations) {
        observations.add(o);
      } else {
        droppedObservations++;
      }
      changed = !view.equals(lastView.put(o.observer(), view));
    }
    if (changed) {
      timeline.accept(new TimelineEvent(o.at(), TimelineEvent.MEMBERSHIP, o.observer(), o.describe()));
    }
  }

  /** A {@code /v1/cluster} answer as an observation (members without a node name go by address). */
  public static MembershipObservation parse(Instant at, String observer, JsonNode cluster) {
    Map<String, String> members = new TreeMap<>();
    Set<String> unreachable = new TreeSet<>();
    for (JsonNode m : cluster.path("members")) {
      String name = m.hasNonNull("node") ? m.get("node").asText() : m.path("address").asText();
      members.put(name, m.path("status").asText());
      if (!m.path("reachable").asBoolean(true)) {
        unreachable.add(name);
      }
    }
    return new MembershipObservation(at, observer, members, unreachable, null);
  }
}
