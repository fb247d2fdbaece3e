package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.cess.actors.account.Account;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.core.Sha256;
import io.cess.core.account.AccountIds;
import io.cess.core.account.RequestSignature;
import io.cess.http.auth.RequestAuthenticator;
import java.time.Instant;

/**
 * {@code POST /v1/accounts} with {@code {"signingKey": "<base64 Ed25519 public key>"}}, signed by
 * that very key (proof of possession): creates the account and its server-side key pair (201).
 * {@code GET /v1/accounts/{id}}: the account's public record (the whitepaper's "get account").
 */
public final class AccountRoutes {

  /** What anyone may see of an account: never the wrapped private key. */
  public record AccountView(String accountId, String status, String signingKey, String encryptionKey, Instant createdAt) {
    static AccountView of(Account.Details d) {
      return new AccountView(d.accountId(), d.status(), d.signingKey(), d.encryptionKey(), d.createdAt());
    }
  }

  private static final long MAX_BODY_BYTES = 4096;

  private final AccountKeyring accounts;
  private final RequestAuthenticator auth;

  public AccountRoutes(AccountKeyring accounts, RequestAuthenticator auth) {
    this.accounts = accounts;
    this.auth = auth;
  }

  /** Registration: outside the authenticator, since the account does not exist yet. */
  public Route register() {
    return path(
        PathMatchers.segment("v1").slash("accounts"),
        () -> post(() -> extractRequest(request -> extractMaterializer(mat -> onSuccess(
            request.entity().withSizeLimit(MAX_BODY_BYTES).toStrict(10_000, mat), entity -> {
          byte[] body = entity.getData().toArray();
          byte[] key;
          try {
            JsonNode json = Json.MAPPER.readTree(body);
            key = AccountIds.parsePublicKey(json.path("signingKey").asText(""));
          } catch (java.io.IOException | IllegalArgumentException e) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument",
                "the body must be {\"signingKey\": \"<base64 of a 32-byte Ed25519 public key>\"}: " + e.getMessage());
          }
          RequestSignature.Parsed parsed;
          try {
            parsed = RequestSignature.parse(request.getHeader("Authorization").map(HttpHeader::value).orElse(""));
          } catch (IllegalArgumentException e) {
            return ApiErrors.complete(StatusCodes.UNAUTHORIZED, "AuthorizationHeaderMalformed",
                "registration must be signed by the key it registers: " + e.getMessage());
          }
          String claimed = request.getHeader(RequestSignature.CONTENT_SHA256_HEADER).map(HttpHeader::value).orElse("");
          if (!claimed.equals(Sha256.hex(body))) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "XCessContentSHA256Mismatch",
                "x-cess-content-sha256 must be the SHA-256 of the body");
          }
          return auth.verified(request, parsed, key)
              .map(ApiErrors::completeWith)
              .orElseGet(() -> onSuccess(
                  accounts.register(AccountIds.of(key), key),
                  created -> complete(StatusCodes.CREATED, AccountView.of(created), Json.marshaller())));
        })))));
  }

  /** Reads, behind the authenticator. */
  public Route route() {
    return path(
        PathMatchers.segment("v1").slash("accounts").slash(PathMatchers.segment()),
        id -> get(() -> {
          if (!AccountIds.isValid(id)) {
            return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidAccountId", "an account id is \"cess\" and 40 hex digits");
          }
          return onSuccess(accounts.lookup(id), d -> "active".equals(d.status())
              ? completeOK(AccountView.of(d), Json.marshaller())
              : ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchAccount", "no account " + id));
        }));
  }
}
