package io.cess.http.cli;

import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the {@code cess} commands sign their native API requests: with the account in {@code
 * --account FILE}, else the default {@code ~/.cess/account.key} when it exists ({@code cess up}
 * creates and registers it), else not at all (a gateway that requires signatures then answers
 * 401 and says how to create an account).
 *
 * @param keys the account, or null for unsigned requests
 */
public record CliSigner(AccountKeys keys) {

  /** The SHA-256 of an empty body, signed for GET, DELETE and body-less requests. */
  public static final String EMPTY_BODY_SHA256 = Sha256.hex(new byte[0]);

  public static CliSigner from(String accountOption) {
    Path file = accountOption != null ? Path.of(accountOption) : AccountCommand.defaultKeyFile();
    if (accountOption == null && !Files.exists(file)) {
      return new CliSigner(null);
    }
    try {
      return new CliSigner(AccountKeys.load(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the account key file " + file, e);
    }
  }

  /** {@code b} signed for {@code method uri} with the body's SHA-256 (or UNSIGNED-PAYLOAD). */
  public HttpRequest.Builder sign(HttpRequest.Builder b, String method, URI uri, String contentSha256) {
    return keys == null ? b : AccountCommand.sign(b, keys, method, uri, contentSha256);
  }

  /** A body-less request ({@code GET}, {@code DELETE}, {@code PUT} without body), signed. */
  public HttpRequest request(String method, URI uri, java.time.Duration timeout) {
    return sign(HttpRequest.newBuilder(uri).timeout(timeout), method, uri, EMPTY_BODY_SHA256)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
  }

  /** A streamed body that is not hashed first. */
  public HttpRequest.Builder unsignedPayload(HttpRequest.Builder b, String method, URI uri) {
    return sign(b, method, uri, RequestSignature.UNSIGNED_PAYLOAD);
  }
}
