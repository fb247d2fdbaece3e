package io.cess.http;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.server.Route;
import io.cess.actors.Guardian.NodeServices;
import io.cess.actors.gateway.CallbackLinks;
import io.cess.actors.gateway.ClusterTables;
import io.cess.actors.gateway.GatewaySettings;
import io.cess.core.crypto.SegmentCipher;
import com.typesafe.config.Config;
import io.cess.http.auth.RequestAuthenticator;
import io.cess.http.protect.BodyPace;
import io.cess.http.protect.RateLimiter;
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
import io.cess.http.routes.OpenApiRoutes;
import io.cess.http.rpc.RpcMethods;
import io.cess.http.rpc.RpcRoutes;
import io.cess.http.routes.TableRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a node's HTTP server: health and {@code /openapi.yaml} on every node, the internal transfer endpoint on storage
 * nodes, the public API on gateways. A failed bind stops the node: it cannot serve its role.
 */
public final class HttpServer {

  private static final Duration CASSANDRA_PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration HARD_TERMINATION_DEADLINE = Duration.ofSeconds(10);

  private HttpServer() {}

  public static Route routes(ActorSystem<?> system, NodeServices services, GatewaySettings gateway) {
    List<Route> routes = new ArrayList<>();
    routes.add(new HealthRoutes(system, CASSANDRA_PROBE_TIMEOUT).route());
    // the API's own description, unauthenticated like health, on every node
    routes.add(new OpenApiRoutes().route());
    if (services.fragments() != null) {
      routes.add(
          new FragmentRoutes(
                  system,
                  services.fragments(),
                  // the largest shard: a whole encrypted segment (replicas:N)
                  SegmentCipher.ciphertextLength(gateway.segmentSizeBytes()),
                  gateway.transferTimeout(),
                  services.nodeAuth(),
                  services.node().internalMaxSkew())
              .route());
    }
    if (services.objects() != null) {
      Config config = system.settings().config();
      // request budgets are charged where the caller becomes known: after its signature is verified
      RateLimiter limiter = new RateLimiter(RateLimiter.Settings.fromConfig(config));
      BodyPace pace = new BodyPace(BodyPace.Settings.fromConfig(config));
      RequestAuthenticator auth = new RequestAuthenticator(system, services.accounts(), config, limiter);
      CallbackSettings callbackSettings = CallbackSettings.fromConfig(config);
      AccountRoutes accounts = new AccountRoutes(services.accounts(), auth);
      Route cluster = new ClusterRoutes(system, services.miners(), gateway.askTimeout()).route();
      CallbackRoutes callbacks = new CallbackRoutes(
          services.objects(),
          new CallbackLinks(services.objects(), services.masterKey(), Clock.systemUTC(), callbackSettings.maxExpiry()),
          callbackSettings,
          services.node().httpUrl());
      ObjectRoutes objects = new ObjectRoutes(services.objects(), callbacks);
      ClusterTables clusterTables = new ClusterTables(system, services.objects(), services.accounts());
      TableRoutes tables = new TableRoutes(clusterTables);
      BucketRoutes buckets = new BucketRoutes(services.objects());
      Route files = new FileRoutes(services.objects()).route();
      RpcRoutes.Settings rpcSettings = RpcRoutes.Settings.fromConfig(config);
      RpcRoutes rpc = RpcRoutes.of(
          new RpcMethods(system, services.objects(), services.accounts(), callbacks, clusterTables, rpcSettings.maxContentBytes()), rpcSettings);
      List<Route> api = new ArrayList<>();
      // S3 first: it takes only SigV4-signed requests and leaves the rest to the native API
      api.add(new io.cess.http.s3.S3Routes(
              services.objects(), services.accounts(), io.cess.http.s3.S3Settings.fromConfig(config), limiter)
          .route());
      // registration names no existing account (it is signed by the key it registers): budgeted by client address
      api.add(extractRequest(request -> request.method().equals(HttpMethods.POST) && request.getUri().path().equals("/v1/accounts")
          ? limiter.limitByClientAddress(accounts::register) : reject()));
      // callback URLs carry their own credential (the token), like S3 presigned URLs: budgeted by client address
      api.add(extractRequest(request -> request.getUri().path().startsWith("/v1/callbacks/")
          ? limiter.limitByClientAddress(callbacks::open) : reject()));
      // every other gateway route is behind the authenticator (signatures verified once)
      api.add(auth.authenticate(caller -> concat(
          accounts.route(caller), cluster, buckets.route(caller.map(RequestAuthenticator.Caller::accountId)), objects.route(caller), files,
          tables.route(caller.map(RequestAuthenticator.Caller::accountId)), rpc.route(caller))));
      // the public API's request bodies must keep a minimum pace (internal transfers have their own timeout)
      routes.add(pace.paced(() -> concat(api.get(0), api.subList(1, api.size()).toArray(Route[]::new))));
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
