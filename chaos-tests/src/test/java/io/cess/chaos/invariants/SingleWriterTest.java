package io.cess.chaos.invariants;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class SingleWriterTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static JournalRow row(String pid, long seq, long atMillis, String writer) {
    return new JournalRow(pid, 0, seq, T0.plusMillis(atMillis), writer);
  }

  @Test
  public void oneWriterAndAHandoffAreClean() {
    List<JournalRow> rows = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      rows.add(row("File|a", i, i * 10, "A"));
      rows.add(row("File|b", i, i * 10, i <= 5 ? "A" : "B"));
    }
    Collections.shuffle(rows, new Random(7));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertTrue(a.violations().toString(), a.clean());
    assertEquals(2, a.persistenceIds());
    assertEquals(1, a.writerChanges());
    assertEquals(20, a.rows());
    assertTrue(a.result().passed());
    assertTrue(a.result().figure(), a.result().figure().startsWith("persistence ids 2, writer changes 1, dual writers 0"));
  }

  @Test
  public void bothSidesAppendingTheSameSequenceNumberIsADualWrite() {
    List<JournalRow> rows = List.of(
        row("Bucket|x", 1, 10, "A"), row("Bucket|x", 2, 20, "A"),
        row("Bucket|x", 3, 30, "A"), row("Bucket|x", 3, 31, "B"), row("Bucket|x", 4, 40, "B"));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertEquals(1, (int) a.counts().get(SingleWriter.Kind.DUAL_WRITE));
    assertEquals(java.util.Set.of("Bucket|x"), a.dualWriterIds());
    InvariantResult r = a.result();
    assertFalse(r.passed());
    assertTrue(r.figure(), r.figure().contains("dual writers 1"));
    assertTrue(r.detail(), r.detail().contains("Bucket|x DUAL_WRITE at seq 3"));
  }

  @Test
  public void aSupersededWriterWritingAgainIsInterleaved() {
    List<JournalRow> rows = List.of(
        row("p", 1, 10, "A"), row("p", 2, 20, "B"), row("p", 3, 30, "A"));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertEquals(1, (int) a.counts().get(SingleWriter.Kind.INTERLEAVED));
    assertEquals(0, (int) a.counts().get(SingleWriter.Kind.TIME_OVERLAP));
    assertEquals(2, a.writerChanges());
    assertEquals(1, a.dualWriterIds().size());
  }

  @Test
  public void aLaterSequenceNumberStampedBeforeAnotherWritersEventIsATimeOverlap() {
    // B took over at seq 4 but stamped it before A's seq 3: both were appending at once
    List<JournalRow> rows = List.of(
        row("p", 1, 10, "A"), row("p", 2, 20, "A"), row("p", 3, 50, "A"),
        row("p", 4, 40, "B"), row("p", 5, 45, "B"), row("p", 6, 60, "B"));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertEquals("reported once per run", 1, (int) a.counts().get(SingleWriter.Kind.TIME_OVERLAP));
    assertEquals(0, (int) a.counts().get(SingleWriter.Kind.INTERLEAVED));
    assertTrue(a.violations().get(0).text(), a.violations().get(0).text().contains("seq 3"));
    // within the tolerance for clocks it is not
    assertTrue(SingleWriter.analyse(rows, Duration.ofMillis(20)).clean());
  }

  @Test
  public void gapsAndDuplicatesOfOneWriter() {
    List<JournalRow> rows = List.of(
        row("p", 3, 10, "A"), row("p", 4, 20, "A"), row("p", 4, 21, "A"), row("p", 7, 30, "A"));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertEquals("a journal that starts after deleted events is fine; 4 to 7 is not", 1,
        (int) a.counts().get(SingleWriter.Kind.GAP));
    assertEquals(1, (int) a.counts().get(SingleWriter.Kind.DUPLICATE));
    assertEquals(0, a.dualWriterIds().size());
    assertFalse(a.result().passed());
  }

  @Test
  public void rowsAreOrderedByPartitionThenSequence() {
    List<JournalRow> rows = List.of(
        new JournalRow("p", 1, 3, T0.plusMillis(30), "B"),
        new JournalRow("p", 0, 1, T0.plusMillis(10), "A"),
        new JournalRow("p", 0, 2, T0.plusMillis(20), "A"));
    SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
    assertTrue(a.violations().toString(), a.clean());
    assertEquals(1, a.writerChanges());
  }

  @Test
  public void randomHandoffChainsAreCleanAndAnyInjectedDualWriteIsFound() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<JournalRow> rows = new ArrayList<>();
      int writers = 1 + random.nextInt(4);
      long seq = 0;
      long at = 0;
      for (int w = 0; w < writers; w++) {
        int events = 1 + random.nextInt(20);
        for (int i = 0; i < events; i++) {
          rows.add(row("p" + round, ++seq, at += 1 + random.nextInt(50), "W" + round + "-" + w));
        }
      }
      assertTrue(SingleWriter.analyse(rows, Duration.ZERO).clean());
      // another writer appends a sequence number that exists already
      JournalRow victim = rows.get(random.nextInt(rows.size()));
      rows.add(row(victim.persistenceId(), victim.sequenceNr(), at + 1, "intruder"));
      Collections.shuffle(rows, random);
      SingleWriter.Analysis a = SingleWriter.analyse(rows, Duration.ZERO);
      assertEquals(1, a.dualWriterIds().size());
      assertTrue(a.counts().get(SingleWriter.Kind.DUAL_WRITE) >= 1);
    }
  }

  @Test
  public void timeUuidsConvertToTheirInstant() {
    long millis = 1_735_689_600_123L;
    assertEquals(Instant.ofEpochMilli(millis), JournalRow.instantOf(Uuids.startOf(millis)));
    java.util.UUID now = Uuids.timeBased();
    assertEquals(Uuids.unixTimestamp(now), JournalRow.instantOf(now).toEpochMilli());
  }
}
