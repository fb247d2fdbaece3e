package io.cess.chaos.invariants;

import io.cess.chaos.workload.GatewayClient;
import io.cess.chaos.workload.ObjectRead;
import io.cess.chaos.workload.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Nothing acknowledged is lost: after the scenario, through one gateway, every key reads as the
 * last acknowledged write left it (see {@link ExpectedState}) - an acknowledged upload
 * byte-identical (SHA-256), an acknowledged delete 404. Keys with writes that were not
 * acknowledged may show any of their possible outcomes but never other bytes. Downloads during
 * the run that were served with other bytes than acknowledged count as corruption too.
 */
public final class AckedDataSurvives {

  public static final String NAME = "AckedDataSurvives";
  private static final int MAX_LISTED = 20;

  /**
   * @param operationTimeout one final download
   * @param attempts reads of a key before a wrong answer counts (a gateway may still be
   *     recovering an entity right after the heal)
   * @param retryPause between attempts
   * @param parallelism downloads at once
   */
  public record Settings(Duration operationTimeout, int attempts, Duration retryPause, int parallelism) {
    public Settings {
      if (attempts < 1 || parallelism < 1) {
        throw new IllegalArgumentException("attempts and parallelism must be positive: " + attempts + ", " + parallelism);
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(60), 3, Duration.ofSeconds(2), 4);
    }
  }

  public enum Verdict { OK, LOST, CORRUPTED, RESURRECTED, UNREADABLE }

  private AckedDataSurvives() {}

  /** Reads every key the workload wrote through {@code node} and judges it. */
  public static InvariantResult check(GatewayClient client, int node, List<Operation> operations, Settings settings)
      throws InterruptedException {
    Map<String, ExpectedState.Expectation> expected = ExpectedState.of(operations);
    List<ExpectedState.Expectation> keys = new ArrayList<>(expected.values());
    List<ObjectRead> reads = Parallel.map(keys, settings.parallelism(), "acked-data-check", e -> {
      ObjectRead read = null;
      for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
        read = client.readObject(node, e.bucket(), e.key(), settings.operationTimeout());
        if (judge(e, read) == Verdict.OK || attempt == settings.attempts()) {
          break;
        }
        Thread.sleep(settings.retryPause().toMillis());
      }
      return read;
    });
    Map<String, ObjectRead> byKey = new java.util.TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byKey.put(keys.get(i).objectKey(), reads.get(i));
    }
    return summarize(expected, byKey, operations, client.gateways().name(node));
  }

  /** The verdict on one key. */
  public static Verdict judge(ExpectedState.Expectation e, ObjectRead read) {
    if (read.status() == 200) {
      if (e.allowed().contains(read.sha256())) {
        return Verdict.OK;
      }
      return e.mustBeAbsent() ? Verdict.RESURRECTED : Verdict.CORRUPTED;
    }
    if (read.status() == 404) {
      return e.allowed().contains(ExpectedState.ABSENT) ? Verdict.OK : Verdict.LOST;
    }
    return Verdict.UNREADABLE;
  }

  /** Judges the final reads (pure: unit-tested on synthetic logs). */
  public static InvariantResult summarize(Map<String, ExpectedState.Expectation> expected,
      Map<String, ObjectRead> finalReads, List<Operation> operations, String via) {
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      counts.put(v, 0);
    }
    List<String> violations = new ArrayList<>();
    int acknowledgedUploads = 0;
    int acknowledgedDeletes = 0;
    int indeterminate = 0;
    for (ExpectedState.Expectation e : expected.values()) {
      if (e.acknowledgedWrites() > 0) {
        acknowledgedUploads += e.lastAcknowledgedIsDelete() ? 0 : 1;
        acknowledgedDeletes += e.lastAcknowledgedIsDelete() ? 1 : 0;
      }
      if (!e.determined()) {
        indeterminate++;
      }
      ObjectRead read = finalReads.get(e.objectKey());
      if (read == null) {
        throw new IllegalArgumentException("no final read of " + e.objectKey());
      }
      Verdict v = judge(e, read);
      counts.merge(v, 1, Integer::sum);
      if (v != Verdict.OK && violations.size() < MAX_LISTED) {
        violations.add(e.objectKey() + ": " + v + " (expected " + describe(e) + ", GET via " + via + " gave " + read + ")");
      }
    }
    long mismatched = 0;
    for (Operation op : operations) {
      if (op.contentMismatch()) {
        mismatched++;
        if (violations.size() < MAX_LISTED) {
          violations.add(op.objectKey() + ": download via node" + op.node() + " at " + op.ended() + " served sha256 "
              + abbreviate(op.observedSha256()) + ", acknowledged " + abbreviate(op.contentSha256()));
        }
      }
    }
    int bad = counts.get(Verdict.LOST) + counts.get(Verdict.CORRUPTED) + counts.get(Verdict.RESURRECTED)
        + counts.get(Verdict.UNREADABLE);
    String figure = "acknowledged " + (acknowledgedUploads + acknowledgedDeletes) + " (deleted " + acknowledgedDeletes
        + "), lost " + counts.get(Verdict.LOST) + ", corrupted " + counts.get(Verdict.CORRUPTED)
        + ", resurrected " + counts.get(Verdict.RESURRECTED) + ", unreadable " + counts.get(Verdict.UNREADABLE)
        + ", wrong bytes served during the run " + mismatched;
    String how = expected.size() + " keys read via " + via + "; " + indeterminate
        + " with unacknowledged writes checked loosely (any possible outcome, never other bytes)";
    if (bad == 0 && mismatched == 0) {
      return InvariantResult.pass(NAME, figure, how);
    }
    return InvariantResult.fail(NAME, figure, String.join("; ", violations)
        + (bad + mismatched > violations.size() ? "; ..." : ""));
  }

  private static String describe(ExpectedState.Expectation e) {
    List<String> outcomes = new ArrayList<>();
    for (String a : e.allowed()) {
      outcomes.add(a.equals(ExpectedState.ABSENT) ? "404" : "sha256 " + abbreviate(a));
    }
    return String.join(" or ", outcomes);
  }

  static String abbreviate(String sha) {
    return sha == null ? "none" : sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
