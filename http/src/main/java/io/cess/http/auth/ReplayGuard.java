package io.cess.http.auth;

import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.cess.core.account.ReplayCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Refuses a signed request whose signature was already used anywhere in the cluster while its
 * date is acceptable. This gateway's own {@link ReplayCache} answers repeats it saw itself
 * without a round trip; a new signature is then claimed in Cassandra with a lightweight
 * transaction ({@code INSERT ... IF NOT EXISTS}, TTL to the end of its window), so a request
 * replayed against another gateway is refused too. When Cassandra cannot answer, the request
 * fails (503): a replay is never let through for want of an answer.
 */
public final class ReplayGuard {

  private final CassandraSession session;
  private final ReplayCache local;
  private final Duration window;
  private final Clock clock;
  private final CompletionStage<PreparedStatement> claim;

  public ReplayGuard(CassandraSession session, String keyspace, ReplayCache local, Duration window, Clock clock) {
    this.session = session;
    this.local = local;
    this.window = window;
    this.clock = clock;
    this.claim = session.prepare("INSERT INTO " + keyspace + ".replay_guard (signature) VALUES (?) IF NOT EXISTS USING TTL ?");
  }

  /** Whether this is the first use of {@code signature} (dated {@code date}) in the cluster. */
  public CompletionStage<Boolean> firstUse(String signature, Instant date) {
    if (!local.firstUse(signature, date)) {
      return CompletableFuture.completedFuture(false);
    }
    long ttl = Math.max(1, Duration.between(clock.instant(), date.plus(window)).toSeconds() + 1);
    return claim
        .thenCompose(statement -> session.selectOne(statement.bind(signature, (int) Math.min(ttl, Integer.MAX_VALUE))))
        .thenApply(row -> row.map(r -> r.getBoolean("[applied]"))
            .orElseThrow(() -> new IllegalStateException("Cassandra answered a lightweight transaction without [applied]")))
        // a claim that failed (Cassandra unavailable: 503) must not make the client's retry a replay
        .whenComplete((first, failure) -> {
          if (failure != null) {
            local.forget(signature);
          }
        });
  }
}
