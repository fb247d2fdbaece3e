package io.cess.http;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import io.cess.actors.Guardian.NodeServices;
import io.cess.actors.gateway.CallbackLinks;
import io.cess.actors.gateway.ClusterTables;
import io.cess.actors.gateway.GatewaySettings;
import io.cess.core.crypto.SegmentCipher;
import io.cess.http.auth.RequestAuthenticator;
import io.cess.http.routes.AccountRoutes;
import io.cess.http.routes.ApiErrors;
import io.cess.http.routes.BucketRoutes;
import io.cess.http.routes.CallbackRoutes;
import io.cess.http.routes.CallbackSettings;
import io.cess.http.routes.ClusterRoutes;
import io.cess.http.routes.FileRoutes;
import io.cess.http.routes.FragmentRoutes;
import io.cess.http.routes.HealthRoutes;
import io.cess.http.routes.ObjectRoutes;
import io.cess.http.routes.TableRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a node's HTTP server: health on every node, the internal transfer endpoint on storage
 * nodes, the public API on gateways. A failed bind stops the node: it cannot serve its role.
 */
public final class HttpServer {

  private static final Duration CASSANDRA_PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration HARD_TERMINATION_DEADLINE = Duration.ofSeconds(10);

  private HttpServer() {}

  public static Route routes(ActorSystem<?> system, NodeServices services, GatewaySettings gateway) {
    List<Route> routes = new ArrayList<>();
    routes.add(new HealthRoutes(system, CASSANDRA_PROBE_TIMEOUT).route());
    if (services.fragments() != null) {
      routes.add(
          new FragmentRoutes(
                  system,
                  services.fragments(),
                  // the largest shard: a whole encrypted segment (replicas:N)
                  SegmentCipher.ciphertextLength(gateway.segmentSizeBytes()),
                  gateway.transferTimeout())
              .route());
    }
    if (services.objects() != null) {
      RequestAuthenticator auth = new RequestAuthenticator(services.accounts(), system.settings().config());
      CallbackSettings callbackSettings = CallbackSettings.fromConfig(system.settings().config());
      AccountRoutes accounts = new AccountRoutes(services.accounts(), auth);
      Route cluster = new ClusterRoutes(system, services.miners(), gateway.askTimeout()).route();
      CallbackRoutes callbacks = new CallbackRoutes(
          services.objects(),
          new CallbackLinks(services.objects(), services.masterKey(), Clock.systemUTC(), callbackSettings.maxExpiry()),
          callbackSettings,
          services.node().httpUrl());
      ObjectRoutes objects = new ObjectRoutes(services.objects(), callbacks);
      TableRoutes tables = new TableRoutes(new ClusterTables(system, services.objects(), services.accounts()));
      BucketRoutes buckets = new BucketRoutes(services.objects());
      Route files = new FileRoutes(services.objects()).route();
      // S3 first: it takes only SigV4-signed requests and leaves the rest to the native API
      routes.add(new io.cess.http.s3.S3Routes(
              services.objects(), services.accounts(), system.settings().config().getString("cess.http.s3.region"))
          .route());
      routes.add(accounts.register());
      // callback URLs carry their own credential (the token), like S3 presigned URLs
      routes.add(callbacks.open());
      // every other gateway route is behind the authenticator (signatures verified once)
      routes.add(auth.authenticate(caller -> concat(
          accounts.route(caller), cluster, buckets.route(caller.map(RequestAuthenticator.Caller::accountId)), objects.route(caller), files,
          tables.route(caller.map(RequestAuthenticator.Caller::accountId)))));
    }
    return handleRejections(
        ApiErrors.rejectionHandler(),
        () -> handleExceptions(ApiErrors.exceptionHandler(), () -> concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new))));
  }

  public static void start(ActorSystem<?> system, NodeServices services, GatewaySettings gateway) {
    String host = services.node().httpHost();
    int port = services.node().httpPort();
    Http.get(system)
        .newServerAt(host, port)
        .bind(routes(system, services, gateway))
        .whenComplete(
            (ServerBinding binding, Throwable failure) -> {
              if (failure != null) {
                system.log().error("could not bind HTTP on {}:{}: {}", host, port, failure.getMessage());
                system.terminate();
              } else {
                binding.addToCoordinatedShutdown(HARD_TERMINATION_DEADLINE, system);
                system.log().info("HTTP listening on {}", services.node().httpUrl());
              }
            });
  }
}
