package io.cess.http.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code cess callback --url http://host:port/v1/buckets/B/objects/K [--expires-in 600]}: asks
 * the gateway (signed by {@code --account}, default {@code ~/.cess/account.key}) for an expiring
 * download URL of the object and prints the answer ({@code url}, {@code expiresAt}).
 */
public final class CallbackCommand {

  private static final Set<String> OPTIONS = Set.of("url", "expires-in", "account");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private CallbackCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, OPTIONS);
    String object = args.get("url");
    if (object == null || !URI.create(object).getRawPath().matches("/v1/buckets/[^/]+/objects/.+")) {
      throw new IllegalArgumentException("usage: cess callback --url http://host:port/v1/buckets/BUCKET/objects/KEY [--expires-in SECONDS]");
    }
    String expiresIn = args.get("expires-in");
    URI uri = URI.create(object + "/callback" + (expiresIn == null ? "" : "?expires-in=" + Long.parseLong(expiresIn)));
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        CliSigner.from(args.get("account")).request("POST", uri, TIMEOUT), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      System.err.println("the gateway answered " + r.statusCode() + ": " + r.body());
      return 1;
    }
    System.out.println(r.body());
    return 0;
  }
}
