package io.cess.http.cli;

import io.cess.core.DataSize;
import io.cess.core.Sha256;
import io.cess.core.codec.SegmentCodec;
import io.cess.core.crypto.SegmentCipher;
import io.cess.core.policy.StoragePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * {@code cess bench}: uploads and downloads generated data through a running gateway's HTTP API
 * and reports MB/s, next to the in-process pipeline (encrypt + erasure code, then decode +
 * decrypt, one thread) measured in the same run: the ratio shows what the network path costs.
 */
public final class BenchCommand {

  private static final int SEGMENT = 16 * 1024 * 1024;

  private BenchCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, Set.of("size", "url", "download-url", "policy"));
    long size = DataSize.parseBytes(args.get("size", "1GiB"));
    String url = args.get("url", "http://127.0.0.1:8081");
    String downloadUrl = args.get("download-url", url.replace(":8081", ":8082"));
    StoragePolicy policy = StoragePolicy.parse(args.get("policy", "ec:4+2"));
    String key = "bench-" + UUID.randomUUID();
    String bucket = "bench";
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    System.out.printf("cess bench: %s through %s (upload) and %s (download)%n", DataSize.format(size), url, downloadUrl);

    http.send(HttpRequest.newBuilder(URI.create(url + "/v1/buckets/" + bucket + "?policy=" + policy))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

    GeneratedStream upload = new GeneratedStream(size, 42);
    long t0 = System.nanoTime();
    HttpResponse<String> put = http.send(
        HttpRequest.newBuilder(URI.create(url + "/v1/buckets/" + bucket + "/objects/" + key))
            .timeout(Duration.ofHours(1))
            .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> upload), size))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    double upSeconds = (System.nanoTime() - t0) / 1e9;
    if (put.statusCode() != 201) {
      System.out.println("upload failed: " + put.statusCode() + " " + put.body());
      return 1;
    }
    String sent = upload.sha256();

    long t1 = System.nanoTime();
    HttpResponse<InputStream> get = http.send(
        HttpRequest.newBuilder(URI.create(downloadUrl + "/v1/buckets/" + bucket + "/objects/" + key))
            .timeout(Duration.ofHours(1)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest d = Sha256.newDigest();
    long received = 0;
    try (InputStream in = get.body()) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
        received += n;
      }
    }
    double downSeconds = (System.nanoTime() - t1) / 1e9;
    String got = Sha256.hex(d);
    http.send(HttpRequest.newBuilder(URI.create(url + "/v1/buckets/" + bucket + "/objects/" + key)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());

    double[] inProcess = inProcess(policy, Math.min(size, 256L * 1024 * 1024));
    double up = size / upSeconds / 1e6;
    double down = received / downSeconds / 1e6;
    System.out.printf(Locale.ROOT, "upload     %8.1f MB/s  (%.1f s)   ratio to in-process encode %.2f%n", up, upSeconds, up / inProcess[0]);
    System.out.printf(Locale.ROOT, "download   %8.1f MB/s  (%.1f s)   ratio to in-process decode %.2f%n", down, downSeconds, down / inProcess[1]);
    System.out.printf(Locale.ROOT, "in-process encode %.1f MB/s, decode (2 shards missing) %.1f MB/s, one thread, %s%n", inProcess[0], inProcess[1], policy);
    boolean same = sent.equals(got) && received == size;
    System.out.println(same ? "content verified: SHA-256 " + got : "CONTENT MISMATCH: sent " + sent + " got " + got + " (" + received + " bytes)");
    return same ? 0 : 1;
  }

  /** MB/s of the codec alone on this machine: {encode, decode with the first two shards lost}. */
  static double[] inProcess(StoragePolicy policy, long bytes) {
    SegmentCodec codec = new SegmentCodec(policy);
    byte[] key = SegmentCipher.newDataKey();
    byte[] segment = new byte[SEGMENT];
    new SplittableRandom(7).nextBytes(segment);
    int rounds = (int) Math.max(1, bytes / SEGMENT);
    // JIT warm-up (the JDK's AES-GCM and SHA intrinsics need many calls before they kick in)
    long warmUntil = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < warmUntil) {
      SegmentCodec.EncodedSegment w = codec.encode(key, "warm-up", 0, segment);
      codec.decode(key, "warm-up", 0, w.cipherSizeBytes(), w.plainSha256(), w.shards().stream().map(SegmentCodec.EncodedShard::bytes).toArray(byte[][]::new));
    }
    long t0 = System.nanoTime();
    SegmentCodec.EncodedSegment last = null;
    for (int i = 0; i < rounds; i++) {
      last = codec.encode(key, "bench", i, segment);
    }
    double enc = (double) rounds * SEGMENT / ((System.nanoTime() - t0) / 1e9) / 1e6;
    byte[][] shards = new byte[last.shards().size()][];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = i < Math.min(2, policy.tolerableLosses()) ? null : last.shards().get(i).bytes();
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      codec.decode(key, "bench", rounds - 1, last.cipherSizeBytes(), last.plainSha256(), shards.clone());
    }
    double dec = (double) rounds * SEGMENT / ((System.nanoTime() - t1) / 1e9) / 1e6;
    return new double[] {enc, dec};
  }

  /** {@code size} pseudo-random bytes, generated as read, hashed on the way. */
  static final class GeneratedStream extends InputStream {
    private final SplittableRandom random;
    private final MessageDigest digest = Sha256.newDigest();
    private long remaining;

    GeneratedStream(long size, long seed) {
      this.remaining = size;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      byte[] chunk = new byte[n];
      random.nextBytes(chunk);
      System.arraycopy(chunk, 0, b, off, n);
      digest.update(chunk);
      remaining -= n;
      return n;
    }

    String sha256() {
      return Sha256.hex(digest);
    }
  }
}
