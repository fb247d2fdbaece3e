package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code /health/alive}: the process answers. {@code /health/ready}: this member is Up in the
 * cluster and Cassandra answers a query, i.e. the node can take writes.
 */
public final class HealthRoutes {

  private final ActorSystem<?> system;
  private final Duration cassandraProbeTimeout;
  private final CassandraSession session;

  public HealthRoutes(ActorSystem<?> system, Duration cassandraProbeTimeout) {
    this.system = system;
    this.cassandraProbeTimeout = cassandraProbeTimeout;
    this.session =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create("alpakka.cassandra"));
  }

  public Route route() {
    return pathPrefix(
        "health",
        () ->
            concat(
                path("alive", () -> get(() -> completeOK(Map.of("status", "alive"), Json.marshaller()))),
                path("ready", () -> get(() -> onSuccess(cassandraAnswers(), this::ready)))));
  }

  private Route ready(Boolean cassandraOk) {
    MemberStatus status = Cluster.get(system).selfMember().status();
    boolean up = status.equals(MemberStatus.up());
    if (up && cassandraOk) {
      return completeOK(Map.of("status", "ready"), Json.marshaller());
    }
    String membership =
        status.equals(MemberStatus.removed()) ? "not yet a cluster member" : "cluster member is " + status;
    String why = String.join("; ", up ? "" : membership, cassandraOk ? "" : "Cassandra does not answer")
        .replaceAll("^; |; $", "");
    return ApiErrors.complete(StatusCodes.SERVICE_UNAVAILABLE, "NotReady", why);
  }

  private CompletionStage<Boolean> cassandraAnswers() {
    return session
        .selectOne("SELECT release_version FROM system.local")
        .toCompletableFuture()
        .orTimeout(cassandraProbeTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((row, e) -> e == null && row.isPresent());
  }
}
