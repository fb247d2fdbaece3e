package io.cess.core.placement;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.cess.core.placement.Placement.Candidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

public class PlacementTest {

  private static final int ROUNDS = 2000;

  /** A random cluster: each node lives in one region and hosts one to three miners. */
  private static List<Candidate> randomCluster(Random random) {
    int nodes = 1 + random.nextInt(8);
    int regions = 1 + random.nextInt(4);
    List<Candidate> out = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      String region = "region" + random.nextInt(regions);
      int miners = 1 + random.nextInt(3);
      for (int m = 0; m < miners; m++) {
        long free = random.nextInt(5) == 0 ? 0 : random.nextInt(1000);
        out.add(new Candidate("node" + n + "-miner" + m, "node" + n, region, free));
      }
    }
    return out;
  }

  private static Set<String> randomExclusions(List<Candidate> cluster, Random random) {
    Set<String> excluded = new HashSet<>();
    for (Candidate c : cluster) {
      if (random.nextInt(6) == 0) {
        excluded.add(c.minerId());
      }
    }
    return excluded;
  }

  private static List<Candidate> usable(
      List<Candidate> cluster, long sizeBytes, Set<String> excluded) {
    return cluster.stream()
        .filter(c -> c.freeBytes() >= sizeBytes && !excluded.contains(c.minerId()))
        .collect(Collectors.toList());
  }

  private static long distinct(
      List<Candidate> cs, java.util.function.Function<Candidate, String> f) {
    return cs.stream().map(f).distinct().count();
  }

  @Test
  public void capacityIsExactlyTheLargestPlaceableCount() {
    Random random = new Random(11);
    for (int round = 0; round < ROUNDS; round++) {
      List<Candidate> cluster = randomCluster(random);
      long size = random.nextInt(1000);
      int maxPerNode = 1 + random.nextInt(3);
      int capacity = Placement.capacity(cluster, size, maxPerNode);
      assertEquals(capacity, Placement.choose(cluster, capacity, size, Set.of(), maxPerNode, random).size());
      int beyond = capacity + 1;
      assertThrows(PlacementException.class, () -> Placement.choose(cluster, beyond, size, Set.of(), maxPerNode, random));
    }
  }

  @Test
  public void choicesSatisfyThePolicyOrPlacementFails() {
    Random random = new Random(42);
    int successes = 0;
    int failures = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Candidate> cluster = randomCluster(random);
      Set<String> excluded = randomExclusions(cluster, random);
      int count = 1 + random.nextInt(4);
      long sizeBytes = random.nextInt(800);
      List<Candidate> usable = usable(cluster, sizeBytes, excluded);
      long usableNodes = distinct(usable, Candidate::nodeId);
      String context =
          "round "
              + round
              + ": "
              + cluster
              + " excluded "
              + excluded
              + " count "
              + count
              + " size "
              + sizeBytes;

      if (usableNodes < count) {
        PlacementException e =
            assertThrows(
                context,
                PlacementException.class,
                () -> Placement.choose(cluster, count, sizeBytes, excluded, random));
        assertTrue(
            context + ": " + e.getMessage(), e.getMessage().contains("the cluster offers " + usableNodes + " "));
        failures++;
        continue;
      }
      List<Candidate> chosen = Placement.choose(cluster, count, sizeBytes, excluded, random);
      successes++;
      assertEquals(context, count, chosen.size());
      assertEquals(
          context + " -> " + chosen + ": distinct nodes",
          count,
          distinct(chosen, Candidate::nodeId));
      for (Candidate c : chosen) {
        assertTrue(context + " -> " + c + ": from the cluster", cluster.contains(c));
        assertTrue(context + " -> " + c + ": enough room", c.freeBytes() >= sizeBytes);
        assertFalse(context + " -> " + c + ": excluded", excluded.contains(c.minerId()));
      }
      // Regions are a property of nodes here, so spreading greedily reaches every region there is.
      long usableRegions = distinct(usable, Candidate::region);
      assertEquals(
          context + " -> " + chosen + ": distinct regions",
          Math.min(count, usableRegions),
          distinct(chosen, Candidate::region));
    }
    assertTrue(
        "the generator must exercise both outcomes",
        successes > ROUNDS / 4 && failures > ROUNDS / 10);
  }

  @Test
  public void sameSeedGivesSameChoiceWhateverTheInputOrder() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<Candidate> cluster = randomCluster(random);
      List<Candidate> shuffled = new ArrayList<>(cluster);
      java.util.Collections.shuffle(shuffled, random);
      int count = 1 + random.nextInt(2);
      if (distinct(cluster, Candidate::nodeId) < count) {
        continue;
      }
      long seed = random.nextLong();
      assertEquals(
          Placement.choose(cluster, count, 0, Set.of(), new Random(seed)),
          Placement.choose(shuffled, count, 0, Set.of(), new Random(seed)));
    }
  }

  @Test
  public void aDistinctRegionBeatsMoreFreeSpace() {
    List<Candidate> cluster =
        List.of(
            new Candidate("a", "n1", "eu", 1_000_000),
            new Candidate("b", "n2", "eu", 1_000_000),
            new Candidate("c", "n3", "us", 1));
    Random random = new Random(42);
    for (int i = 0; i < 500; i++) {
      List<Candidate> chosen = Placement.choose(cluster, 2, 1, Set.of(), random);
      assertTrue(chosen.toString(), chosen.stream().anyMatch(c -> c.minerId().equals("c")));
    }
  }

  @Test
  public void erasureCodedShardsSpreadEvenlyAndRespectThePerNodeLimit() {
    List<Candidate> cluster = new java.util.ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      for (int m = 1; m <= 2; m++) {
        cluster.add(new Candidate("n" + n + "-m" + m, "n" + n, "zone-" + n, 1000 + n * 10 + m));
      }
    }
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      List<Candidate> chosen = Placement.choose(cluster, 6, 10, Set.of(), 2, random);
      java.util.Map<String, Long> perNode = new java.util.HashMap<>();
      chosen.forEach(c -> perNode.merge(c.nodeId(), 1L, Long::sum));
      assertEquals("6 shards of ec:4+2 over 3 nodes: 2 each", java.util.Map.of("n1", 2L, "n2", 2L, "n3", 2L), perNode);
      assertEquals(6, chosen.stream().map(Candidate::minerId).distinct().count());
    }
    List<Candidate> twoNodes = cluster.subList(0, 4);
    assertThrows(PlacementException.class, () -> Placement.choose(twoNodes, 6, 10, Set.of(), 2, random));
  }

  @Test
  public void neverTwoMinersOfOneNodeEvenIfThatLeavesTooFew() {
    List<Candidate> cluster =
        List.of(
            new Candidate("a1", "n1", "eu", 100),
            new Candidate("a2", "n1", "us", 100),
            new Candidate("a3", "n1", "asia", 100));
    PlacementException e =
        assertThrows(
            PlacementException.class,
            () -> Placement.choose(cluster, 2, 10, Set.of(), new Random(42)));
    assertEquals(
        "need 2 miners with 10 bytes free, at most 1 per node; the cluster offers 1 (nodes with room: 1)",
        e.getMessage());
  }

  @Test
  public void excludedAndFullMinersDoNotCountAsNodes() {
    List<Candidate> cluster =
        List.of(
            new Candidate("a", "n1", "eu", 100),
            new Candidate("b", "n2", "eu", 9),
            new Candidate("c", "n3", "eu", 100));
    assertThrows(
        PlacementException.class,
        () -> Placement.choose(cluster, 2, 10, Set.of("c"), new Random(42)));
    List<Candidate> chosen = Placement.choose(cluster, 2, 10, Set.of("b"), new Random(42));
    assertEquals(
        Set.of("a", "c"), chosen.stream().map(Candidate::minerId).collect(Collectors.toSet()));
  }

  @Test
  public void zeroCountChoosesNothing() {
    assertEquals(List.of(), Placement.choose(List.of(), 0, 10, Set.of(), new Random(42)));
  }

  @Test
  public void weightedByFreeSpace() {
    List<Candidate> cluster =
        List.of(new Candidate("big", "n1", "eu", 9_000), new Candidate("small", "n2", "eu", 1_000));
    Random random = new Random(42);
    Map<String, Integer> picks = new HashMap<>();
    int draws = 10_000;
    for (int i = 0; i < draws; i++) {
      String id = Placement.choose(cluster, 1, 100, Set.of(), random).get(0).minerId();
      picks.merge(id, 1, Integer::sum);
    }
    int big = picks.getOrDefault("big", 0);
    int small = picks.getOrDefault("small", 0);
    assertEquals(draws, big + small);
    double ratio = (double) big / Math.max(1, small);
    // Expected 9:1; a uniform pick would give about 1:1.
    assertTrue("big/small = " + big + "/" + small, ratio > 6 && ratio < 13);
  }

  @Test
  public void minersWithNoFreeSpaceStillGetAMinimalWeight() {
    // With a shard of size zero, a miner at zero free space is eligible; it must not break the
    // draw.
    List<Candidate> cluster =
        List.of(new Candidate("empty", "n1", "eu", 0), new Candidate("other", "n2", "eu", 0));
    Random random = new Random(42);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(Placement.choose(cluster, 1, 0, Set.of(), random).get(0).minerId());
    }
    assertEquals(Set.of("empty", "other"), seen);
  }

  @Test
  public void aMinerWithLowCreditGetsFewerShards() {
    List<Candidate> miners =
        List.of(new Candidate("trusted", "n1", "eu", 1_000_000), new Candidate("faulty", "n2", "eu", 1_000_000, 100));
    java.util.Random random = new java.util.Random(3);
    int faulty = 0;
    for (int i = 0; i < 10_000; i++) {
      if (Placement.choose(miners, 1, 10, java.util.Set.of(), 1, java.util.Map.of(), random).get(0).minerId().equals("faulty")) {
        faulty++;
      }
    }
    // weights 1000:100, so about 1 in 11 picks
    assertTrue("faulty picked " + faulty + " times of 10000", faulty > 600 && faulty < 1200);
    assertThrows(IllegalArgumentException.class, () -> new Candidate("x", "n", "r", 1, 0));
  }
}
