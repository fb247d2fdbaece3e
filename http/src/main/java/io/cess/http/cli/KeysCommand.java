package io.cess.http.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code cess keys create|list|revoke}: the S3 access keys of the account in {@code --file}
 * (default {@code ~/.cess/account.key}), managed with requests signed by that account. The secret
 * of a new key is printed once, by {@code create}; the cluster keeps it only wrapped under its
 * master key and never shows it again.
 */
public final class KeysCommand {

  private static final Set<String> OPTIONS = Set.of("file", "url", "access-key");
  private static final String USAGE =
      "usage: cess keys create|list|revoke [--file ~/.cess/account.key] [--url http://127.0.0.1:8081] [--access-key ID]";

  private KeysCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    if (argv.isEmpty() || !Set.of("create", "list", "revoke").contains(argv.get(0))) {
      throw new IllegalArgumentException(USAGE);
    }
    String action = argv.get(0);
    CliArgs args = new CliArgs(argv.subList(1, argv.size()), OPTIONS);
    AccountKeys keys = AccountKeys.load(Path.of(args.get("file", AccountCommand.defaultKeyFile().toString())));
    String keysUrl = args.get("url", "http://127.0.0.1:8081") + "/v1/accounts/" + keys.accountId() + "/keys";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String emptyBodySha256 = Sha256.hex(new byte[0]);
    return switch (action) {
      case "create" -> {
        URI uri = URI.create(keysUrl);
        HttpResponse<String> r = http.send(
            AccountCommand.sign(HttpRequest.newBuilder(uri), keys, "POST", uri, emptyBodySha256)
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          yield failed(r);
        }
        JsonNode key = Json.MAPPER.readTree(r.body());
        System.out.println("access key id:     " + key.path("accessKeyId").asText());
        System.out.println("secret access key: " + key.path("secretAccessKey").asText());
        System.out.println("the secret is shown only this once: store it now (`cess keys revoke` if it leaks)");
        yield 0;
      }
      case "list" -> {
        URI uri = URI.create(keysUrl);
        HttpResponse<String> r = http.send(
            AccountCommand.sign(HttpRequest.newBuilder(uri), keys, "GET", uri, emptyBodySha256).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          yield failed(r);
        }
        JsonNode list = Json.MAPPER.readTree(r.body());
        System.out.printf("%-20s  %-8s  %-30s  %s%n", "ACCESS KEY ID", "STATUS", "CREATED", "REVOKED");
        for (JsonNode k : list) {
          System.out.printf("%-20s  %-8s  %-30s  %s%n",
              k.path("accessKeyId").asText(), k.path("status").asText(), k.path("createdAt").asText(),
              k.path("revokedAt").isNull() ? "-" : k.path("revokedAt").asText());
        }
        if (list.isEmpty()) {
          System.out.println("(no access keys: `cess keys create` mints one)");
        }
        yield 0;
      }
      default -> {
        String accessKeyId = args.get("access-key");
        if (accessKeyId == null) {
          throw new IllegalArgumentException("cess keys revoke needs --access-key ID (see `cess keys list`)");
        }
        URI uri = URI.create(keysUrl + "/" + accessKeyId);
        HttpResponse<String> r = http.send(
            AccountCommand.sign(HttpRequest.newBuilder(uri), keys, "DELETE", uri, emptyBodySha256).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          yield failed(r);
        }
        System.out.println("revoked " + accessKeyId + ": " + r.body());
        yield 0;
      }
    };
  }

  private static int failed(HttpResponse<String> r) {
    System.err.println("the gateway answered " + r.statusCode() + ": " + r.body());
    return 1;
  }
}
