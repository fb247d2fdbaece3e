package io.cess.core.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Chooses the miners that hold one segment's shards: each on a distinct node where possible,
 * preferring distinct regions, and weighted by free space so that fuller miners fill slower.
 * Pure and deterministic for a given random source, so it can be tested without a cluster.
 */
public final class Placement {

  /** A miner that could take a shard. */
  public record Candidate(String minerId, String nodeId, String region, long freeBytes) {}

  private Placement() {}

  /**
   * Picks {@code count} candidates with at least {@code sizeBytes} free, never two on one node.
   *
   * @throws PlacementException when fewer than {@code count} distinct nodes have room
   */
  public static List<Candidate> choose(
      List<Candidate> candidates, int count, long sizeBytes, Set<String> excludedMiners, Random random) {
    List<Candidate> pool = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.freeBytes() >= sizeBytes && !excludedMiners.contains(c.minerId())) {
        pool.add(c);
      }
    }
    // Stable order first, so that the random draw alone decides (reproducible in tests).
    pool.sort(Comparator.comparing(Candidate::minerId));
    List<Candidate> chosen = new ArrayList<>();
    Set<String> usedNodes = new HashSet<>();
    Set<String> usedRegions = new HashSet<>();
    while (chosen.size() < count) {
      List<Candidate> eligible = new ArrayList<>();
      for (Candidate c : pool) {
        if (!usedNodes.contains(c.nodeId())) {
          eligible.add(c);
        }
      }
      if (eligible.isEmpty()) {
        throw new PlacementException(
            "need "
                + count
                + " miners on distinct nodes with "
                + sizeBytes
                + " bytes free, found "
                + (chosen.size() + distinctNodes(pool, usedNodes)));
      }
      List<Candidate> newRegion = new ArrayList<>();
      for (Candidate c : eligible) {
        if (!usedRegions.contains(c.region())) {
          newRegion.add(c);
        }
      }
      Candidate pick = weightedByFreeSpace(newRegion.isEmpty() ? eligible : newRegion, random);
      chosen.add(pick);
      usedNodes.add(pick.nodeId());
      usedRegions.add(pick.region());
    }
    return chosen;
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
      total += Math.max(1, c.freeBytes());
    }
    double r = random.nextDouble() * total;
    for (Candidate c : eligible) {
      r -= Math.max(1, c.freeBytes());
      if (r < 0) {
        return c;
      }
    }
    return eligible.get(eligible.size() - 1);
  }
}
