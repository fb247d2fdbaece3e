package io.cess.http.cli;

import io.cess.core.Sha256;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code cess call METHOD URL}: one signed request to the native API or JSON-RPC, as curl would
 * send it unsigned: the body from {@code --data TEXT} or {@code --data-file F} (its SHA-256
 * signed), extra {@code --header 'Name: value'}s; prints the status line and headers to stderr
 * and the body to stdout. Exits 0 for a 2xx answer, else 1.
 */
public final class CallCommand {

  private static final Set<String> OPTIONS = Set.of("data", "data-file", "header", "account", "timeout");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE");

  private CallCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    if (argv.size() < 2 || !METHODS.contains(argv.get(0))) {
      throw new IllegalArgumentException("usage: cess call GET|HEAD|PUT|POST|DELETE URL [--data TEXT | --data-file F] "
          + "[--header 'Name: value'] [--account ~/.cess/account.key]");
    }
    String method = argv.get(0);
    URI uri = URI.create(argv.get(1));
    List<String> headers = new ArrayList<>();
    List<String> rest = new ArrayList<>();
    for (int i = 2; i < argv.size(); i++) {
      if (argv.get(i).equals("--header") && i + 1 < argv.size()) {
        headers.add(argv.get(++i));
      } else {
        rest.add(argv.get(i));
      }
    }
    CliArgs args = new CliArgs(rest, OPTIONS);
    byte[] body = args.get("data-file") != null ? Files.readAllBytes(Path.of(args.get("data-file")))
        : args.get("data", "").getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(args.getInt("timeout", 300)));
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--header must be 'Name: value', was '" + h + "'");
      }
      b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
    }
    CliSigner.from(args.get("account")).sign(b, method, uri, Sha256.hex(body));
    HttpRequest request = b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<byte[]> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
        .send(request, HttpResponse.BodyHandlers.ofByteArray());
    System.err.println("HTTP " + r.statusCode());
    r.headers().map().forEach((name, values) -> values.forEach(v -> System.err.println(name + ": " + v)));
    System.out.write(r.body());
    if (r.body().length > 0 && r.body()[r.body().length - 1] != '\n' && new String(r.body(), StandardCharsets.UTF_8).startsWith("{")) {
      System.out.println();
    }
    System.out.flush();
    return r.statusCode() / 100 == 2 ? 0 : 1;
  }
}
