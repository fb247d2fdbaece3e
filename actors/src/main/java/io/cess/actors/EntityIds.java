package io.cess.actors;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.cassandra.query.javadsl.CassandraReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Source;

/**
 * The ids of every entity of one type that has journaled an event, read from the journal's
 * persistence-id listing (the walks of the repair scan, the orphan collector and ListBuckets).
 * It reads the whole listing: fine for today's clusters, a projection at scale.
 */
public final class EntityIds {

  private EntityIds() {}

  public static Source<String, NotUsed> current(ActorSystem<?> system, EntityTypeKey<?> type) {
    CassandraReadJournal journal =
        PersistenceQuery.get(akka.actor.typed.javadsl.Adapter.toClassic(system))
            .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    String prefix = type.name() + "|";
    return journal.currentPersistenceIds().filter(id -> id.startsWith(prefix)).map(id -> id.substring(prefix.length()));
  }
}
