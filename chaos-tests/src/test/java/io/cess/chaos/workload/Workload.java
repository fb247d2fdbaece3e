package io.cess.chaos.workload;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uploads, downloads and deletes through every gateway while a scenario injects faults, each
 * operation recorded in an {@link OperationLog}.
 *
 * <p>So that the expected final state is unambiguous, every upload writes a key of its own
 * (never overwritten) and a delete only removes a key whose upload was acknowledged, each key at
 * most once. Downloads read acknowledged keys and compare the bytes' SHA-256.
 *
 * <p>Lifecycle: {@link #prepare} (creates the bucket), {@link #start}, {@link #stop} (waits for
 * operations in flight, at most {@code drainTimeout}). {@code workers} threads, at most
 * {@code maxOperationsPerSecond}; nothing is queued beyond one operation per worker.
 */
public final class Workload implements AutoCloseable {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private final Gateways gateways;
  private final WorkloadSettings settings;
  private final OperationLog log;
  private final GatewayClient client;
  private final RateLimiter limiter;
  private final AcknowledgedKeys acknowledged = new AcknowledgedKeys();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong uploads = new AtomicLong();
  private final AtomicLong skippedWithoutNodes = new AtomicLong();
  private final AtomicBoolean logFull = new AtomicBoolean();
  private final String keyPrefix;
  private ExecutorService workers;
  private final List<Future<?>> loops = new ArrayList<>();

  public Workload(Gateways gateways, WorkloadSettings settings, OperationLog log) {
    this.gateways = gateways;
    this.settings = settings;
    this.log = log;
    // a worker's HTTP exchanges need a thread now and then: two per worker is plenty
    this.client = new GatewayClient(gateways, settings.connectTimeout(), 2 * settings.workers(), "workload-http");
    this.limiter = new RateLimiter(settings.maxOperationsPerSecond());
    this.keyPrefix = "k-" + Long.toHexString(settings.seed() & 0xffffffffL);
  }

  public WorkloadSettings settings() {
    return settings;
  }

  public OperationLog log() {
    return log;
  }

  /** Creates the workload's bucket (owned by the signing account) through {@code node}. */
  public void prepare(int node) throws IOException, TimeoutException, InterruptedException {
    HttpResponse<String> r = client.send(node, "PUT", "/v1/buckets/" + settings.bucket(),
        HttpRequest.BodyPublishers.noBody(), HttpResponse.BodyHandlers.ofString(), settings.operationTimeout());
    if (r.statusCode() != 200) {
      throw new IOException("creating bucket " + settings.bucket() + " via " + gateways.name(node)
          + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  public synchronized void start() {
    if (workers != null) {
      throw new IllegalStateException("the workload runs already");
    }
    running.set(true);
    workers = Executors.newFixedThreadPool(settings.workers(), GatewayClient.daemonThreads("workload"));
    for (int i = 0; i < settings.workers(); i++) {
      int index = i;
      loops.add(workers.submit(() -> {
        runWorker(index);
        return null;
      }));
    }
  }

  /**
   * Stops issuing operations and waits for those in flight. Throws when they do not finish within
   * {@code drainTimeout} or when a worker died of something other than a failed operation.
   */
  public synchronized OperationLog.Counters stop() throws InterruptedException {
    if (workers == null) {
      return log.counters();
    }
    running.set(false);
    workers.shutdown();
    boolean drained = workers.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (!drained) {
      workers.shutdownNow();
      throw new IllegalStateException("workload did not drain within drainTimeout " + settings.drainTimeout());
    }
    for (Future<?> loop : loops) {
      try {
        loop.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a workload worker failed: " + e.getCause(), e.getCause());
      }
    }
    client.close();
    return log.counters();
  }

  public boolean running() {
    return running.get();
  }

  /** True when the workload stopped early because the operation log reached its capacity. */
  public boolean stoppedByFullLog() {
    return logFull.get();
  }

  /** Operations not issued because {@link Gateways#nodes} was empty at the time. */
  public long skippedWithoutNodes() {
    return skippedWithoutNodes.get();
  }

  public OperationLog.Counters counters() {
    return log.counters();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stop();
    } finally {
      client.close();
    }
  }

  public static String objectTarget(String bucket, String key) {
    return "/v1/buckets/" + bucket + "/objects/" + key;
  }

  private void runWorker(int index) throws InterruptedException {
    SplittableRandom random = new SplittableRandom(settings.seed() ^ ((index + 1) * GOLDEN));
    while (running.get()) {
      limiter.acquire();
      if (!running.get()) {
        return;
      }
      if (log.full()) {
        logFull.set(true);
        running.set(false);
        return;
      }
      List<Integer> nodes = gateways.nodes();
      if (nodes.isEmpty()) {
        skippedWithoutNodes.incrementAndGet();
        continue;
      }
      int node = nodes.get(random.nextInt(nodes.size()));
      Operation op = next(node, random);
      if (!log.record(op)) {
        logFull.set(true);
        running.set(false);
      }
    }
  }

  private Operation next(int node, SplittableRandom random) throws InterruptedException {
    int total = settings.uploadWeight() + settings.downloadWeight() + settings.deleteWeight();
    int pick = random.nextInt(total);
    if (pick >= settings.uploadWeight() + settings.downloadWeight()) {
      AcknowledgedKeys.Key key = acknowledged.claimForDelete(random);
      if (key != null) {
        return delete(node, key);
      }
    } else if (pick >= settings.uploadWeight()) {
      AcknowledgedKeys.Key key = acknowledged.pickForRead(random);
      if (key != null) {
        return download(node, key);
      }
    }
    return upload(node, random);
  }

  private Operation upload(int node, SplittableRandom random) throws InterruptedException {
    long n = uploads.incrementAndGet();
    String key = keyPrefix + "-" + n;
    long size = random.nextDouble() < settings.largeFraction()
        ? between(random, settings.largeMinBytes(), settings.largeMaxBytes())
        : between(random, settings.smallMinBytes(), settings.smallMaxBytes());
    ObjectContent content = new ObjectContent(new SplittableRandom(settings.seed() ^ (n * GOLDEN)).nextLong(), size);
    String sha = content.sha256();
    HttpRequest.BodyPublisher body = size == 0
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(content::stream), size);
    long id = log.nextId();
    Instant started = Instant.now();
    try {
      HttpResponse<String> r = client.send(node, "PUT", objectTarget(settings.bucket(), key), body,
          HttpResponse.BodyHandlers.ofString(), settings.operationTimeout());
      boolean ack = r.statusCode() == OpKind.PUT.acknowledgedStatus;
      String fileId = null;
      String reportedSha = null;
      if (ack) {
        JsonNode answer = Json.MAPPER.readTree(r.body());
        fileId = answer.path("fileId").asText(null);
        reportedSha = answer.path("sha256").asText(null);
        acknowledged.add(new AcknowledgedKeys.Key(settings.bucket(), key, sha, size));
      }
      return new Operation(id, OpKind.PUT, node, settings.bucket(), key, started, Instant.now(), sha, size,
          r.statusCode(), ack ? null : GatewayClient.errorCode(r.body()), ack, fileId, reportedSha);
    } catch (IOException | TimeoutException e) {
      return failed(id, OpKind.PUT, node, key, started, sha, size, e);
    }
  }

  private Operation download(int node, AcknowledgedKeys.Key key) throws InterruptedException {
    long id = log.nextId();
    Instant started = Instant.now();
    ObjectRead r = client.readObject(node, key.bucket(), key.key(), settings.operationTimeout());
    return new Operation(id, OpKind.GET, node, key.bucket(), key.key(), started, Instant.now(), key.sha256(),
        r.status() == 200 ? r.sizeBytes() : key.sizeBytes(), r.status(), r.error(),
        r.status() == OpKind.GET.acknowledgedStatus, null, r.sha256());
  }

  private Operation delete(int node, AcknowledgedKeys.Key key) throws InterruptedException {
    long id = log.nextId();
    Instant started = Instant.now();
    try {
      HttpResponse<String> r = client.send(node, "DELETE", objectTarget(key.bucket(), key.key()),
          HttpRequest.BodyPublishers.noBody(), HttpResponse.BodyHandlers.ofString(), settings.operationTimeout());
      boolean ack = r.statusCode() == OpKind.DELETE.acknowledgedStatus;
      return new Operation(id, OpKind.DELETE, node, key.bucket(), key.key(), started, Instant.now(), key.sha256(),
          key.sizeBytes(), r.statusCode(), ack ? null : GatewayClient.errorCode(r.body()), ack, null, null);
    } catch (IOException | TimeoutException e) {
      return failed(id, OpKind.DELETE, node, key.key(), started, key.sha256(), key.sizeBytes(), e);
    }
  }

  private Operation failed(long id, OpKind kind, int node, String key, Instant started, String sha, long size,
      Exception e) {
    String why = e instanceof TimeoutException
        ? "timed out after operationTimeout " + settings.operationTimeout()
        : GatewayClient.describe(e);
    return new Operation(id, kind, node, settings.bucket(), key, started, Instant.now(), sha, size,
        Operation.NO_RESPONSE, why, false, null, null);
  }

  private static long between(SplittableRandom random, long min, long max) {
    return min == max ? min : random.nextLong(min, max + 1);
  }

  /** Keys whose upload was acknowledged and that no delete has claimed yet. */
  static final class AcknowledgedKeys {

    record Key(String bucket, String key, String sha256, long sizeBytes) {}

    private final List<Key> keys = new ArrayList<>();

    synchronized void add(Key key) {
      keys.add(key);
    }

    synchronized Key pickForRead(SplittableRandom random) {
      return keys.isEmpty() ? null : keys.get(random.nextInt(keys.size()));
    }

    /** Removes and returns a key: it is deleted at most once and read no more. */
    synchronized Key claimForDelete(SplittableRandom random) {
      if (keys.isEmpty()) {
        return null;
      }
      int i = random.nextInt(keys.size());
      Key k = keys.get(i);
      keys.set(i, keys.get(keys.size() - 1));
      keys.remove(keys.size() - 1);
      return k;
    }

    synchronized int size() {
      return keys.size();
    }
  }
}
