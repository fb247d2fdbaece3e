package io.cess.chaos.invariants;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One node's view of the cluster at one moment, from {@code GET /v1/cluster}.
 *
 * @param members member name to status (Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed)
 * @param unreachable members the observer's failure detector marks unreachable
 * @param error why the node gave no view (no answer, timeout, an error status); null when it did
 */
public record MembershipObservation(Instant at, String observer, Map<String, String> members, Set<String> unreachable,
    String error) {

  public static MembershipObservation unanswered(Instant at, String observer, String error) {
    return new MembershipObservation(at, observer, Map.of(), Set.of(), error);
  }

  public boolean answered() {
    return error == null;
  }

  /** True when {@code node} is a member with status Up and reachable from the observer. */
  public boolean seesUp(String node) {
    return "Up".equals(members.get(node)) && !unreachable.contains(node);
  }

  /** True when {@code node} is gone from the view or marked Down, Exiting or Removed in it. */
  public boolean seesGone(String node) {
    String status = members.get(node);
    return status == null || status.equals("Down") || status.equals("Removed") || status.equals("Exiting");
  }

  /** The view in one line, for the timeline. */
  public String describe() {
    if (!answered()) {
      return "no view: " + error;
    }
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(members).forEach((node, status) ->
        b.append(b.length() == 0 ? "" : ", ").append(node).append(' ').append(status));
    if (!unreachable.isEmpty()) {
      b.append("; unreachable ").append(String.join(", ", new java.util.TreeSet<>(unreachable)));
    }
    return b.length() == 0 ? "no members" : b.toString();
  }
}
