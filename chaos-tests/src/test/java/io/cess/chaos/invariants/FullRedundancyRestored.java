package io.cess.chaos.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.chaos.workload.GatewayClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * After the heal, repair brings every acknowledged file back to its policy's full redundancy:
 * {@code minimumSpare} of {@code GET /v1/files/{id}/health} equals M for {@code ec:K+M}
 * ({@code N-1} for {@code replicas:N}) within a deadline. Files not yet there are polled again
 * every {@code pollInterval}; when all are, one more pass over all confirms it.
 */
public final class FullRedundancyRestored {

  public static final String NAME = "FullRedundancyRestored";

  /**
   * @param deadline from the call (the heal) until every file must be at full redundancy
   * @param pollInterval between passes over the files still short
   * @param requestTimeout one health request
   * @param parallelism health requests at once
   */
  public record Settings(Duration deadline, Duration pollInterval, Duration requestTimeout, int parallelism) {
    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofSeconds(10), 4);
    }
  }

  /** One health answer: the spare shards of the weakest segment and what the policy asks. */
  public record Health(int minimumSpare, int expectedSpare, String error) {
    boolean full() {
      return error == null && minimumSpare >= expectedSpare;
    }

    @Override
    public String toString() {
      return error != null ? error : "spare " + minimumSpare + " of " + expectedSpare;
    }
  }

  private FullRedundancyRestored() {}

  public static InvariantResult check(GatewayClient client, int node, List<String> fileIds, Settings settings)
      throws InterruptedException {
    Instant start = Instant.now();
    Instant deadline = start.plus(settings.deadline());
    Map<String, Health> last = new LinkedHashMap<>();
    List<String> pending = new ArrayList<>(fileIds);
    while (true) {
      List<Health> round = Parallel.map(pending, settings.parallelism(), "redundancy-check",
          id -> health(client, node, id, settings.requestTimeout()));
      List<String> still = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        last.put(pending.get(i), round.get(i));
        if (!round.get(i).full()) {
          still.add(pending.get(i));
        }
      }
      pending = still;
      if (pending.isEmpty() || !Instant.now().plus(settings.pollInterval()).isBefore(deadline)) {
        break;
      }
      Thread.sleep(settings.pollInterval().toMillis());
    }
    Duration took = Duration.between(start, Instant.now());
    if (pending.isEmpty()) {
      // repair could have moved on and undone something: every file once more
      List<Health> confirm = Parallel.map(fileIds, settings.parallelism(), "redundancy-confirm",
          id -> health(client, node, id, settings.requestTimeout()));
      for (int i = 0; i < fileIds.size(); i++) {
        last.put(fileIds.get(i), confirm.get(i));
        if (!confirm.get(i).full()) {
          pending.add(fileIds.get(i));
        }
      }
    }
    return summarize(last, pending, took, settings.deadline());
  }

  static InvariantResult summarize(Map<String, Health> last, List<String> short_, Duration took, Duration deadline) {
    if (short_.isEmpty()) {
      return InvariantResult.pass(NAME, "full redundancy after " + MinorityDowned.seconds(took) + " (deadline "
          + MinorityDowned.seconds(deadline) + "), files " + last.size(), "");
    }
    List<String> listed = new ArrayList<>();
    for (String id : short_.subList(0, Math.min(20, short_.size()))) {
      listed.add(id + ": " + last.get(id));
    }
    return InvariantResult.fail(NAME, short_.size() + " of " + last.size() + " files short of full redundancy after "
        + MinorityDowned.seconds(took) + " (deadline " + MinorityDowned.seconds(deadline) + ")",
        String.join("; ", listed) + (short_.size() > listed.size() ? "; ..." : ""));
  }

  static Health health(GatewayClient client, int node, String fileId, Duration timeout) throws InterruptedException {
    try {
      JsonNode h = client.getJson(node, "/v1/files/" + fileId + "/health", timeout);
      return new Health(h.path("minimumSpare").asInt(-1), io.cess.core.policy.StoragePolicy.parse(h.path("policy").asText()).tolerableLosses(), null);
    } catch (TimeoutException e) {
      return new Health(-1, -1, "health timed out after requestTimeout " + timeout);
    } catch (IOException | IllegalArgumentException e) {
      return new Health(-1, -1, GatewayClient.describe(e));
    }
  }

  /**
   * The files to check: those of acknowledged uploads whose key no delete touched (a deleted
   * file's shards are meant to go).
   */
  public static List<String> filesToCheck(List<io.cess.chaos.workload.Operation> operations) {
    java.util.Set<String> deleteTouched = new java.util.HashSet<>();
    for (io.cess.chaos.workload.Operation op : operations) {
      if (op.kind() == io.cess.chaos.workload.OpKind.DELETE) {
        deleteTouched.add(op.objectKey());
      }
    }
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    for (io.cess.chaos.workload.Operation op : operations) {
      if (op.kind() == io.cess.chaos.workload.OpKind.PUT && op.acknowledged() && op.fileId() != null
          && !deleteTouched.contains(op.objectKey())) {
        ids.add(op.fileId());
      }
    }
    return List.copyOf(ids);
  }
}
