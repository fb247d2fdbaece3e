package io.cess.actors.gateway;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import io.cess.actors.EntityIds;
import io.cess.actors.account.Account;
import io.cess.actors.bucket.Bucket;
import io.cess.actors.file.File;
import io.cess.actors.miner.Miner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The whitepaper's contract-level "get table rows" over what the cluster has journaled: the
 * public records of accounts, miners, files, and the buckets the caller may read, paged by id
 * (rows with an id after {@code lower}, in id order).
 *
 * <p>Each page walks the journal's persistence ids of the table's entity type ({@link EntityIds})
 * and asks the entities after {@code lower} one by one until the page is full: fine for the
 * thousands of entities a cluster has today; at scale this wants a read-side projection.
 */
public final class ClusterTables {

  /** The most rows one page may ask for. */
  public static final int MAX_LIMIT = 1000;

  /** Rows per page when the caller does not say. */
  public static final int DEFAULT_LIMIT = 100;

  /** Entities asked at once while filling a page. */
  static final int ROW_LOOKUP_PARALLELISM = 8;

  public enum Table {
    ACCOUNTS(Account.ENTITY_KEY),
    MINERS(Miner.ENTITY_KEY),
    FILES(File.ENTITY_KEY),
    BUCKETS(Bucket.ENTITY_KEY);

    private final EntityTypeKey<?> entity;

    Table(EntityTypeKey<?> entity) {
      this.entity = entity;
    }

    /** The table's name in the API: {@code accounts}, {@code miners}, {@code files}, {@code buckets}. */
    public String apiName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Table> named(String name) {
      for (Table t : values()) {
        if (t.apiName().equals(name)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  /** A row of any table: its id orders and pages the table. */
  public sealed interface Row permits AccountRow, MinerRow, FileRow, BucketRow {
    String id();
  }

  /** An account's public record (never its wrapped key). */
  public record AccountRow(String id, String signingKey, String encryptionKey, Instant createdAt) implements Row {}

  /** A miner's journaled facts. */
  public record MinerRow(String id, String status, String nodeId, long capacityBytes, Instant firstRegisteredAt, int faults, int credit)
      implements Row {}

  /** A stored file: its size, policy, when it was stored, and the account its key is wrapped to (null: the master key). */
  public record FileRow(String id, long sizeBytes, String policy, Instant createdAt, String keyOwner) implements Row {}

  /** A bucket the caller may read: its owner (null: open to all), creation time and object count. */
  public record BucketRow(String id, String owner, Instant createdAt, int objects) implements Row {}

  /** One page; {@code next} (the last row's id) is the {@code lower} of the next page while {@code more}. */
  public record Page(String table, List<Row> rows, boolean more, String next) {}

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ObjectGateway objects;
  private final AccountKeyring accounts;
  private final Duration askTimeout;

  public ClusterTables(ActorSystem<?> system, ObjectGateway objects, AccountKeyring accounts) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.objects = objects;
    this.accounts = accounts;
    this.askTimeout = objects.settings().askTimeout();
  }

  /**
   * Up to {@code limit} rows of {@code table} with ids after {@code lower} (null: from the
   * start), as {@code caller} (null: anonymous) may see them.
   */
  public CompletionStage<Page> rows(Table table, String caller, String lower, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", was " + limit));
    }
    return EntityIds.current(system, table.entity)
        .filter(id -> lower == null || id.compareTo(lower) > 0)
        .runWith(Sink.seq(), system)
        .thenCompose(ids -> {
          List<String> sorted = new ArrayList<>(ids);
          sorted.sort(null);
          return Source.from(sorted)
              .mapAsync(ROW_LOOKUP_PARALLELISM, id -> row(table, id, caller))
              .mapConcat(found -> found.stream().toList())
              .take(limit + 1L)
              .runWith(Sink.seq(), system);
        })
        .thenApply(found -> {
          boolean more = found.size() > limit;
          List<Row> rows = List.copyOf(more ? found.subList(0, limit) : found);
          return new Page(table.apiName(), rows, more, more ? rows.get(rows.size() - 1).id() : null);
        });
  }

  /** The row of one entity; empty when it does not exist (any more) or the caller may not see it. */
  private CompletionStage<Optional<Row>> row(Table table, String id, String caller) {
    return switch (table) {
      case ACCOUNTS -> accounts.lookup(id).thenApply(a -> "active".equals(a.status())
          ? Optional.of(new AccountRow(id, a.signingKey(), a.encryptionKey(), a.createdAt()))
          : Optional.empty());
      case MINERS -> sharding.entityRefFor(Miner.ENTITY_KEY, id)
          .<Miner.MinerDetails>ask(Miner.GetMiner::new, askTimeout)
          .thenApply(m -> m.info() == null
              ? Optional.empty()
              : Optional.of(new MinerRow(id, m.status(), m.info().nodeId(), m.info().capacityBytes(), m.firstRegisteredAt(), m.faults(), m.credit())));
      case FILES -> objects.manifest(id).thenApply(found -> found.map(
          m -> new FileRow(id, m.sizeBytes(), m.policy(), m.createdAt(), m.keyOwner())));
      case BUCKETS -> objects.bucketInfo(id).thenApply(b -> b.exists() && b.allows(caller, Bucket.Access.READ)
          ? Optional.of(new BucketRow(id, b.owner(), b.createdAt(), b.objects()))
          : Optional.empty());
    };
  }
}
