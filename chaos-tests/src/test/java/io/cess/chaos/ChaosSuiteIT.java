package io.cess.chaos;

import com.typesafe.config.ConfigFactory;
import io.cess.chaos.invariants.AckedDataSurvives;
import io.cess.chaos.invariants.FullRedundancyRestored;
import io.cess.chaos.invariants.InvariantResult;
import io.cess.chaos.invariants.MembershipProbe;
import io.cess.chaos.invariants.MinorityDowned;
import io.cess.chaos.invariants.SingleWriter;
import io.cess.chaos.net.ChaosNet;
import io.cess.chaos.report.ChaosReport;
import io.cess.chaos.report.TimelineEvent;
import io.cess.chaos.scenario.ChaosRun;
import io.cess.chaos.scenario.Scenario;
import io.cess.chaos.scenario.Scenarios;
import io.cess.chaos.workload.GatewayClient;
import io.cess.chaos.workload.Gateways;
import io.cess.chaos.workload.Operation;
import io.cess.chaos.workload.OperationLog;
import io.cess.chaos.workload.Workload;
import io.cess.chaos.workload.WorkloadSettings;
import io.cess.http.cli.UpCommand;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.Assume;
import org.junit.Test;

/**
 * The chaos suite: for each scenario ({@code -Dchaos.scenarios=a,b} or {@code all}; by default
 * the CI subset), a fresh network of namespaces, its own Cassandra and node JVMs; the workload
 * and the membership probe run throughout; the scenario injects its faults; then the network
 * heals, every downed node restarts, the cluster must re-form and the workload succeed again.
 * Every invariant is checked and written to the scenario's report (JSON and HTML under
 * {@code target/chaos/}); the test fails naming each violated invariant.
 *
 * <p>{@code -Dchaos.broken=sbr-off} runs the nodes without a downing provider, a deliberately
 * broken configuration under which a partition must fail MinorityDowned.
 */
public class ChaosSuiteIT {

  /** What CI runs: the 3 | 2 split, the kill during an upload and the pause past stable-after. */
  static final List<String> CI_SUBSET = List.of("split-3-2", "kill-during-upload", "pause-past-stable-after");
  static final Duration CLUSTER_UP_TIMEOUT = Duration.ofSeconds(180);
  static final Duration REFORM_TIMEOUT = Duration.ofSeconds(180);
  /** How long the workload runs before the faults and again after the cluster re-formed. */
  static final Duration BASELINE = Duration.ofSeconds(10);
  static final Duration AFTER_RECOVERY = Duration.ofSeconds(20);
  static final Duration JOURNAL_READ_TIMEOUT = Duration.ofSeconds(30);
  /** Writes through a cut-off node are tolerated this long after the fault (in flight, undetected yet). */
  static final Duration WRITE_GRACE = Duration.ofSeconds(8);

  @Test
  public void scenarios() throws Exception {
    Assume.assumeTrue(ChaosNet.unavailableReason().orElse(""), ChaosNet.unavailableReason().isEmpty());
    String wanted = System.getProperty("chaos.scenarios", "").trim();
    List<Scenario> scenarios = wanted.isEmpty() ? CI_SUBSET.stream().map(Scenarios::named).toList()
        : wanted.equals("all") ? Scenarios.ALL
        : java.util.Arrays.stream(wanted.split(",")).map(String::trim).map(Scenarios::named).toList();
    List<String> failures = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      ChaosReport report = run(scenario, System.getProperty("chaos.broken", ""));
      if (!report.passed()) {
        try {
          report.assertAllPassed();
        } catch (AssertionError e) {
          failures.add(e.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new AssertionError(String.join("\n", failures));
    }
  }

  /** Runs one scenario to its report (written whether it passed or not). */
  public static ChaosReport run(Scenario scenario, String broken) throws Exception {
    Duration stableAfter = ConfigFactory.parseFile(UpCommand.localOverlay().toFile())
        .getDuration("akka.cluster.split-brain-resolver.stable-after");
    ChaosReport report = new ChaosReport(scenario.name() + (broken.isEmpty() ? "" : "-" + broken));
    try (ChaosNet net = ChaosNet.create(scenario.nodes())) {
      Path runDir = Path.of("target", "chaos", net.prefix()).toAbsolutePath();
      report.note("network " + net.subnetCidr() + ", node logs under " + runDir);
      try (ChaosCassandra cassandra = ChaosCassandra.start(net, runDir.resolve("cassandra"), "chaos_" + net.prefix());
           NetCluster cluster = new NetCluster(net, cassandra, runDir)) {
        if (broken.equals("sbr-off")) {
          cluster.addNodeJvmOptions(List.of("-Dakka.cluster.downing-provider-class="));
          report.note("BROKEN CONFIGURATION: no downing provider (the Split Brain Resolver is off)");
        } else if (!broken.isEmpty()) {
          throw new IllegalArgumentException("chaos.broken must be sbr-off, was " + broken);
        }
        try {
          exercise(scenario, report, net, cassandra, cluster, stableAfter, !broken.isEmpty());
        } catch (Throwable failure) {
          report.invariant(InvariantResult.fail("ScenarioCompleted", failure.getMessage() == null ? failure.toString() : failure.getMessage(),
              stackTop(failure)));
          for (int node : cluster.nodes()) {
            report.note("last lines of node" + node + ":\n" + cluster.logTail(node));
          }
        } finally {
          // the network's and the processes' own log (starts, exits, rules), each at its time
          net.faults().forEach(f -> report.record(new TimelineEvent(f.at(), TimelineEvent.NOTE, null, f.verb() + " " + f.detail())));
        }
      }
    }
    Path written = report.write();
    System.out.println("chaos report: " + written);
    return report;
  }

  private static void exercise(Scenario scenario, ChaosReport report, ChaosNet net, ChaosCassandra cassandra, NetCluster cluster,
      Duration stableAfter, boolean broken) throws Exception {
    Set<Integer> all = new TreeSet<>();
    for (int i = 1; i <= scenario.nodes(); i++) {
      all.add(i);
    }
    cluster.start(all);
    NetCluster.awaitCondition("all " + all.size() + " members Up", CLUSTER_UP_TIMEOUT, () -> cluster.upMembers(1).size() == all.size());
    report.note("cluster of " + all.size() + " nodes Up");

    Gateways gateways = new Gateways() {
      @Override
      public List<Integer> nodes() {
        return List.copyOf(cluster.nodes());
      }

      @Override
      public HttpRequest.Builder request(int node, String method, String target) {
        return cluster.request(node, method, target);
      }
    };
    String bucket = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    // content derives from the seed: a fresh one per run, so no run's objects dedupe onto another's
    WorkloadSettings settings = WorkloadSettings.defaults(bucket, UUID.randomUUID().getMostSignificantBits())
        .withSizes(1, 2 * WorkloadSettings.MIB, 16 * WorkloadSettings.MIB + 1, 24 * WorkloadSettings.MIB, 0.05);
    OperationLog log = new OperationLog(settings.logCapacity());
    MembershipProbe probe = MembershipProbe.defaults(gateways, report::record);
    try (GatewayClient client = new GatewayClient(gateways, Duration.ofSeconds(3), 4, "chaos-check");
        Workload workload = new Workload(gateways, settings, log)) {
      workload.prepare(1);
      probe.start();
      workload.start();
      Thread.sleep(BASELINE.toMillis());

      ChaosRun run = new ChaosRun(net, cassandra, cluster, report, stableAfter, log, bucket);
      report.note("scenario " + scenario.name() + ": " + scenario.description());
      scenario.run(run);
      Instant faultsEnd = Instant.now();
      // what the faults must have caused, judged before the recovery (which may itself fail)
      run.expectation().ifPresent(e -> {
        Duration limit = stableAfter.plus(Scenarios.RESOLUTION_MARGIN);
        report.invariant(MinorityDowned.check(probe.observations(), e.at(), faultsEnd,
            run.names(e.survivors()), run.names(e.downed()), limit));
        report.invariant(MinorityDowned.writesOnMinority(log.operations(), e.downed(), e.at(), WRITE_GRACE, faultsEnd));
      });
      if (broken) {
        // a broken configuration is run to see the suite fail on the faults' invariants; a cluster
        // without downing may never re-form (its quarantined members stay unreachable)
        workload.stop();
        probe.stop();
        report.workload(log);
        report.note("broken configuration: recovery and the remaining invariants skipped");
        return;
      }

      // recovery: heal, restart whatever is not running, the cluster re-forms (with any node the
      // scenario added)
      run.heal();
      all.addAll(cluster.nodes());
      Set<Integer> down = new TreeSet<>();
      for (int node : all) {
        if (!cluster.isRunning(node) || !upAccordingTo(cluster, node)) {
          down.add(node);
        }
      }
      if (!down.isEmpty()) {
        report.fault(null, "restart " + run.names(down));
        cluster.restart(down);
      }
      Instant recoveryStarted = Instant.now();
      NetCluster.awaitCondition("cluster re-formed with " + all.size() + " Up", REFORM_TIMEOUT,
          () -> all.stream().filter(cluster::isRunning).findFirst().map(n -> cluster.upMembers(n).size() == all.size()).orElse(false));
      report.counter("cluster re-formed after the heal (restarts included)", Duration.between(faultsEnd, Instant.now()).toMillis() / 1000.0 + " s");
      Instant recovered = Instant.now();
      Thread.sleep(AFTER_RECOVERY.toMillis());
      OperationLog.Counters counters = workload.stop();
      probe.stop();
      report.workload(log);
      report.counter("workload", counters.toString());
      // what the workload and the probe could not record: a full log stops the workload early
      report.counter("workload stopped by a full operation log", workload.stoppedByFullLog());
      report.counter("operations skipped without a node to send to", workload.skippedWithoutNodes());
      report.counter("membership observations dropped", probe.droppedObservations());
      List<Operation> ops = log.operations();

      report.invariant(AckedDataSurvives.check(client, 1, ops, AckedDataSurvives.Settings.defaults()));
      report.invariant(SingleWriter.check(cassandra.settings(), cassandra.keyspace(), JOURNAL_READ_TIMEOUT));
      report.invariant(FullRedundancyRestored.check(client, 1, FullRedundancyRestored.filesToCheck(ops),
          FullRedundancyRestored.Settings.defaults()));
      long ackedAfter = ops.stream().filter(o -> o.acknowledged() && o.started().isAfter(recovered)).count();
      report.invariant(ackedAfter > 0
          ? InvariantResult.pass("WorkloadRecovers", "operations acknowledged after the re-forming: " + ackedAfter,
              "from " + recovered + ", " + Duration.between(recoveryStarted, recovered).toSeconds() + " s after the restarts")
          : InvariantResult.fail("WorkloadRecovers", "operations acknowledged after the re-forming: 0",
              "nothing the workload sent in the " + AFTER_RECOVERY.toSeconds() + " s after the cluster re-formed was acknowledged"));
    } finally {
      probe.close();
    }
  }

  private static boolean upAccordingTo(NetCluster cluster, int node) {
    return cluster.upMembers(node).contains(cluster.name(node));
  }

  private static String stackTop(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement e : t.getStackTrace()) {
      if (b.length() > 800) {
        break;
      }
      b.append(e).append('\n');
    }
    return b.toString();
  }
}
