package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.cess.actors.account.AccessKey;
import io.cess.actors.account.Account;
import io.cess.actors.gateway.AccountKeyring;
import io.cess.core.Sha256;
import io.cess.core.account.AccountIds;
import io.cess.core.account.RequestSignature;
import io.cess.http.auth.RequestAuthenticator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code POST /v1/accounts} with {@code {"signingKey": "<base64 Ed25519 public key>"}}, signed by
 * that very key (proof of possession): creates the account and its server-side key pair (201).
 * {@code GET /v1/accounts/{id}}: the account's public record (the whitepaper's "get account").
 * {@code POST|GET /v1/accounts/{id}/keys} and {@code DELETE /v1/accounts/{id}/keys/{accessKeyId}}
 * mint, list and revoke the account's S3 access keys; only the account itself, by a signed
 * request, may. The secret is in the answer to the POST and nowhere else.
 */
public final class AccountRoutes {

  /** What anyone may see of an account: never the wrapped private key. */
  public record AccountView(String accountId, String status, String signingKey, String encryptionKey, Instant createdAt) {
    public static AccountView of(Account.Details d) {
      return new AccountView(d.accountId(), d.status(), d.signingKey(), d.encryptionKey(), d.createdAt());
    }
  }

  /** What the owner sees of an access key: never its secret, wrapped or not. */
  public record AccessKeyView(String accessKeyId, String status, Instant createdAt, Instant revokedAt) {
    static AccessKeyView of(AccessKey.Details d) {
      return new AccessKeyView(d.accessKeyId(), d.status(), d.createdAt(), d.revokedAt());
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
          return onSuccess(auth.verified(request, parsed, key), refusal -> refusal
              .map(ApiErrors::completeWith)
              .orElseGet(() -> onSuccess(
                  accounts.register(AccountIds.of(key), key),
                  created -> complete(StatusCodes.CREATED, AccountView.of(created), Json.marshaller()))));
        })))));
  }

  /** Reads and access keys, behind the authenticator: {@code caller} is who signed the request. */
  public Route route(Optional<RequestAuthenticator.Caller> caller) {
    return pathPrefix(
        PathMatchers.segment("v1").slash("accounts").slash(PathMatchers.segment()),
        id -> concat(
            pathEnd(() -> get(() -> read(id))),
            pathPrefix("keys", () -> concat(
                pathEnd(() -> concat(
                    post(() -> asOwner(caller, id, () -> onSuccess(
                        accounts.mintAccessKey(id),
                        minted -> complete(StatusCodes.CREATED, minted, Json.marshaller())))),
                    get(() -> asOwner(caller, id, () -> onSuccess(
                        accounts.accessKeys(id),
                        keys -> completeOK(keys.stream().map(AccessKeyView::of).toList(), Json.<List<AccessKeyView>>marshaller())))))),
                path(PathMatchers.segment(), accessKeyId -> delete(() -> asOwner(caller, id, () -> onSuccess(
                    accounts.revokeAccessKey(id, accessKeyId),
                    revoked -> completeOK(AccessKeyView.of(revoked), Json.marshaller())))))))));
  }

  private Route read(String id) {
    if (!AccountIds.isValid(id)) {
      return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidAccountId", "an account id is \"cess\" and 40 hex digits");
    }
    return onSuccess(accounts.lookup(id), d -> "active".equals(d.status())
        ? completeOK(AccountView.of(d), Json.marshaller())
        : ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchAccount", "no account " + id));
  }

  /** An account's keys are its own business: only a request it signed reaches {@code inner}. */
  private static Route asOwner(Optional<RequestAuthenticator.Caller> caller, String accountId, Supplier<Route> inner) {
    if (caller.isEmpty()) {
      return ApiErrors.complete(StatusCodes.UNAUTHORIZED, "MissingAuthentication",
          "access keys are managed only by a request signed by their account (see `cess keys`)");
    }
    if (!caller.get().accountId().equals(accountId)) {
      return ApiErrors.complete(StatusCodes.FORBIDDEN, "AccessDenied",
          "account " + caller.get().accountId() + " may not manage the access keys of account " + accountId);
    }
    return inner.get();
  }
}
