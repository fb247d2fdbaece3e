package io.cess.http.cli;

import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.account.RequestSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code cess account create|show}: an account is an Ed25519 key pair kept in a key file on this
 * machine ({@code --file}, default {@code ~/.cess/account.key}, owner-only); {@code create}
 * registers its public key with a gateway, signed by the key itself. Requests made with {@code
 * --account FILE} (as {@code cess put} does) are signed with it.
 */
public final class AccountCommand {

  private static final Set<String> OPTIONS = Set.of("file", "url");

  private AccountCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    if (argv.isEmpty() || !(argv.get(0).equals("create") || argv.get(0).equals("show"))) {
      throw new IllegalArgumentException("usage: cess account create|show [--file F] [--url http://host:port]");
    }
    CliArgs args = new CliArgs(argv.subList(1, argv.size()), OPTIONS);
    Path file = Path.of(args.get("file", defaultKeyFile().toString()));
    String url = args.get("url", "http://127.0.0.1:8081");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    if (argv.get(0).equals("create")) {
      boolean existed = Files.exists(file);
      AccountKeys keys = ensureRegistered(file, url);
      System.out.println((existed ? "registered the existing key file " : "created " + "and registered ") + file
          + (existed ? "" : " (keep it: it is the account)"));
      System.out.println("account " + keys.accountId());
      return 0;
    }
    AccountKeys keys = AccountKeys.load(file);
    URI uri = URI.create(url + "/v1/accounts/" + keys.accountId());
    HttpResponse<String> r = http.send(
        sign(HttpRequest.newBuilder(uri), keys, "GET", uri, Sha256.hex(new byte[0])).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    System.out.println(r.body());
    return r.statusCode() == 200 ? 0 : 1;
  }

  /**
   * The account in {@code file} (created there first when missing), registered with the gateway
   * at {@code url}: registering the same key again is accepted, so this is safe on every start.
   */
  public static AccountKeys ensureRegistered(Path file, String url) throws IOException, InterruptedException {
    AccountKeys keys;
    if (Files.exists(file)) {
      keys = AccountKeys.load(file);
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
      keys = AccountKeys.generate();
      keys.save(file);
    }
    HttpResponse<String> r = register(keys, url);
    if (r.statusCode() != 201) {
      throw new IOException("the gateway refused to register account " + keys.accountId() + ": " + r.statusCode() + " " + r.body());
    }
    return keys;
  }

  /**
   * Registers the account of {@code keys} with the gateway at {@code url}, signed by the key it
   * registers: 201 with the account's public record (also when it was registered before).
   */
  public static HttpResponse<String> register(AccountKeys keys, String url) throws IOException, InterruptedException {
    byte[] body = ("{\"signingKey\":\"" + keys.publicKeyBase64() + "\"}").getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(url + "/v1/accounts");
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
        sign(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)), keys, "POST", uri, Sha256.hex(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Path defaultKeyFile() {
    return Path.of(System.getProperty("user.home"), ".cess", "account.key");
  }

  /** Adds the CESS-ED25519 signature headers for {@code method uri} with the body's hash. */
  static HttpRequest.Builder sign(HttpRequest.Builder b, AccountKeys keys, String method, URI uri, String contentSha256) {
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestSignature.headers(keys, method, target, contentSha256, Instant.now()).forEach(b::header);
    return b;
  }
}
