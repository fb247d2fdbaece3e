package io.cess.chaos.net;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * The fault verbs at the packet level, without a cluster: a TCP listener on every host, probed
 * from the other hosts and from the root namespace, before and after each verb.
 */
public class ChaosNetIT {

  static final int PORT = 7000;
  /** A dropped SYN is retried for longer than this: no connection within it means cut. */
  static final int CONNECT_TIMEOUT_SECONDS = 2;
  static final Duration LISTENER_START_TIMEOUT = Duration.ofSeconds(20);

  private ChaosNet net;
  private final List<Process> listeners = new ArrayList<>();

  @Before
  public void setUp() {
    Assume.assumeTrue(ChaosNet.unavailableReason().orElse(""), ChaosNet.unavailableReason().isEmpty());
    net = ChaosNet.create(3);
    for (int h = 1; h <= 3; h++) {
      startListener(h);
    }
  }

  @After
  public void tearDown() {
    for (Process p : listeners) {
      p.destroyForcibly();
      p.onExit().join();
    }
    if (net != null) {
      String prefix = net.prefix();
      net.close();
      String namespaces = HostCommand.run(List.of("ip", "netns", "list"));
      String links = HostCommand.run(List.of("ip", "-o", "link", "show"));
      assertFalse("namespaces left: " + namespaces, namespaces.contains(prefix));
      assertFalse("links left: " + links, links.contains(prefix));
    }
  }

  @Test
  public void verbsCutExactlyWhatTheySay() {
    assertReach("all connected", true, true, true, true, true, true);
    for (int h = 1; h <= 3; h++) {
      assertTrue("the root reaches host " + h, rootReaches(h));
    }

    net.partition(Set.of(1), Set.of(2, 3));
    assertReach("1 | 2,3", false, false, false, false, true, true);
    assertTrue("the root still reaches the cut host", rootReaches(1));

    net.heal();
    assertReach("healed", true, true, true, true, true, true);

    net.oneWay(1, 2);
    // TCP needs both directions: a one-way cut breaks connects both ways; the rule itself is
    // checked by its counter, and 1 -> 3 and 3 -> 1 stay untouched
    assertReach("1 -> 2 dropped", false, true, false, true, true, true);
    assertTrue(net.rules(2).contains("ip saddr " + net.ip(1)));
    assertFalse(net.rules(1).contains("ip saddr " + net.ip(2)));

    net.heal();
    net.isolate(3);
    assertReach("3 isolated", true, false, true, false, false, false);
    assertTrue("the root still reaches the isolated host", rootReaches(3));
    net.addHost(4);
    startListener(4);
    assertFalse("a host added later does not reach the isolated one", reaches(4, 3));
    assertTrue("a host added later reaches the others", reaches(4, 1));

    net.heal();
    net.degrade(2, Duration.ZERO, 0.999);
    assertFalse("99.9 % loss: no connect", reaches(1, 2));
    assertTrue("the root is not degraded", rootReaches(2));
    net.heal();
    assertTrue(reaches(1, 2));

    try {
      net.degrade(2, Duration.ofMillis(100), 0);
      System.out.println("netem works here: delay injected");
    } catch (UnsupportedOperationException e) {
      System.out.println("as expected without netem: " + e.getMessage());
    }
    net.heal();
    assertEquals(List.of("create", "add-host", "add-host", "add-host", "partition", "heal", "one-way", "heal",
            "isolate", "add-host", "heal", "degrade", "heal"),
        net.faults().stream().map(ChaosNet.FaultEvent::verb).toList().subList(0, 13));
  }

  /** Reachability 1->2, 1->3, 2->1, 3->1, 2->3, 3->2. */
  private void assertReach(String when, boolean... expected) {
    int[][] pairs = {{1, 2}, {1, 3}, {2, 1}, {3, 1}, {2, 3}, {3, 2}};
    for (int i = 0; i < pairs.length; i++) {
      assertEquals(when + ": " + pairs[i][0] + " -> " + pairs[i][1], expected[i], reaches(pairs[i][0], pairs[i][1]));
    }
  }

  private boolean reaches(int from, int to) {
    String probe = "exec 3<>/dev/tcp/" + net.ip(to) + "/" + PORT;
    try {
      Process p = new ProcessBuilder(net.wrap(from, List.of("timeout", Integer.toString(CONNECT_TIMEOUT_SECONDS), "bash", "-c", probe)))
          .redirectErrorStream(true).start();
      if (!p.waitFor(CONNECT_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the probe " + from + " -> " + to + " did not end");
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      throw new AssertionError("cannot probe " + from + " -> " + to, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private boolean rootReaches(int host) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(net.ip(host), PORT), CONNECT_TIMEOUT_SECONDS * 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void startListener(int host) {
    List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "-cp", System.getProperty("java.class.path"), TcpListener.class.getName(), net.ip(host), Integer.toString(PORT));
    try {
      listeners.add(new ProcessBuilder(net.wrap(host, java)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    } catch (IOException e) {
      throw new AssertionError("cannot start the listener on host " + host, e);
    }
    long deadline = System.nanoTime() + LISTENER_START_TIMEOUT.toNanos();
    while (!rootReaches(host)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the listener on host " + host + " did not answer within " + LISTENER_START_TIMEOUT.toSeconds() + " s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
