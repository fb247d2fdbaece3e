package io.cess.chaos.scenario;

/**
 * One chaos scenario: faults applied, through {@link ChaosRun}, to a running cluster while the
 * workload runs on every side. The suite starts the cluster before and heals, restarts and
 * checks every invariant after; a scenario only says what goes wrong and what it expects
 * (which side must be downed). To add one, implement this, register it in {@link Scenarios} and
 * add its line to {@code chaos-scenarios.tsv} (a unit test keeps the two in step).
 */
public interface Scenario {

  /** The name {@code cess chaos run} takes: lower case, words joined by '-'. */
  String name();

  /** One line for {@code cess chaos list}. */
  String description();

  /** Node JVMs started before the faults. */
  default int nodes() {
    return 5;
  }

  void run(ChaosRun run) throws Exception;
}
