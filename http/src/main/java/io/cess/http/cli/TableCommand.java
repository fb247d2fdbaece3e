package io.cess.http.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code cess table accounts|miners|files|buckets [--lower ID] [--limit N] [--url URL]}: one page
 * of a table's rows (signed by {@code --account}, default {@code ~/.cess/account.key}), as JSON;
 * pass the answer's {@code next} as {@code --lower} for the next page.
 */
public final class TableCommand {

  private static final Set<String> OPTIONS = Set.of("url", "lower", "limit", "account");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private TableCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    if (argv.isEmpty() || argv.get(0).startsWith("--")) {
      throw new IllegalArgumentException("usage: cess table accounts|miners|files|buckets [--lower ID] [--limit N] [--url http://127.0.0.1:8081]");
    }
    CliArgs args = new CliArgs(argv.subList(1, argv.size()), OPTIONS);
    StringBuilder query = new StringBuilder("?limit=").append(Integer.parseInt(args.get("limit", "100")));
    if (args.get("lower") != null) {
      query.append("&lower=").append(URLEncoder.encode(args.get("lower"), StandardCharsets.UTF_8));
    }
    URI uri = URI.create(args.get("url", "http://127.0.0.1:8081") + "/v1/tables/"
        + URLEncoder.encode(argv.get(0), StandardCharsets.UTF_8) + query);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        CliSigner.from(args.get("account")).request("GET", uri, TIMEOUT), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      System.err.println("the gateway answered " + r.statusCode() + ": " + r.body());
      return 1;
    }
    System.out.println(r.body());
    return 0;
  }
}
