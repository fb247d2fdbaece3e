package io.cess.chaos.invariants;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.cess.chaos.workload.OpKind;
import io.cess.chaos.workload.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

/** Five nodes, partitioned {1,2,3} | {4,5} at T; observations every 500 ms. */
public class MinorityDownedTest {

  private static final Instant T = Instant.parse("2025-01-01T00:01:00Z");
  private static final Set<String> MAJORITY = Set.of("node1", "node2", "node3");
  private static final Set<String> MINORITY = Set.of("node4", "node5");
  private static final Duration LIMIT = Duration.ofSeconds(17);

  /** Survivors see the minority unreachable, then Down at +downAt, then removed; the minority exits at +exitAt. */
  private static List<MembershipObservation> partition(double downAtSeconds, double exitAtSeconds, double untilSeconds) {
    List<MembershipObservation> out = new ArrayList<>();
    for (double s = -2; s <= untilSeconds; s += 0.5) {
      Instant at = T.plusMillis((long) (s * 1000));
      for (String o : List.of("node1", "node2", "node3")) {
        Map<String, String> members = new LinkedHashMap<>();
        MAJORITY.forEach(m -> members.put(m, "Up"));
        Set<String> unreachable = Set.of();
        if (s < 1) {
          MINORITY.forEach(m -> members.put(m, "Up"));
        } else if (s < downAtSeconds) {
          MINORITY.forEach(m -> members.put(m, "Up"));
          unreachable = MINORITY;
        } else if (s < downAtSeconds + 1) {
          MINORITY.forEach(m -> members.put(m, "Down"));
          unreachable = MINORITY;
        }
        out.add(new MembershipObservation(at, o, members, unreachable, null));
      }
      for (String o : List.of("node4", "node5")) {
        if (s >= exitAtSeconds) {
          out.add(MembershipObservation.unanswered(at, o, "ConnectException"));
          continue;
        }
        Map<String, String> members = new LinkedHashMap<>();
        MAJORITY.forEach(m -> members.put(m, "Up"));
        MINORITY.forEach(m -> members.put(m, "Up"));
        out.add(new MembershipObservation(at, o, members, s < 1 ? Set.of() : MAJORITY, null));
      }
    }
    return out;
  }

  @Test
  public void minorityDownedWithinTheLimit() {
    InvariantResult r = MinorityDowned.check(partition(8.0, 9.5, 30), T, T.plusSeconds(30), MAJORITY, MINORITY, LIMIT);
    assertTrue(r.toString(), r.passed());
    assertEquals("minority downed after 9.5 s (limit 17.0 s)", r.figure());
  }

  @Test
  public void downingLaterThanTheLimitFails() {
    InvariantResult r = MinorityDowned.check(partition(20.0, 20.0, 40), T, T.plusSeconds(40), MAJORITY, MINORITY, LIMIT);
    assertFalse(r.passed());
    assertEquals("minority downed after 20.0 s (limit 17.0 s)", r.figure());
  }

  @Test
  public void sbrOffNeverDownsAndTheResultSaysWhoIsStuck() {
    // without a downing provider the minority stays Up (and unreachable) forever
    InvariantResult r = MinorityDowned.check(partition(1e9, 1e9, 30), T, T.plusSeconds(30), MAJORITY, MINORITY, LIMIT);
    assertFalse(r.passed());
    assertTrue(r.figure(), r.figure().startsWith("minority downed: not within the observed 30.0 s"));
    assertTrue(r.detail(), r.detail().contains("node1 (majority) never settled"));
    assertTrue(r.detail(), r.detail().contains("node4 (cut off) still sees itself Up"));
  }

  @Test
  public void aFlapAfterSettlingCountsFromTheLastSettling() {
    List<MembershipObservation> obs = new ArrayList<>(partition(8.0, 9.5, 30));
    // node2 briefly sees node4 Up again at +12 s
    obs.add(new MembershipObservation(T.plusSeconds(12), "node2",
        Map.of("node1", "Up", "node2", "Up", "node3", "Up", "node4", "Up"), Set.of(), null));
    obs.sort(java.util.Comparator.comparing(MembershipObservation::at));
    InvariantResult r = MinorityDowned.check(obs, T, T.plusSeconds(30), MAJORITY, MINORITY, LIMIT);
    assertTrue(r.toString(), r.passed());
    assertEquals("minority downed after 12.5 s (limit 17.0 s)", r.figure());
  }

  @Test
  public void withoutAMajorityEveryNodeMustGo() {
    Set<String> all = Set.of("node1", "node2", "node3", "node4");
    List<MembershipObservation> obs = new ArrayList<>();
    for (double s = 0; s <= 20; s += 0.5) {
      for (String o : all) {
        Instant at = T.plusMillis((long) (s * 1000));
        obs.add(s < 10 ? new MembershipObservation(at, o, Map.of(o, "Up"), Set.of(), null)
            : new MembershipObservation(at, o, Map.of(o, "Down"), Set.of(), null));
      }
    }
    InvariantResult r = MinorityDowned.check(obs, T, T.plusSeconds(20), Set.of(), all, LIMIT);
    assertTrue(r.toString(), r.passed());
    assertEquals("all nodes downed (no majority) after 10.0 s (limit 17.0 s)", r.figure());
  }

  @Test
  public void writesAcknowledgedOnTheMinorityAfterTheGraceFail() {
    List<Operation> ops = List.of(
        write(4, 1, true),    // within the grace: not counted
        write(4, 12, false),  // refused: fine
        write(1, 12, true),   // majority: fine
        write(5, 13, true),   // violation
        write(5, 70, true));  // after the heal: not counted
    InvariantResult r = MinorityDowned.writesOnMinority(ops, Set.of(4, 5), T, Duration.ofSeconds(10), T.plusSeconds(60));
    assertFalse(r.passed());
    assertEquals("writes acknowledged on the minority: 1 of 2 attempted", r.figure());
    assertTrue(r.detail(), r.detail().contains("via node5 at +13.0 s"));
    InvariantResult none = MinorityDowned.writesOnMinority(ops.subList(0, 3), Set.of(4, 5), T, Duration.ofSeconds(10),
        T.plusSeconds(60));
    assertTrue(none.passed());
  }

  private static Operation write(int node, int atSeconds, boolean ack) {
    Instant at = T.plusSeconds(atSeconds);
    return new Operation(atSeconds, OpKind.PUT, node, "b", "k" + atSeconds, at, at.plusMillis(300), "s", 1,
        ack ? 201 : 503, ack ? null : "InsufficientMiners", ack, null, null);
  }
}
