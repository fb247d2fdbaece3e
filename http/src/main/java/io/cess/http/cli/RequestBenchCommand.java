package io.cess.http.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.DataSize;
import io.cess.core.Sha256;
import io.cess.core.account.AccountKeys;
import io.cess.core.s3.AmzDate;
import io.cess.core.s3.S3Request;
import io.cess.core.s3.SigV4Signer;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * {@code cess bench-requests}: small-object requests per second through the S3 API (SigV4) and
 * through the native API (signed with the account key), measured in the same run so that the two
 * read as a ratio. It registers a throw-away account and access key, PUTs {@code --count}
 * objects of {@code --object-size} with {@code --concurrency} requests in flight, GETs them back
 * (checking each body), then deletes them; after {@code --warmup} rounds, the medians of {@code
 * --runs} rounds.
 */
public final class RequestBenchCommand {

  private RequestBenchCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, Set.of("url", "count", "object-size", "concurrency", "warmup", "runs"));
    int warmup = Integer.parseInt(args.get("warmup", "1"));
    int runs = Integer.parseInt(args.get("runs", "3"));
    if (warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("--warmup must be 0 or more and --runs at least 1");
    }
    String url = args.get("url", "http://127.0.0.1:8081");
    int count = Integer.parseInt(args.get("count", "500"));
    int size = (int) DataSize.parseBytes(args.get("object-size", "4KiB"));
    int concurrency = Integer.parseInt(args.get("concurrency", "8"));
    if (count < 1 || size < 0 || concurrency < 1) {
      throw new IllegalArgumentException("--count and --concurrency must be at least 1, --object-size not negative");
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AccountKeys keys = AccountCommand.ensureRegistered(Files.createTempDirectory("cess-bench").resolve("account.key"), url);
    JsonNode key = Json.MAPPER.readTree(expect(http.send(
        nativeSigned(keys, url, "POST", "/v1/accounts/" + keys.accountId() + "/keys", new byte[0]), HttpResponse.BodyHandlers.ofString()), 201));
    SigV4Signer signer = new SigV4Signer(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText(), "us-east-1");
    String host = URI.create(url).getAuthority();
    String bucket = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    expect(http.send(s3(signer, url, host, "PUT", "/" + bucket, new byte[0]), HttpResponse.BodyHandlers.ofString()), 200);

    byte[][] bodies = new byte[count][size];
    SplittableRandom random = new SplittableRandom(17);
    for (byte[] b : bodies) {
      random.nextBytes(b);
    }
    System.out.printf("cess bench-requests: %d objects of %s, %d in flight, through %s, %d warm-up and %d measured rounds%n",
        count, DataSize.format(size), concurrency, url, warmup, runs);
    List<double[]> measured = new ArrayList<>();
    for (int round = 0; round < warmup + runs; round++) {
      String p = "r" + round + "-";
      // S3 and native alternate within a round, so that both see the same state of the cluster
      double s3Put = rate(http, count, concurrency, i -> s3(signer, url, host, "PUT", "/" + bucket + "/" + p + i, bodies[i]), 200, null);
      double nPut = rate(http, count, concurrency,
          i -> nativeSigned(keys, url, "PUT", "/v1/buckets/" + bucket + "-n/objects/" + p + i, bodies[i]), 201, null);
      double s3Get = rate(http, count, concurrency, i -> s3(signer, url, host, "GET", "/" + bucket + "/" + p + i, new byte[0]), 200, bodies);
      double nGet = rate(http, count, concurrency,
          i -> nativeSigned(keys, url, "GET", "/v1/buckets/" + bucket + "-n/objects/" + p + i, new byte[0]), 200, bodies);
      rate(http, count, concurrency, i -> s3(signer, url, host, "DELETE", "/" + bucket + "/" + p + i, new byte[0]), 204, null);
      rate(http, count, concurrency, i -> nativeSigned(keys, url, "DELETE", "/v1/buckets/" + bucket + "-n/objects/" + p + i, new byte[0]), 204, null);
      boolean warming = round < warmup;
      System.out.printf(Locale.ROOT, "%s %d: S3 PUT %.1f GET %.1f, native PUT %.1f GET %.1f req/s%n",
          warming ? "warm-up" : "round", warming ? round + 1 : round - warmup + 1, s3Put, s3Get, nPut, nGet);
      if (!warming) {
        measured.add(new double[] {s3Put, s3Get, nPut, nGet});
      }
    }
    double s3Put = median(measured, 0);
    double s3Get = median(measured, 1);
    double nPut = median(measured, 2);
    double nGet = median(measured, 3);
    System.out.printf(Locale.ROOT, "S3 API      PUT %8.1f req/s   GET %8.1f req/s   (medians)%n", s3Put, s3Get);
    System.out.printf(Locale.ROOT, "native API  PUT %8.1f req/s   GET %8.1f req/s%n", nPut, nGet);
    System.out.printf(Locale.ROOT, "ratio S3/native  PUT %.2f   GET %.2f%n", s3Put / nPut, s3Get / nGet);
    return 0;
  }

  private static double median(List<double[]> rounds, int column) {
    return BenchCommand.median(rounds.stream().mapToDouble(r -> r[column]).toArray());
  }

  /** Requests per second for {@code count} requests, {@code concurrency} at a time; every answer checked. */
  private static double rate(HttpClient http, int count, int concurrency, IntFunction<HttpRequest> request, int status, byte[][] bodies)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      int n = i;
      all.add(http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofByteArray())
          .thenAccept(r -> {
            if (r.statusCode() != status || (bodies != null && !java.util.Arrays.equals(bodies[n], r.body()))) {
              throw new IllegalStateException("request " + n + " answered " + r.statusCode() + ": "
                  + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
          })
          .whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    return count / ((System.nanoTime() - t0) / 1e9);
  }

  private static HttpRequest s3(SigV4Signer signer, String url, String host, String method, String target, byte[] body) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.put("host", host);
    headers.put("x-amz-date", AmzDate.format(Instant.now()));
    headers.put("x-amz-content-sha256", Sha256.hex(body));
    S3Request signed = signer.sign(S3Request.of(method, target, headers));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + target)).timeout(Duration.ofSeconds(60));
    signed.headers().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("host")) {
        values.forEach(v -> b.header(name, v));
      }
    });
    return b.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private static HttpRequest nativeSigned(AccountKeys keys, String url, String method, String target, byte[] body) {
    URI uri = URI.create(url + target);
    return AccountCommand.sign(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)), keys, method, uri, Sha256.hex(body))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static String expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
