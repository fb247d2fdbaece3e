package io.cess.chaos.invariants;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * At most one writer per entity, ever: the journal proves that no entity was alive on both sides
 * of a split brain. Every event row carries the writer (the journal plugin instance of one node
 * JVM) and that writer's clock. Walking each persistence id in sequence order, a handoff
 * (A ... A B ... B) is normal; evidence of two live writers is:
 *
 * <ul>
 *   <li>{@link Kind#DUAL_WRITE}: one sequence number written by two writers (both recovered the
 *       same state and appended to it - the classic split-brain signature);
 *   <li>{@link Kind#INTERLEAVED}: A ... B ... A, a writer that was superseded writes again
 *       (akka's replay filter rejects such events; a legitimate hand-back to the same, still
 *       running JVM looks the same and is rare enough to deserve a look);
 *   <li>{@link Kind#TIME_OVERLAP}: a later sequence number stamped earlier than an event of
 *       another writer (B appended while A was still appending);
 * </ul>
 * and damage of the sequence itself: {@link Kind#DUPLICATE} (one writer, one sequence number
 * twice) and {@link Kind#GAP} (a missing sequence number between the first and last present).
 */
public final class SingleWriter {

  public static final String NAME = "SingleWriter";
  private static final int MAX_LISTED = 20;
  private static final int PAGE_SIZE = 1000;

  public enum Kind { DUAL_WRITE, INTERLEAVED, TIME_OVERLAP, DUPLICATE, GAP }

  public record Violation(String persistenceId, Kind kind, long sequenceNr, String text) {
    @Override
    public String toString() {
      return persistenceId + " " + kind + " at seq " + sequenceNr + ": " + text;
    }
  }

  /**
   * @param dualWriterIds persistence ids with evidence of two live writers (dual write,
   *     interleaving or time overlap)
   */
  public record Analysis(int persistenceIds, long rows, int writerChanges, Set<String> dualWriterIds,
      Map<Kind, Integer> counts, List<Violation> violations) {

    public String figure() {
      return "persistence ids " + persistenceIds + ", writer changes " + writerChanges + ", dual writers "
          + dualWriterIds.size() + " (dual writes " + counts.get(Kind.DUAL_WRITE) + ", interleavings "
          + counts.get(Kind.INTERLEAVED) + ", time overlaps " + counts.get(Kind.TIME_OVERLAP) + "), duplicates "
          + counts.get(Kind.DUPLICATE) + ", gaps " + counts.get(Kind.GAP);
    }

    public boolean clean() {
      return violations.isEmpty();
    }

    public InvariantResult result() {
      if (clean()) {
        return InvariantResult.pass(NAME, figure(), rows + " journal rows read");
      }
      List<String> listed = new ArrayList<>();
      for (Violation v : violations.subList(0, Math.min(MAX_LISTED, violations.size()))) {
        listed.add(v.toString());
      }
      return InvariantResult.fail(NAME, figure(),
          String.join("; ", listed) + (violations.size() > MAX_LISTED ? "; ..." : ""));
    }
  }

  private SingleWriter() {}

  /** Reads the journal of {@code keyspace} and analyses it. */
  public static InvariantResult check(CassandraSettings cassandra, String keyspace, Duration requestTimeout) {
    try (CqlSession session = ManagedCassandra.connect(cassandra, requestTimeout)) {
      return analyse(readJournal(session, keyspace, requestTimeout), Duration.ZERO).result();
    }
  }

  /** Every row of {@code keyspace.messages} (the who-and-when columns), paged. */
  public static List<JournalRow> readJournal(CqlSession session, String keyspace, Duration requestTimeout) {
    if (!keyspace.matches("[a-zA-Z][a-zA-Z0-9_]{0,47}")) {
      throw new IllegalArgumentException("not a keyspace name: '" + keyspace + "'");
    }
    SimpleStatement select = SimpleStatement.builder(
            "SELECT persistence_id, partition_nr, sequence_nr, timestamp, writer_uuid FROM " + keyspace + ".messages")
        .setPageSize(PAGE_SIZE)
        .setTimeout(requestTimeout)
        .build();
    List<JournalRow> rows = new ArrayList<>();
    for (Row r : session.execute(select)) {
      rows.add(new JournalRow(r.getString("persistence_id"), r.getLong("partition_nr"), r.getLong("sequence_nr"),
          JournalRow.instantOf(r.getUuid("timestamp")), r.getString("writer_uuid")));
    }
    return rows;
  }

  public static Analysis analyse(List<JournalRow> rows, Duration clockTolerance) {
    return analyse(rows, clockTolerance, id -> true);
  }

  /**
   * The analysis of journal rows in any order (pure).
   *
   * @param clockTolerance how far writers' clocks may disagree before a time overlap counts
   *     (zero when all nodes share one host's clock)
   * @param include which persistence ids to check
   */
  public static Analysis analyse(List<JournalRow> rows, Duration clockTolerance, Predicate<String> include) {
    Map<String, List<JournalRow>> perId = new TreeMap<>();
    for (JournalRow r : rows) {
      if (include.test(r.persistenceId())) {
        perId.computeIfAbsent(r.persistenceId(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Violation> violations = new ArrayList<>();
    Set<String> dualWriterIds = new java.util.TreeSet<>();
    int writerChanges = 0;
    long counted = 0;
    Comparator<JournalRow> order = Comparator.comparingLong(JournalRow::partitionNr)
        .thenComparingLong(JournalRow::sequenceNr).thenComparing(JournalRow::timestamp);
    for (Map.Entry<String, List<JournalRow>> e : perId.entrySet()) {
      List<JournalRow> sorted = new ArrayList<>(e.getValue());
      sorted.sort(order);
      counted += sorted.size();
      int before = violations.size();
      writerChanges += analyseOne(e.getKey(), sorted, clockTolerance, violations);
      for (Violation v : violations.subList(before, violations.size())) {
        if (v.kind() == Kind.DUAL_WRITE || v.kind() == Kind.INTERLEAVED || v.kind() == Kind.TIME_OVERLAP) {
          dualWriterIds.add(v.persistenceId());
        }
      }
    }
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      counts.put(k, 0);
    }
    violations.forEach(v -> counts.merge(v.kind(), 1, Integer::sum));
    return new Analysis(perId.size(), counted, writerChanges, dualWriterIds, counts, List.copyOf(violations));
  }

  /** One persistence id's rows in sequence order; returns its writer changes. */
  private static int analyseOne(String id, List<JournalRow> rows, Duration tolerance, List<Violation> out) {
    int changes = 0;
    Set<String> superseded = new HashSet<>();
    Map<String, Instant> latestPerWriter = new HashMap<>();
    Map<String, String> latestPerWriterSeq = new HashMap<>();
    JournalRow previous = null;
    boolean overlapReportedInRun = false;
    for (JournalRow r : rows) {
      String w = r.writerUuid();
      if (previous != null) {
        if (r.sequenceNr() == previous.sequenceNr()) {
          out.add(w.equals(previous.writerUuid())
              ? new Violation(id, Kind.DUPLICATE, r.sequenceNr(), "written twice by " + shortId(w))
              : new Violation(id, Kind.DUAL_WRITE, r.sequenceNr(),
                  "written by " + shortId(previous.writerUuid()) + " at " + previous.timestamp() + " and by "
                      + shortId(w) + " at " + r.timestamp()));
        } else if (r.sequenceNr() > previous.sequenceNr() + 1) {
          out.add(new Violation(id, Kind.GAP, previous.sequenceNr() + 1,
              "sequence jumps from " + previous.sequenceNr() + " to " + r.sequenceNr()));
        }
        if (!w.equals(previous.writerUuid())) {
          changes++;
          overlapReportedInRun = false;
          superseded.add(previous.writerUuid());
          if (superseded.contains(w)) {
            out.add(new Violation(id, Kind.INTERLEAVED, r.sequenceNr(),
                shortId(w) + " writes again after " + shortId(previous.writerUuid()) + " took over"));
          }
        }
      }
      // an event stamped before one that another writer appended earlier in sequence order;
      // reported once per run of one writer's events
      for (Map.Entry<String, Instant> other : latestPerWriter.entrySet()) {
        if (overlapReportedInRun) {
          break;
        }
        if (!other.getKey().equals(w) && r.timestamp().plus(tolerance).isBefore(other.getValue())) {
          overlapReportedInRun = true;
          out.add(new Violation(id, Kind.TIME_OVERLAP, r.sequenceNr(),
              shortId(w) + " stamped " + r.timestamp() + ", before " + shortId(other.getKey()) + "'s event at seq "
                  + latestPerWriterSeq.get(other.getKey()) + " stamped " + other.getValue()));
          break;
        }
      }
      latestPerWriter.merge(w, r.timestamp(), (a, b) -> a.isAfter(b) ? a : b);
      if (latestPerWriter.get(w).equals(r.timestamp())) {
        latestPerWriterSeq.put(w, String.valueOf(r.sequenceNr()));
      }
      previous = r;
    }
    return changes;
  }

  static String shortId(String writerUuid) {
    return writerUuid.length() > 8 ? writerUuid.substring(0, 8) : writerUuid;
  }
}
