package io.cess.chaos;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.chaos.invariants.MinorityDowned;
import io.cess.chaos.net.ChaosNet;
import io.cess.chaos.report.ChaosReport;
import io.cess.chaos.scenario.Scenarios;
import org.junit.Assume;
import org.junit.Test;

/**
 * The suite can fail: the 3 | 2 split with the Split Brain Resolver turned off (no downing
 * provider) must be reported as a violation of MinorityDowned, by name.
 */
public class BrokenConfigurationIT {

  @Test
  public void withoutTheSplitBrainResolverTheSplitFailsMinorityDowned() throws Exception {
    Assume.assumeTrue(ChaosNet.unavailableReason().orElse(""), ChaosNet.unavailableReason().isEmpty());
    ChaosReport report = ChaosSuiteIT.run(Scenarios.named("split-3-2"), "sbr-off");
    assertFalse("the broken configuration passed every invariant", report.passed());
    AssertionError failure = assertThrows(AssertionError.class, report::assertAllPassed);
    System.out.println("the broken configuration failed as it must:\n" + failure.getMessage());
    assertTrue("MinorityDowned must be judged violated: " + report.invariants(), report.invariants().stream()
        .anyMatch(i -> i.name().equals(MinorityDowned.NAME) && !i.passed()));
    assertTrue(failure.getMessage(), failure.getMessage().contains(MinorityDowned.NAME + " violated"));
  }
}
