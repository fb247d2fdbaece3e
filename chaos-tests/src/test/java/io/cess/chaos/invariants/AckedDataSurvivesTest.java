package io.cess.chaos.invariants;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.cess.chaos.workload.ObjectRead;
import io.cess.chaos.workload.OpKind;
import io.cess.chaos.workload.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.Test;

public class AckedDataSurvivesTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private long ids;

  private Operation op(OpKind kind, String key, long start, long end, String sha, boolean ack) {
    return new Operation(++ids, kind, 1, "b", key, T0.plusMillis(start), T0.plusMillis(end), sha, 10,
        ack ? kind.acknowledgedStatus : 503, ack ? null : "InsufficientMiners", ack, ack && kind == OpKind.PUT ? "f-" + key : null,
        null);
  }

  @Test
  public void theLastAcknowledgedWriteDecides() {
    List<Operation> ops = List.of(
        op(OpKind.PUT, "kept", 0, 10, "s1", true),
        op(OpKind.PUT, "deleted", 0, 10, "s2", true),
        op(OpKind.DELETE, "deleted", 20, 30, "s2", true),
        op(OpKind.PUT, "delete-failed", 0, 10, "s3", true),
        op(OpKind.DELETE, "delete-failed", 20, 30, "s3", false),
        op(OpKind.PUT, "put-failed", 0, 10, "s4", false),
        op(OpKind.GET, "kept", 40, 50, "s1", true));
    Map<String, ExpectedState.Expectation> e = ExpectedState.of(ops);
    assertEquals(4, e.size());
    assertEquals(Set.of("s1"), e.get("b/kept").allowed());
    assertTrue(e.get("b/kept").mustBePresent());
    assertEquals(Set.of(ExpectedState.ABSENT), e.get("b/deleted").allowed());
    assertTrue(e.get("b/deleted").mustBeAbsent());
    assertEquals(Set.of("s3", ExpectedState.ABSENT), e.get("b/delete-failed").allowed());
    assertEquals(Set.of("s4", ExpectedState.ABSENT), e.get("b/put-failed").allowed());
    assertFalse(e.get("b/put-failed").determined());
  }

  @Test
  public void overlappingAcknowledgedWritesAllowEitherOutcome() {
    // not what the workload does, but the bookkeeping must not pick a winner it cannot know
    List<Operation> ops = List.of(
        op(OpKind.PUT, "k", 0, 100, "s1", true),
        op(OpKind.DELETE, "k", 50, 60, "s1", true),
        op(OpKind.PUT, "j", 0, 10, "s1", true),
        op(OpKind.PUT, "j", 20, 30, "s2", true));
    Map<String, ExpectedState.Expectation> e = ExpectedState.of(ops);
    assertEquals(Set.of("s1", ExpectedState.ABSENT), e.get("b/k").allowed());
    assertEquals(Set.of("s2"), e.get("b/j").allowed());
  }

  @Test
  public void verdicts() {
    ExpectedState.Expectation present = new ExpectedState.Expectation("b", "k", Set.of("s1"), 1, false);
    ExpectedState.Expectation absent = new ExpectedState.Expectation("b", "k", Set.of(ExpectedState.ABSENT), 2, true);
    ExpectedState.Expectation either = new ExpectedState.Expectation("b", "k", Set.of("s1", ExpectedState.ABSENT), 1, false);
    assertEquals(AckedDataSurvives.Verdict.OK, AckedDataSurvives.judge(present, read(200, "s1")));
    assertEquals(AckedDataSurvives.Verdict.LOST, AckedDataSurvives.judge(present, read(404, null)));
    assertEquals(AckedDataSurvives.Verdict.CORRUPTED, AckedDataSurvives.judge(present, read(200, "other")));
    assertEquals(AckedDataSurvives.Verdict.UNREADABLE, AckedDataSurvives.judge(present, read(503, null)));
    assertEquals(AckedDataSurvives.Verdict.UNREADABLE, AckedDataSurvives.judge(present, read(Operation.NO_RESPONSE, null)));
    assertEquals(AckedDataSurvives.Verdict.OK, AckedDataSurvives.judge(absent, read(404, null)));
    assertEquals(AckedDataSurvives.Verdict.RESURRECTED, AckedDataSurvives.judge(absent, read(200, "s1")));
    assertEquals(AckedDataSurvives.Verdict.OK, AckedDataSurvives.judge(either, read(404, null)));
    assertEquals(AckedDataSurvives.Verdict.OK, AckedDataSurvives.judge(either, read(200, "s1")));
    assertEquals(AckedDataSurvives.Verdict.CORRUPTED, AckedDataSurvives.judge(either, read(200, "s9")));
  }

  @Test
  public void summaryCountsAndNamesTheLostKeys() {
    List<Operation> ops = new ArrayList<>(List.of(
        op(OpKind.PUT, "a", 0, 10, "s1", true),
        op(OpKind.PUT, "b", 0, 10, "s2", true),
        op(OpKind.PUT, "c", 0, 10, "s3", true),
        op(OpKind.DELETE, "c", 20, 30, "s3", true)));
    Map<String, ExpectedState.Expectation> e = ExpectedState.of(ops);
    Map<String, ObjectRead> reads = new TreeMap<>(Map.of(
        "b/a", read(200, "s1"), "b/b", read(200, "s2"), "b/c", read(404, null)));
    InvariantResult ok = AckedDataSurvives.summarize(e, reads, ops, "node1");
    assertTrue(ok.toString(), ok.passed());
    assertEquals("acknowledged 3 (deleted 1), lost 0, corrupted 0, resurrected 0, unreadable 0, "
        + "wrong bytes served during the run 0", ok.figure());

    reads.put("b/b", read(404, null));
    InvariantResult lost = AckedDataSurvives.summarize(e, reads, ops, "node1");
    assertFalse(lost.passed());
    assertTrue(lost.figure(), lost.figure().contains("lost 1"));
    assertTrue(lost.detail(), lost.detail().startsWith("b/b: LOST"));
  }

  @Test
  public void wrongBytesServedDuringTheRunFail() {
    List<Operation> ops = List.of(
        op(OpKind.PUT, "a", 0, 10, "s1", true),
        new Operation(99, OpKind.GET, 2, "b", "a", T0.plusMillis(20), T0.plusMillis(30), "s1", 10, 200, null, true, null,
            "zz"));
    InvariantResult r = AckedDataSurvives.summarize(ExpectedState.of(ops), Map.of("b/a", read(200, "s1")), ops, "node1");
    assertFalse(r.passed());
    assertTrue(r.figure(), r.figure().endsWith("wrong bytes served during the run 1"));
  }

  private static ObjectRead read(int status, String sha) {
    return new ObjectRead(status, sha, 10, status == 200 ? null : "x");
  }
}
