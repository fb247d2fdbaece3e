package io.cess.chaos.invariants;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.typesafe.config.ConfigFactory;
import io.cess.http.cli.LocalHome;
import io.cess.persistence.cassandra.CassandraSchema;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * {@link SingleWriter} against a real journal table: a throwaway keyspace with the journal's
 * schema on the managed Cassandra, rows written as akka-persistence-cassandra writes them.
 */
public class SingleWriterIT {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

  private final CassandraSettings settings = CassandraSettings.fromConfig(ConfigFactory.load());
  private final String keyspace = "chaos_sw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private CqlSession session;
  private PreparedStatement insert;

  @Before
  public void createJournal() {
    Path work = Path.of(System.getProperty("cess.it.work-dir", "target/it")).toAbsolutePath();
    ManagedCassandra.ensureRunning(settings, new LocalHome(work).cassandra(), m -> System.out.println("cassandra: " + m));
    CassandraSchema.create(settings, keyspace);
    session = ManagedCassandra.connect(settings, REQUEST_TIMEOUT);
    insert = session.prepare("INSERT INTO " + keyspace + ".messages (persistence_id, partition_nr, sequence_nr, "
        + "timestamp, timebucket, writer_uuid, ser_id, ser_manifest, event_manifest, event) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  @After
  public void dropJournal() {
    if (session != null) {
      session.close();
    }
    CassandraSchema.drop(settings, keyspace);
  }

  @Test
  public void aCleanJournalPassesAndADualWriterIsNamed() {
    String nodeA = UUID.randomUUID().toString();
    String nodeB = UUID.randomUUID().toString();
    long t = System.currentTimeMillis() - 60_000;
    for (int seq = 1; seq <= 5; seq++) {
      write("File|one-writer", seq, t + seq * 100, nodeA);
    }
    // a handoff: node A's events, then node B's after A stopped
    for (int seq = 1; seq <= 6; seq++) {
      write("Bucket|handed-over", seq, t + seq * 100, seq <= 3 ? nodeA : nodeB);
    }

    InvariantResult clean = SingleWriter.check(settings, keyspace, REQUEST_TIMEOUT);
    assertTrue(clean.toString(), clean.passed());
    assertTrue(clean.figure(), clean.figure().startsWith("persistence ids 2, writer changes 1, dual writers 0"));
    assertEquals("11 journal rows read", clean.detail());

    // split brain: both sides recovered Bucket|split at seq 2 and appended seq 3
    write("Bucket|split", 1, t + 100, nodeA);
    write("Bucket|split", 2, t + 200, nodeA);
    write("Bucket|split", 3, t + 5_000, nodeA);
    write("Bucket|split", 3, t + 5_100, nodeB);
    write("Bucket|split", 4, t + 5_200, nodeA);

    SingleWriter.Analysis a = SingleWriter.analyse(
        SingleWriter.readJournal(session, keyspace, REQUEST_TIMEOUT), Duration.ZERO);
    assertEquals(3, a.persistenceIds());
    assertEquals(java.util.Set.of("Bucket|split"), a.dualWriterIds());
    assertEquals(1, (int) a.counts().get(SingleWriter.Kind.DUAL_WRITE));
    InvariantResult dual = SingleWriter.check(settings, keyspace, REQUEST_TIMEOUT);
    assertFalse(dual.passed());
    assertTrue(dual.figure(), dual.figure().contains("dual writers 1"));
    assertTrue(dual.detail(), dual.detail().contains("Bucket|split DUAL_WRITE at seq 3"));
  }

  private void write(String pid, long seq, long atMillis, String writer) {
    UUID timestamp = Uuids.startOf(atMillis);
    String timebucket = String.valueOf(atMillis / 3_600_000L);
    session.execute(insert.bind(pid, 0L, seq, timestamp, timebucket, writer, 1, "", "",
        ByteBuffer.wrap(new byte[] {1, 2, 3})).setTimeout(REQUEST_TIMEOUT));
  }
}
