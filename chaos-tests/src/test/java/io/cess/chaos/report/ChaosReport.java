package io.cess.chaos.report;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.cess.chaos.invariants.InvariantResult;
import io.cess.chaos.workload.Operation;
import io.cess.chaos.workload.OperationLog;
import io.cess.http.routes.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a scenario did and whether it held: the fault and membership timeline, the workload's
 * counters and errors, and the invariants' verdicts. {@link #write} leaves
 * {@code <root>/<scenario>-<yyyyMMdd-HHmmss>/} with {@code report.json}, {@code report.html} (a
 * self-contained timeline to read in a browser) and {@code operations.jsonl}, and prints one
 * summary line; {@link #assertAllPassed} fails the test naming every violated invariant.
 * Thread-safe: the probe and the workload record while the scenario runs.
 */
public final class ChaosReport {

  /** Consecutive workload errors of one kind on one node closer than this are one event. */
  static final Duration ERROR_RUN_GAP = Duration.ofSeconds(5);
  private static final DateTimeFormatter DIR_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final String scenario;
  private final Path root;
  private final int maxEvents;
  private final Instant startedAt;
  private Instant endedAt;
  private final List<TimelineEvent> events = new ArrayList<>();
  private long droppedEvents;
  private final List<InvariantResult> invariants = new ArrayList<>();
  private final Map<String, Object> counters = new LinkedHashMap<>();
  private List<Operation> operations = List.of();

  public ChaosReport(String scenario) {
    this(scenario, Path.of("target", "chaos"), 20_000, Instant.now());
  }

  /**
   * @param maxEvents timeline events kept; more are counted as dropped
   */
  public ChaosReport(String scenario, Path root, int maxEvents, Instant startedAt) {
    if (!scenario.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException("scenario must be a file-name-safe word, was '" + scenario + "'");
    }
    this.scenario = scenario;
    this.root = root;
    this.maxEvents = maxEvents;
    this.startedAt = startedAt;
  }

  public String scenario() {
    return scenario;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public synchronized void record(TimelineEvent event) {
    if (events.size() < maxEvents) {
      events.add(event);
    } else {
      droppedEvents++;
    }
  }

  /** A fault injected now, on {@code node} (null: on the whole cluster, e.g. a partition). */
  public void fault(String node, String text) {
    record(TimelineEvent.fault(node, text));
  }

  public void note(String text) {
    record(TimelineEvent.note(text));
  }

  /** The workload's counters, its errors (coalesced into runs) and its operations. */
  public void workload(OperationLog log) {
    List<Operation> ops = log.operations();
    OperationLog.Counters c = log.counters();
    synchronized (this) {
      operations = ops;
      counters.put("operations", c.operations());
      counters.put("perKind", c.perKind());
      counters.put("contentMismatches", c.contentMismatches());
      counters.put("logCapacity", log.capacity());
    }
    workloadErrors(ops, ERROR_RUN_GAP).forEach(this::record);
  }

  public void counter(String name, Object value) {
    synchronized (this) {
      counters.put(name, value);
    }
  }

  public void invariant(InvariantResult result) {
    synchronized (this) {
      invariants.add(result);
    }
    record(new TimelineEvent(Instant.now(), TimelineEvent.INVARIANT, null,
        (result.passed() ? "PASS " : "FAIL ") + result.name() + ": " + result.figure()));
  }

  public synchronized List<InvariantResult> invariants() {
    return List.copyOf(invariants);
  }

  public synchronized List<TimelineEvent> events() {
    List<TimelineEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(TimelineEvent::at));
    return sorted;
  }

  public synchronized boolean passed() {
    return !invariants.isEmpty() && invariants.stream().allMatch(InvariantResult::passed);
  }

  /** E.g. {@code chaos partition-3-2: FAIL 3/4 invariants held; SingleWriter FAIL (...)}. */
  public synchronized String summaryLine() {
    long held = invariants.stream().filter(InvariantResult::passed).count();
    StringBuilder b = new StringBuilder("chaos " + scenario + ": " + (passed() ? "PASS " : "FAIL ") + held + "/"
        + invariants.size() + " invariants held");
    for (InvariantResult r : invariants) {
      b.append("; ").append(r.name()).append(r.passed() ? " ok" : " FAIL").append(" (").append(r.figure()).append(')');
    }
    return b.toString();
  }

  /** Writes the report's files and prints the summary line; the directory written. */
  public Path write() throws IOException {
    Document doc;
    List<Operation> ops;
    synchronized (this) {
      if (endedAt == null) {
        endedAt = Instant.now();
      }
      doc = new Document(scenario, startedAt, endedAt, passed(), List.copyOf(invariants),
          new LinkedHashMap<>(counters), events(), droppedEvents);
      ops = operations;
    }
    Path dir = root.resolve(scenario + "-" + DIR_TIME.format(startedAt));
    Files.createDirectories(dir);
    ObjectWriter pretty = Json.MAPPER.writerWithDefaultPrettyPrinter();
    Files.writeString(dir.resolve("report.json"), pretty.writeValueAsString(doc));
    Files.writeString(dir.resolve("report.html"), ReportHtml.render(doc, ops));
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("operations.jsonl"), StandardCharsets.UTF_8)) {
      for (Operation op : ops) {
        out.write(Json.MAPPER.writeValueAsString(op));
        out.newLine();
      }
    }
    System.out.println(summaryLine() + " -- " + dir.toAbsolutePath().resolve("report.html"));
    return dir;
  }

  /**
   * Throws when an invariant was violated (or none was checked), naming each violated invariant
   * with its figure and detail.
   */
  public synchronized void assertAllPassed() {
    if (invariants.isEmpty()) {
      throw new AssertionError("chaos " + scenario + ": no invariant was checked");
    }
    List<String> failed = new ArrayList<>();
    for (InvariantResult r : invariants) {
      if (!r.passed()) {
        failed.add(r.name() + " violated: " + r.figure() + (r.detail().isEmpty() ? "" : " -- " + r.detail()));
      }
    }
    if (!failed.isEmpty()) {
      throw new AssertionError("chaos " + scenario + ": " + failed.size() + " of " + invariants.size()
          + " invariants violated:\n  " + String.join("\n  ", failed));
    }
  }

  /** The report as written to {@code report.json}. */
  public record Document(String scenario, Instant startedAt, Instant endedAt, boolean passed,
      List<InvariantResult> invariants, Map<String, Object> counters, List<TimelineEvent> events, long droppedEvents) {}

  /**
   * Failed operations as timeline events: one per run of the same operation kind and outcome on
   * one node, with the count and how long the run lasted.
   */
  static List<TimelineEvent> workloadErrors(List<Operation> ops, Duration gap) {
    List<Operation> failed = ops.stream().filter(o -> !o.acknowledged())
        .sorted(Comparator.comparing(Operation::started)).toList();
    Map<String, Run> open = new LinkedHashMap<>();
    List<Run> done = new ArrayList<>();
    for (Operation op : failed) {
      String key = op.node() + " " + op.kind() + " " + outcomeClass(op);
      Run run = open.get(key);
      if (run != null && Duration.between(run.last, op.started()).compareTo(gap) <= 0) {
        run.last = op.started();
        run.count++;
      } else {
        if (run != null) {
          done.add(run);
        }
        open.put(key, new Run(op));
      }
    }
    done.addAll(open.values());
    List<TimelineEvent> out = new ArrayList<>();
    for (Run r : done) {
      String text = r.first.kind() + " " + r.first.outcome() + (r.count > 1 ? " x" + r.count + " over "
          + String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(r.first.started(), r.last).toMillis() / 1000.0)
          : " (" + r.first.objectKey() + ")");
      out.add(new TimelineEvent(r.first.started(), TimelineEvent.WORKLOAD_ERROR, "node" + r.first.node(), text));
    }
    out.sort(Comparator.comparing(TimelineEvent::at));
    return out;
  }

  /** Status and error code; for exceptions only the type, so that messages do not split runs. */
  static String outcomeClass(Operation op) {
    if (op.status() == Operation.NO_RESPONSE) {
      String e = Objects.requireNonNullElse(op.error(), "");
      int colon = e.indexOf(':');
      return colon < 0 ? e : e.substring(0, colon);
    }
    return op.status() + " " + op.error();
  }

  private static final class Run {
    final Operation first;
    Instant last;
    int count = 1;

    Run(Operation first) {
      this.first = first;
      this.last = first.started();
    }
  }
}
