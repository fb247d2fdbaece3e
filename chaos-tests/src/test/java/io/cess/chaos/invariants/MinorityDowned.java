package io.cess.chaos.invariants;

import io.cess.chaos.workload.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * After a partition at {@code faultAt}, the Split Brain Resolver (keep-majority) leaves exactly
 * the majority side Up and downs the other side within {@code stable-after} plus a margin; with
 * no majority, it downs everybody. Judged from {@link MembershipProbe}'s observations between
 * the fault and {@code until} (the heal, before downed nodes are restarted):
 *
 * <ul>
 *   <li>each survivor's own view settles: every survivor Up and reachable, every cut-off node
 *       gone (absent, Down, Exiting or Removed), and it stays so until {@code until};
 *   <li>each cut-off node stops being a member: it answers no more (its JVM exited) or its own
 *       view no longer shows it Up, and stays so.
 * </ul>
 * The time to down is the latest of these moments after the fault. A node the probe could not
 * reach during the whole window counts as stopped from the fault on (the detail says so): the
 * companion check {@link #writesOnMinority} covers what matters about it, acknowledged writes.
 */
public final class MinorityDowned {

  public static final String NAME = "MinorityDowned";
  public static final String WRITES_NAME = "MinorityRefusesWrites";

  private MinorityDowned() {}

  /**
   * @param survivors the majority side's member names; empty when no side has a majority
   * @param cutOff the other side's member names (with no majority: all members)
   * @param limit {@code stable-after} plus a margin
   */
  public static InvariantResult check(List<MembershipObservation> observations, Instant faultAt, Instant until,
      Set<String> survivors, Set<String> cutOff, Duration limit) {
    Map<String, List<MembershipObservation>> perObserver = new TreeMap<>();
    for (MembershipObservation o : observations) {
      if (!o.at().isBefore(faultAt) && !o.at().isAfter(until)) {
        perObserver.computeIfAbsent(o.observer(), k -> new ArrayList<>()).add(o);
      }
    }
    perObserver.values().forEach(l -> l.sort(java.util.Comparator.comparing(MembershipObservation::at)));
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Instant latest = faultAt;
    for (String s : survivors) {
      List<MembershipObservation> answered = perObserver.getOrDefault(s, List.of()).stream()
          .filter(MembershipObservation::answered).toList();
      Instant settledAt = settledSince(answered, o -> settled(o, survivors, cutOff));
      if (settledAt == null) {
        MembershipObservation last = answered.isEmpty() ? null : answered.get(answered.size() - 1);
        problems.add(s + " (majority) never settled" + (last == null ? ": it gave no view after the fault"
            : "; its last view at +" + seconds(Duration.between(faultAt, last.at())) + ": " + last.describe()));
      } else if (settledAt.isAfter(latest)) {
        latest = settledAt;
      }
    }
    for (String c : cutOff) {
      List<MembershipObservation> own = perObserver.getOrDefault(c, List.of());
      if (own.stream().noneMatch(MembershipObservation::answered)) {
        notes.add(c + " gave no view after the fault");
        continue;
      }
      Instant outSince = settledSince(own, o -> !o.answered() || !o.seesUp(c));
      if (outSince == null) {
        MembershipObservation last = own.get(own.size() - 1);
        problems.add(c + " (cut off) still sees itself Up at +" + seconds(Duration.between(faultAt, last.at()))
            + ": " + last.describe());
      } else if (outSince.isAfter(latest)) {
        latest = outSince;
      }
    }
    Duration took = Duration.between(faultAt, latest);
    String what = survivors.isEmpty() ? "all nodes downed (no majority)" : "minority downed";
    if (!problems.isEmpty()) {
      return InvariantResult.fail(NAME, what + ": not within the observed " + seconds(Duration.between(faultAt, until))
          + " (limit " + seconds(limit) + ")", String.join("; ", problems));
    }
    String figure = what + " after " + seconds(took) + " (limit " + seconds(limit) + ")";
    String detail = "survivors " + survivors + ", cut off " + cutOff + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    return took.compareTo(limit) <= 0 ? InvariantResult.pass(NAME, figure, detail) : InvariantResult.fail(NAME, figure, detail);
  }

  /**
   * No write acknowledged through a cut-off node from {@code faultAt + grace} until
   * {@code until}: a downed or isolated gateway must refuse writes rather than acknowledge what
   * the majority never sees.
   */
  public static InvariantResult writesOnMinority(List<Operation> operations, Set<Integer> cutOffNodes,
      Instant faultAt, Duration grace, Instant until) {
    Instant from = faultAt.plus(grace);
    List<String> acked = new ArrayList<>();
    int count = 0;
    int attempted = 0;
    for (Operation op : operations) {
      if (!op.kind().writes() || !cutOffNodes.contains(op.node()) || op.started().isBefore(from)
          || !op.started().isBefore(until)) {
        continue;
      }
      attempted++;
      if (op.acknowledged()) {
        count++;
        if (acked.size() < 20) {
          acked.add(op.kind() + " " + op.objectKey() + " via node" + op.node() + " at +"
              + seconds(Duration.between(faultAt, op.started())));
        }
      }
    }
    String figure = "writes acknowledged on the minority: " + count + " of " + attempted + " attempted";
    if (count == 0) {
      return InvariantResult.pass(WRITES_NAME, figure, "writes through " + cutOffNodes + " started from the fault + "
          + seconds(grace) + " until the heal");
    }
    return InvariantResult.fail(WRITES_NAME, figure, String.join("; ", acked) + (count > acked.size() ? "; ..." : ""));
  }

  /** The first moment from which every later observation satisfies the condition, else null. */
  static Instant settledSince(List<MembershipObservation> inOrder, java.util.function.Predicate<MembershipObservation> ok) {
    Instant since = null;
    for (MembershipObservation o : inOrder) {
      if (ok.test(o)) {
        if (since == null) {
          since = o.at();
        }
      } else {
        since = null;
      }
    }
    return since;
  }

  static boolean settled(MembershipObservation o, Set<String> survivors, Set<String> cutOff) {
    for (String s : survivors) {
      if (!o.seesUp(s)) {
        return false;
      }
    }
    for (String c : cutOff) {
      if (!o.seesGone(c)) {
        return false;
      }
    }
    return true;
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
