package io.cess.chaos.report;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.chaos.invariants.InvariantResult;
import io.cess.chaos.workload.OpKind;
import io.cess.chaos.workload.Operation;
import io.cess.chaos.workload.OperationLog;
import io.cess.http.routes.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ChaosReportTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final Instant T0 = Instant.parse("2025-03-04T05:06:07Z");

  private ChaosReport report() {
    ChaosReport r = new ChaosReport("partition-3-2", tmp.getRoot().toPath(), 1000, T0);
    r.record(new TimelineEvent(T0.plusSeconds(5), TimelineEvent.FAULT, null, "partition {node1,node2,node3} | {node4,node5}"));
    r.record(new TimelineEvent(T0.plusSeconds(9), TimelineEvent.MEMBERSHIP, "node1", "node4 Down <script>alert(1)</script>"));
    r.record(new TimelineEvent(T0.plusSeconds(30), TimelineEvent.FAULT, null, "heal"));
    OperationLog log = new OperationLog(100);
    for (int i = 0; i < 6; i++) {
      Instant at = T0.plusSeconds(6 + i);
      log.record(new Operation(log.nextId(), OpKind.PUT, 4, "b", "k" + i, at, at.plusMillis(100), "s", 1, 503,
          "InsufficientMiners", false, null, null));
    }
    log.record(new Operation(log.nextId(), OpKind.PUT, 1, "b", "ok", T0.plusSeconds(7), T0.plusSeconds(8), "s", 1, 201,
        null, true, "f", "s"));
    r.workload(log);
    return r;
  }

  @Test
  public void writesJsonAndAnEscapedHtmlTimeline() throws Exception {
    ChaosReport r = report();
    r.invariant(InvariantResult.pass("SingleWriter", "persistence ids 12, writer changes 3, dual writers 0", ""));
    r.invariant(InvariantResult.fail("MinorityDowned", "minority downed after 20.0 s (limit 17.0 s)", "a & b"));
    Path dir = r.write();
    assertEquals("partition-3-2-20250304-050607", dir.getFileName().toString());

    JsonNode json = Json.MAPPER.readTree(Files.readString(dir.resolve("report.json")));
    assertEquals("partition-3-2", json.path("scenario").asText());
    assertFalse(json.path("passed").asBoolean());
    assertEquals("2025-03-04T05:06:07Z", json.path("startedAt").asText());
    assertEquals(2, json.path("invariants").size());
    assertEquals("MinorityDowned", json.path("invariants").get(1).path("name").asText());
    assertEquals(7, json.path("counters").path("operations").asInt());
    assertEquals(6, json.path("counters").path("perKind").path("PUT").path("failed").asInt());
    boolean coalesced = false;
    for (JsonNode e : json.path("events")) {
      coalesced |= e.path("kind").asText().equals("workload-error") && e.path("text").asText().equals(
          "PUT 503 InsufficientMiners x6 over 5.0 s") && e.path("node").asText().equals("node4");
    }
    assertTrue(json.path("events").toString(), coalesced);

    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("partition {node1,node2,node3} | {node4,node5}"));
    assertTrue(html.contains("node4 Down &lt;script&gt;alert(1)&lt;/script&gt;"));
    assertFalse(html.contains("<script>"));
    assertTrue(html.contains("minority downed after 20.0 s (limit 17.0 s)"));
    assertTrue(html.contains("a &amp; b"));
    assertTrue(html.contains(">FAIL<"));
    assertTrue(html.contains("<svg"));
    assertEquals(7, Files.readAllLines(dir.resolve("operations.jsonl")).size());
  }

  @Test
  public void assertAllPassedNamesEachViolatedInvariant() {
    ChaosReport r = report();
    r.invariant(InvariantResult.pass("AckedDataSurvives", "acknowledged 12, lost 0", ""));
    r.invariant(InvariantResult.fail("SingleWriter", "persistence ids 12, writer changes 3, dual writers 2",
        "Bucket|b DUAL_WRITE at seq 4"));
    r.invariant(InvariantResult.fail("MinorityDowned", "minority downed: not within the observed 30.0 s", "node1 never settled"));
    try {
      r.assertAllPassed();
      fail("two invariants were violated");
    } catch (AssertionError e) {
      String m = e.getMessage();
      assertTrue(m, m.contains("2 of 3 invariants violated"));
      assertTrue(m, m.contains("SingleWriter violated: persistence ids 12, writer changes 3, dual writers 2 -- Bucket|b DUAL_WRITE at seq 4"));
      assertTrue(m, m.contains("MinorityDowned violated"));
      assertFalse(m, m.contains("AckedDataSurvives"));
    }
    assertTrue(r.summaryLine(), r.summaryLine().startsWith("chaos partition-3-2: FAIL 1/3 invariants held"));
  }

  @Test
  public void aReportWithoutInvariantsDoesNotPass() {
    ChaosReport r = report();
    assertFalse(r.passed());
    try {
      r.assertAllPassed();
      fail();
    } catch (AssertionError e) {
      assertTrue(e.getMessage().contains("no invariant was checked"));
    }
    r.invariant(InvariantResult.pass("X", "fine", ""));
    r.assertAllPassed();
  }

  @Test
  public void errorRunsSplitOnGapsAndOutcomes() {
    Instant t = T0;
    List<Operation> ops = List.of(
        failed(1, t, 503, "InsufficientMiners"),
        failed(2, t.plusSeconds(2), 503, "InsufficientMiners"),
        failed(3, t.plusSeconds(20), 503, "InsufficientMiners"),
        failed(4, t.plusSeconds(21), Operation.NO_RESPONSE, "HttpTimeoutException: request timed out"),
        failed(5, t.plusSeconds(22), Operation.NO_RESPONSE, "HttpTimeoutException: other text"));
    List<TimelineEvent> events = ChaosReport.workloadErrors(ops, Duration.ofSeconds(5));
    assertEquals(events.toString(), 3, events.size());
    assertEquals("PUT 503 InsufficientMiners x2 over 2.0 s", events.get(0).text());
    assertEquals("PUT 503 InsufficientMiners (b/k3)", events.get(1).text());
    assertTrue(events.get(2).text(), events.get(2).text().endsWith("x2 over 1.0 s"));
  }

  private static Operation failed(long id, Instant at, int status, String error) {
    return new Operation(id, OpKind.PUT, 2, "b", "k" + id, at, at.plusMillis(10), "s", 1, status, error, false, null, null);
  }
}
