package io.cess.core.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Chooses the miners that hold one segment's shards: each on a distinct node where possible,
 * preferring distinct regions, and weighted by free space times credit, so that fuller miners
 * fill slower and miners whose shards were found damaged or missing get fewer new ones.
 * Pure and deterministic for a given random source, so it can be tested without a cluster.
 */
public final class Placement {

  /** A miner's credit when nothing has counted against it. */
  public static final int FULL_CREDIT = 1000;

  /** A miner that could take a shard; {@code credit} from 1 to {@link #FULL_CREDIT}. */
  public record Candidate(String minerId, String nodeId, String region, long freeBytes, int credit) {
    public Candidate {
      if (credit < 1 || credit > FULL_CREDIT) {
        throw new IllegalArgumentException("credit must be 1.." + FULL_CREDIT + ", is " + credit);
      }
    }

    /** A candidate with full credit. */
    public Candidate(String minerId, String nodeId, String region, long freeBytes) {
      this(minerId, nodeId, region, freeBytes, FULL_CREDIT);
    }

    double weight() {
      return (double) Math.max(1, freeBytes) * credit / FULL_CREDIT;
    }
  }

  private Placement() {}

  /**
   * Picks {@code count} candidates with at least {@code sizeBytes} free, never two on one node.
   *
   * @throws PlacementException when fewer than {@code count} distinct nodes have room
   */
  public static List<Candidate> choose(
      List<Candidate> candidates, int count, long sizeBytes, Set<String> excludedMiners, Random random) {
    return choose(candidates, count, sizeBytes, excludedMiners, 1, random);
  }

  /**
   * Picks {@code count} distinct miners with at least {@code sizeBytes} free, at most {@code
   * maxPerNode} on any one node, spread as evenly as possible over nodes (each pick goes to a
   * node with the fewest picks so far, a new region first), weighted by free space.
   *
   * @throws PlacementException when the candidates cannot satisfy these constraints
   */
  public static List<Candidate> choose(
      List<Candidate> candidates,
      int count,
      long sizeBytes,
      Set<String> excludedMiners,
      int maxPerNode,
      Random random) {
    return choose(candidates, count, sizeBytes, excludedMiners, maxPerNode, java.util.Map.of(), random);
  }

  /**
   * As above, for the rest of a placement: {@code alreadyPerNode} counts the shards of the same
   * segment already on each node (they count against {@code maxPerNode}).
   */
  public static List<Candidate> choose(
      List<Candidate> candidates,
      int count,
      long sizeBytes,
      Set<String> excludedMiners,
      int maxPerNode,
      java.util.Map<String, Integer> alreadyPerNode,
      Random random) {
    List<Candidate> pool = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.freeBytes() >= sizeBytes && !excludedMiners.contains(c.minerId())) {
        pool.add(c);
      }
    }
    // Stable order first, so that the random draw alone decides (reproducible in tests).
    pool.sort(Comparator.comparing(Candidate::minerId));
    List<Candidate> chosen = new ArrayList<>();
    java.util.Map<String, Integer> perNode = new java.util.HashMap<>(alreadyPerNode);
    Set<String> usedRegions = new HashSet<>();
    Set<String> usedMiners = new HashSet<>();
    while (chosen.size() < count) {
      int fewest = Integer.MAX_VALUE;
      for (Candidate c : pool) {
        int n = perNode.getOrDefault(c.nodeId(), 0);
        if (!usedMiners.contains(c.minerId()) && n < maxPerNode) {
          fewest = Math.min(fewest, n);
        }
      }
      List<Candidate> eligible = new ArrayList<>();
      for (Candidate c : pool) {
        if (!usedMiners.contains(c.minerId()) && perNode.getOrDefault(c.nodeId(), 0) == fewest) {
          eligible.add(c);
        }
      }
      if (eligible.isEmpty()) {
        throw new PlacementException(
            "need "
                + count
                + " miners with "
                + sizeBytes
                + " bytes free, at most "
                + maxPerNode
                + " per node; the cluster offers "
                + (chosen.size() + capacityLeft(pool, usedMiners, perNode, maxPerNode))
                + " (nodes with room: "
                + distinctNodes(pool, Set.of())
                + ")");
      }
      List<Candidate> newRegion = new ArrayList<>();
      for (Candidate c : eligible) {
        if (!usedRegions.contains(c.region())) {
          newRegion.add(c);
        }
      }
      Candidate pick = weightedByFreeSpace(newRegion.isEmpty() ? eligible : newRegion, random);
      chosen.add(pick);
      usedMiners.add(pick.minerId());
      perNode.merge(pick.nodeId(), 1, Integer::sum);
      usedRegions.add(pick.region());
    }
    return chosen;
  }

  /**
   * How many shards of one segment the candidates can take at most: distinct miners with room,
   * at most {@code maxPerNode} on a node. A policy with more shards than this cannot be placed,
   * whatever the draw, so an upload can be refused before its body is read.
   */
  public static int capacity(List<Candidate> candidates, long sizeBytes, int maxPerNode) {
    List<Candidate> pool = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.freeBytes() >= sizeBytes) {
        pool.add(c);
      }
    }
    return capacityLeft(pool, Set.of(), java.util.Map.of(), maxPerNode);
  }

  private static int capacityLeft(
      List<Candidate> pool, Set<String> usedMiners, java.util.Map<String, Integer> perNode, int maxPerNode) {
    java.util.Map<String, Integer> free = new java.util.HashMap<>();
    for (Candidate c : pool) {
      if (!usedMiners.contains(c.minerId())) {
        free.merge(c.nodeId(), 1, Integer::sum);
      }
    }
    int total = 0;
    for (java.util.Map.Entry<String, Integer> e : free.entrySet()) {
      total += Math.min(e.getValue(), maxPerNode - perNode.getOrDefault(e.getKey(), 0));
    }
    return total;
  }

  private static int distinctNodes(List<Candidate> pool, Set<String> usedNodes) {
    Set<String> nodes = new HashSet<>();
    for (Candidate c : pool) {
      if (!usedNodes.contains(c.nodeId())) {
        nodes.add(c.nodeId());
      }
    }
    return nodes.size();
  }

  private static Candidate weightedByFreeSpace(List<Candidate> eligible, Random random) {
    double total = 0;
    for (Candidate c : eligible) {
      total += c.weight();
    }
    double r = random.nextDouble() * total;
    for (Candidate c : eligible) {
      r -= c.weight();
      if (r < 0) {
        return c;
      }
    }
    return eligible.get(eligible.size() - 1);
  }
}
