package io.cess.http.rpc;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import com.typesafe.config.Config;
import io.cess.core.Sha256;
import io.cess.http.auth.RequestAuthenticator;
import io.cess.http.routes.ApiErrors;
import io.cess.http.routes.Json;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code POST /rpc}: JSON-RPC 2.0 ({@link JsonRpc}) with the native API's operations
 * ({@link RpcMethods}). The request is signed like every native request, and its payload hash
 * must be signed too (the body is the whole operation). Answers 200 with the response (object
 * or batch array), or 204 when the request held only notifications.
 */
public final class RpcRoutes {

  /** Limits read once from {@code cess.http.rpc}. */
  public record Settings(long maxBodyBytes, long maxContentBytes, int maxBatch, Duration bodyTimeout) {
    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("cess.http.rpc");
      Settings s = new Settings(c.getBytes("max-body"), c.getBytes("max-content"), c.getInt("max-batch"), c.getDuration("body-timeout"));
      if (s.maxBatch() < 1 || s.maxContentBytes() < 1 || s.maxBodyBytes() < s.maxContentBytes()) {
        throw new IllegalArgumentException("cess.http.rpc: max-batch and max-content must be positive and max-body at least max-content");
      }
      return s;
    }
  }

  private final JsonRpc<String> rpc;
  private final Settings settings;

  public RpcRoutes(JsonRpc<String> rpc, Settings settings) {
    this.rpc = rpc;
    this.settings = settings;
  }

  public Route route(Optional<RequestAuthenticator.Caller> caller) {
    return path("rpc", () -> post(() -> {
      if (caller.isPresent() && caller.get().contentSha256() == null) {
        return ApiErrors.complete(StatusCodes.BAD_REQUEST, "SignedPayloadRequired",
            "sign the body's SHA-256 (x-cess-content-sha256): a JSON-RPC body is the whole operation");
      }
      return extractRequestEntity(entity -> extractMaterializer(mat -> onSuccess(
          entity.withSizeLimit(settings.maxBodyBytes()).toStrict(settings.bodyTimeout().toMillis(), mat),
          strict -> {
            byte[] body = strict.getData().toArray();
            if (caller.isPresent() && !caller.get().contentSha256().equals(Sha256.hex(body))) {
              return ApiErrors.complete(StatusCodes.BAD_REQUEST, "XCessContentSHA256Mismatch",
                  "x-cess-content-sha256 must be the SHA-256 of the body");
            }
            return onSuccess(rpc.handle(caller.map(RequestAuthenticator.Caller::accountId).orElse(null), body), response -> response.isPresent()
                ? complete(StatusCodes.OK, HttpEntities.create(ContentTypes.APPLICATION_JSON, response.get().toString()))
                : complete(StatusCodes.NO_CONTENT));
          })));
    }));
  }

  /** The JSON-RPC endpoint over {@code methods}, failures mapped as the REST API maps them. */
  public static RpcRoutes of(RpcMethods methods, Settings settings) {
    return new RpcRoutes(new JsonRpc<>(Json.MAPPER, methods.table(), RpcMethods::fromFailure, settings.maxBatch()), settings);
  }
}
