package io.cess.chaos.scenario;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Every chaos scenario, by name (the order of {@code cess chaos list}). */
public final class Scenarios {

  /** Failure detection and removal beyond stable-after, on two loaded cores. */
  public static final Duration RESOLUTION_MARGIN = Duration.ofSeconds(25);

  private Scenarios() {}

  public static final List<Scenario> ALL = List.of(
      scenario("split-3-2", "5 nodes split 3 | 2: the two-node side is downed, the three-node side serves and writes", run -> {
        run.split(Set.of(1, 2, 3), Set.of(4, 5));
        run.hold(run.stableAfter().plus(RESOLUTION_MARGIN));
      }),
      scenario("split-2-2-1", "5 nodes split 2 | 2 | 1: no side has a majority, so every node is downed", run -> {
        run.split(Set.of(1, 2), Set.of(3, 4), Set.of(5));
        run.hold(run.stableAfter().plus(RESOLUTION_MARGIN));
      }),
      scenario("isolate-oldest", "the oldest node (node1, the first seed) is cut off from all others and downed", run -> {
        run.isolate(1);
        run.hold(run.stableAfter().plus(RESOLUTION_MARGIN));
      }),
      scenario("indirect", "node1 and node3 cannot see each other, both see node2: the resolver downs one of the pair", run -> {
        run.oneWay(1, 3);
        run.oneWay(3, 1);
        run.hold(run.stableAfter().plus(RESOLUTION_MARGIN));
      }),
      scenario("kill-during-upload", "kill -9 of a holder (node3) in the middle of a 48 MiB upload through node1", run -> {
        var upload = run.upload(1, "large-during-kill", 48 * 1024 * 1024, 48);
        Thread.sleep(1500);
        run.kill(3);
        int status = upload.get(ChaosRun.UPLOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        run.report().note("the upload caught by the kill answered " + status);
        run.hold(run.stableAfter().plus(RESOLUTION_MARGIN));
      }),
      scenario("pause-past-stable-after", "node4 frozen (SIGSTOP) longer than stable-after: it is downed, and stays out when it wakes", run -> {
        Duration pause = run.stableAfter().plus(RESOLUTION_MARGIN);
        java.time.Instant at = java.time.Instant.now();
        run.pause(4, pause);
        run.expectDowned(at, Set.of(1, 2, 3, 5), Set.of(4));
        run.hold(pause.plusSeconds(10));
      }),
      scenario("cassandra-down", "Cassandra stopped for 30 s during writes: nothing acknowledged is lost, writes resume", run -> {
        run.stopCassandra();
        run.hold(Duration.ofSeconds(30));
        run.startCassandra();
        run.hold(Duration.ofSeconds(20));
      }),
      scenario("flapping", "the 3 | 2 partition comes and goes every 4 s for a minute", run -> {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean first = true;
        while (System.nanoTime() < end) {
          if (first) {
            run.split(Set.of(1, 2, 3), Set.of(4, 5));
            first = false;
          } else {
            run.cluster().net().partition(Set.of(1, 2, 3), Set.of(4, 5));
            run.report().fault(null, "split again");
          }
          run.hold(Duration.ofSeconds(4));
          run.heal();
          run.hold(Duration.ofSeconds(4));
        }
        // flapping may or may not outlast stable-after: no side is expected to be downed
        run.clearExpectation();
      }),
      scenario("lossy-restart-grow", "node5 loses 10 % of its packets for 30 s, node2 restarts, then a sixth node joins", run -> {
        // 10 %: a poor link the cluster must ride out; at 30 % the reachability of node5 flaps until
        // the resolver's down-all-when-unstable downs every node (see the README)
        run.degrade(5, Duration.ZERO, 0.1);
        run.hold(Duration.ofSeconds(30));
        run.heal();
        run.restart(2);
        run.hold(Duration.ofSeconds(10));
        run.addNode();
        run.hold(Duration.ofSeconds(20));
        // no node is expected to be downed, but a loss burst may still make node5 unreachable
        run.clearExpectation();
      }));

  public static Scenario named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no chaos scenario " + name + "; the scenarios: " + names()));
  }

  public static List<String> names() {
    return ALL.stream().map(Scenario::name).toList();
  }

  interface Body {
    void run(ChaosRun run) throws Exception;
  }

  static Scenario scenario(String name, String description, Body body) {
    return new Scenario() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public void run(ChaosRun run) throws Exception {
        body.run(run);
      }
    };
  }

  /** name → description, in order (the catalog file's content). */
  public static Map<String, String> catalog() {
    Map<String, String> out = new LinkedHashMap<>();
    ALL.forEach(s -> out.put(s.name(), s.description()));
    return out;
  }
}
