package io.cess.chaos.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private network for one chaos run: a Linux bridge in the root namespace (address {@code .1},
 * where Cassandra and the test client live) and one network namespace per node host, joined to
 * the bridge by a veth pair (host {@code i} at {@code .(10+i)}). Faults are nftables rules in a
 * table {@code inet chaos} inside the namespaces; they drop on <em>ingress</em>, so that a cut
 * link is silent (timeouts, as on a real network) rather than an immediate local send error.
 *
 * <p>Lifecycle: {@link #create} first removes what killed runs left behind (their owner process
 * is gone), then builds the bridge and the hosts; {@link #addHost} grows the network; the fault
 * verbs accumulate until {@link #heal}; {@link #close} removes everything, also after failures.
 * Every object is named {@code cxNNNN-...} (the run's prefix) and every run is recorded with its
 * owner pid under {@link #REGISTRY}, so concurrent runs on one machine never touch each other.
 */
public final class ChaosNet implements AutoCloseable {

  /** One injected fault (or other scenario step) at the time it took effect. */
  public record FaultEvent(Instant at, String verb, String detail) {}

  /** Runs record themselves here (tmpfs: cleared on reboot, as network namespaces are). */
  static final Path REGISTRY = Path.of(Files.isDirectory(Path.of("/run")) ? "/run" : "/tmp", "cess-chaos");

  static final String SUBNET_BASE = "10.213.";
  static final int FIRST_HOST_OCTET = 10;
  static final int MAX_HOSTS = 240;
  /** A killed run's stray process gets this long to die after SIGKILL before cleanup fails. */
  static final Duration STRAY_PROCESS_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern RUN_NAME = Pattern.compile("^(cx[0-9a-f]{4})-.*");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final int subnet;
  private final String ipTool;
  private final String nftTool;
  private final Set<Integer> hosts = new TreeSet<>();
  private final Set<Integer> isolated = new TreeSet<>();
  /** Host to the fraction of its packets to and from other node hosts that are dropped. */
  private final Map<Integer, Double> lossy = new TreeMap<>();
  private final Set<Integer> delayed = new TreeSet<>();
  private final List<FaultEvent> faults = new CopyOnWriteArrayList<>();
  private boolean closed;

  private ChaosNet(String prefix, int subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.ipTool = HostCommand.require("ip");
    this.nftTool = HostCommand.require("nft");
  }

  /**
   * Why chaos tests cannot run here (not root, {@code ip} or {@code nft} missing), or empty.
   * Tests pass it to {@code Assume} so that a developer's unprivileged build skips them.
   */
  public static Optional<String> unavailableReason() {
    List<String> missing = new ArrayList<>();
    long uid = effectiveUid();
    if (uid != 0) {
      missing.add("not root (uid " + uid + "): network namespaces and nftables need root");
    }
    for (String tool : List.of("ip", "nft")) {
      if (HostCommand.find(tool).isEmpty()) {
        missing.add(tool + " is not installed (apt-get install nftables iproute2)");
      }
    }
    return missing.isEmpty() ? Optional.empty() : Optional.of("chaos network unavailable: " + String.join("; ", missing));
  }

  /** Removes stale runs, then builds a bridge and {@code hosts} namespaces (hosts 1..n). */
  public static ChaosNet create(int hosts) {
    unavailableReason().ifPresent(reason -> {
      throw new ChaosNetException(reason);
    });
    if (hosts < 1 || hosts > MAX_HOSTS) {
      throw new IllegalArgumentException("hosts must be 1.." + MAX_HOSTS + ", was " + hosts);
    }
    ChaosNet net;
    try (RegistryLock lock = RegistryLock.acquire()) {
      cleanupStaleLocked();
      Set<String> taken = runPrefixesInUse();
      String prefix;
      do {
        prefix = String.format("cx%04x", RANDOM.nextInt(0x10000));
      } while (taken.contains(prefix));
      int subnet = freeSubnet();
      net = new ChaosNet(prefix, subnet);
      net.writeOwner();
    }
    try {
      net.createBridge();
      for (int i = 1; i <= hosts; i++) {
        net.addHost(i);
      }
    } catch (RuntimeException e) {
      try {
        net.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
    return net;
  }

  /** The run's name prefix, e.g. {@code cx1a2b}: every namespace and link of the run starts so. */
  public String prefix() {
    return prefix;
  }

  /** The root namespace's address on the bridge: Cassandra and the test client. */
  public String hostIp() {
    return SUBNET_BASE + subnet + ".1";
  }

  /** The address of node host {@code host} (1-based). */
  public String ip(int host) {
    checkHostIndex(host);
    return SUBNET_BASE + subnet + "." + (FIRST_HOST_OCTET + host);
  }

  public String subnetCidr() {
    return SUBNET_BASE + subnet + ".0/24";
  }

  public String namespace(int host) {
    checkHostIndex(host);
    return prefix + "-" + host;
  }

  public synchronized Set<Integer> hosts() {
    return Set.copyOf(hosts);
  }

  /** {@code command} run inside host {@code host}'s namespace. */
  public List<String> wrap(int host, List<String> command) {
    requireHost(host);
    List<String> out = new ArrayList<>(List.of(ipTool, "netns", "exec", namespace(host)));
    out.addAll(command);
    return out;
  }

  /** Adds node host {@code host}: its namespace, veth pair, address and (empty) chaos table. */
  public synchronized void addHost(int host) {
    checkOpen();
    checkHostIndex(host);
    if (hosts.contains(host)) {
      throw new IllegalStateException("host " + host + " already exists in " + prefix);
    }
    String ns = namespace(host);
    String inside = insideLink(host);
    HostCommand.run(List.of(ipTool, "netns", "add", ns));
    hosts.add(host);
    HostCommand.run(List.of(ipTool, "link", "add", outsideLink(host), "type", "veth", "peer", "name", inside, "netns", ns));
    HostCommand.run(List.of(ipTool, "link", "set", outsideLink(host), "master", bridge()));
    HostCommand.run(List.of(ipTool, "link", "set", outsideLink(host), "up"));
    HostCommand.run(List.of(ipTool, "-n", ns, "addr", "add", ip(host) + "/24", "dev", inside));
    HostCommand.run(List.of(ipTool, "-n", ns, "link", "set", inside, "up"));
    HostCommand.run(List.of(ipTool, "-n", ns, "link", "set", "lo", "up"));
    nft(host, """
        add table inet chaos
        add chain inet chaos input { type filter hook input priority 0 ; policy accept ; }
        """);
    // faults that hold for "every other host" hold for the newcomer too
    Map<Integer, StringBuilder> rules = new TreeMap<>();
    for (int h : isolated) {
      addDrop(rules, h, host, 1.0, "isolate");
      addDrop(rules, host, h, 1.0, "isolate");
    }
    lossy.forEach((h, loss) -> {
      addDrop(rules, h, host, loss, "degrade");
      addDrop(rules, host, h, loss, "degrade");
    });
    applyRules(rules);
    record("add-host", "host " + host + " " + ip(host) + " in " + ns);
  }

  /** Every host of {@code a} and every host of {@code b} stop hearing each other. Accumulates. */
  public synchronized void partition(Set<Integer> a, Set<Integer> b) {
    checkOpen();
    a.forEach(this::requireHost);
    b.forEach(this::requireHost);
    Set<Integer> both = new TreeSet<>(a);
    both.retainAll(b);
    if (!both.isEmpty() || a.isEmpty() || b.isEmpty()) {
      throw new IllegalArgumentException("partition needs two disjoint, non-empty sides, got " + a + " | " + b);
    }
    Map<Integer, StringBuilder> rules = new TreeMap<>();
    for (int x : a) {
      for (int y : b) {
        addDrop(rules, x, y, 1.0, "partition");
        addDrop(rules, y, x, 1.0, "partition");
      }
    }
    applyRules(rules);
    record("partition", new TreeSet<>(a) + " | " + new TreeSet<>(b));
  }

  /** Cuts {@code host} off from every other node host (also ones added later); the root stays. */
  public synchronized void isolate(int host) {
    checkOpen();
    requireHost(host);
    Map<Integer, StringBuilder> rules = new TreeMap<>();
    for (int other : hosts) {
      if (other != host) {
        addDrop(rules, host, other, 1.0, "isolate");
        addDrop(rules, other, host, 1.0, "isolate");
      }
    }
    applyRules(rules);
    isolated.add(host);
    record("isolate", "host " + host);
  }

  /** Packets from {@code from} to {@code to} are dropped; {@code to} to {@code from} still pass. */
  public synchronized void oneWay(int from, int to) {
    checkOpen();
    requireHost(from);
    requireHost(to);
    if (from == to) {
      throw new IllegalArgumentException("oneWay needs two hosts, got " + from + " twice");
    }
    Map<Integer, StringBuilder> rules = new TreeMap<>();
    addDrop(rules, from, to, 1.0, "one-way");
    applyRules(rules);
    record("one-way", from + " -> " + to + " dropped");
  }

  /**
   * Makes {@code host}'s links to the other node hosts bad: {@code loss} (0..1) of the packets in
   * each direction dropped at random, and its outgoing packets to them delayed by {@code delay}
   * (netem). Throws {@link UnsupportedOperationException} for a delay where netem is missing.
   */
  public synchronized void degrade(int host, Duration delay, double loss) {
    checkOpen();
    requireHost(host);
    if (loss < 0 || loss >= 1 || Double.isNaN(loss)) {
      throw new IllegalArgumentException("loss must be in [0, 1), was " + loss);
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, was " + delay);
    }
    if (!delay.isZero()) {
      addDelay(host, delay);
    }
    if (loss > 0) {
      Map<Integer, StringBuilder> rules = new TreeMap<>();
      for (int other : hosts) {
        if (other != host) {
          addDrop(rules, host, other, loss, "degrade");
          addDrop(rules, other, host, loss, "degrade");
        }
      }
      applyRules(rules);
      lossy.put(host, loss);
    }
    record("degrade", "host " + host + " delay " + delay.toMillis() + " ms, loss " + Math.round(loss * 1000) / 10.0 + " %");
  }

  /** Removes every fault: all chaos rules and delays, in every namespace. */
  public synchronized void heal() {
    checkOpen();
    for (int h : hosts) {
      nft(h, "flush table inet chaos\n");
    }
    for (int h : delayed) {
      HostCommand.run(wrap(h, List.of(HostCommand.require("tc"), "qdisc", "del", "dev", insideLink(h), "root")));
    }
    delayed.clear();
    isolated.clear();
    lossy.clear();
    record("heal", "all chaos rules flushed");
  }

  /** The scenario's timeline: every fault (and every step recorded by a fixture) in order. */
  public List<FaultEvent> faults() {
    return List.copyOf(faults);
  }

  /** Adds a step to the timeline (used by fixtures for kills, pauses, restarts). */
  public void record(String verb, String detail) {
    FaultEvent e = new FaultEvent(Instant.now(), verb, detail);
    faults.add(e);
    System.out.println("chaos " + e.at() + " " + verb + ": " + detail);
  }

  /** The chaos rules a host currently enforces, as nft lists them (for failure messages). */
  public String rules(int host) {
    requireHost(host);
    return HostCommand.run(wrap(host, List.of(nftTool, "list", "table", "inet", "chaos")));
  }

  /**
   * Records a process of this run that lives outside the namespaces (Cassandra), so that the
   * clean-up after a killed run ends it too. Matched by pid and start time, never by name.
   */
  public synchronized void adopt(ProcessHandle process) {
    checkOpen();
    String line = process.pid() + " " + startMillis(process) + "\n";
    try {
      Files.writeString(adoptedFile(prefix), line, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record process " + process.pid() + " in " + adoptedFile(prefix), e);
    }
  }

  /** Deletes the namespaces, links and firewall rule of this run; ends strays inside them. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try (RegistryLock lock = RegistryLock.acquire()) {
      removeRun(prefix);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private String bridge() {
    return prefix + "-br";
  }

  private String outsideLink(int host) {
    return prefix + "-h" + host;
  }

  private String insideLink(int host) {
    return prefix + "-n" + host;
  }

  private void createBridge() {
    HostCommand.run(List.of(ipTool, "link", "add", bridge(), "type", "bridge"));
    HostCommand.run(List.of(ipTool, "addr", "add", hostIp() + "/24", "dev", bridge()));
    HostCommand.run(List.of(ipTool, "link", "set", bridge(), "up"));
    allowBridgedForwarding();
    record("create", "bridge " + bridge() + " " + hostIp() + "/24");
  }

  /**
   * With br_netfilter loaded, bridged packets traverse iptables' FORWARD chain, which Docker
   * sets to DROP: the hosts could not reach each other. One ACCEPT for this bridge fixes that.
   */
  private void allowBridgedForwarding() {
    Path flag = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    Optional<String> iptables = HostCommand.find("iptables");
    if (!Files.isReadable(flag) || iptables.isEmpty()) {
      return;
    }
    try {
      if (!Files.readString(flag).trim().equals("1")) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + flag, e);
    }
    HostCommand.run(List.of(iptables.get(), "-I", "FORWARD", "-i", bridge(), "-o", bridge(),
        "-m", "comment", "--comment", "cess-chaos:" + prefix, "-j", "ACCEPT"));
  }

  private void addDelay(int host, Duration delay) {
    Optional<String> tc = HostCommand.find("tc");
    if (tc.isEmpty()) {
      throw new UnsupportedOperationException("degrade with a delay needs tc (apt-get install iproute2); loss alone works");
    }
    if (delayed.contains(host)) {
      throw new IllegalStateException("host " + host + " is already delayed; heal() first");
    }
    String dev = insideLink(host);
    HostCommand.Result prio = HostCommand.attempt(wrap(host, List.of(tc.get(), "qdisc", "add", "dev", dev, "root", "handle", "1:",
        "prio", "bands", "3", "priomap", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1")), null);
    if (!prio.ok()) {
      throw new UnsupportedOperationException(
          "cannot delay packets on this machine: `tc qdisc add ... prio` failed (" + prio.output().strip()
              + "); the kernel modules sch_prio and sch_netem are needed. Loss (degrade with Duration.ZERO) works without them.");
    }
    HostCommand.Result netem = HostCommand.attempt(wrap(host, List.of(tc.get(), "qdisc", "add", "dev", dev,
        "parent", "1:3", "handle", "30:", "netem", "delay", delay.toMillis() + "ms")), null);
    if (!netem.ok()) {
      HostCommand.run(wrap(host, List.of(tc.get(), "qdisc", "del", "dev", dev, "root")));
      throw new UnsupportedOperationException(
          "cannot delay packets on this machine: `tc qdisc add ... netem` failed (" + netem.output().strip()
              + "); the kernel module sch_netem is missing. Loss (degrade with Duration.ZERO) works without it.");
    }
    delayed.add(host);
    // traffic to the root namespace (Cassandra, the test client) keeps its speed
    HostCommand.run(wrap(host, List.of(tc.get(), "filter", "add", "dev", dev, "parent", "1:", "protocol", "ip",
        "prio", "1", "u32", "match", "ip", "dst", hostIp() + "/32", "flowid", "1:2")));
    HostCommand.run(wrap(host, List.of(tc.get(), "filter", "add", "dev", dev, "parent", "1:", "protocol", "ip",
        "prio", "2", "u32", "match", "ip", "dst", subnetCidr(), "flowid", "1:3")));
  }

  /** A rule in {@code to}'s namespace dropping (a fraction of) the packets that come from {@code from}. */
  private void addDrop(Map<Integer, StringBuilder> rules, int from, int to, double fraction, String why) {
    StringBuilder script = rules.computeIfAbsent(to, h -> new StringBuilder());
    script.append("add rule inet chaos input ip saddr ").append(ip(from));
    if (fraction < 1.0) {
      script.append(" numgen random mod 1000 < ").append(Math.max(1, Math.round(fraction * 1000)));
    }
    script.append(" counter drop comment \"").append(why).append("\"\n");
  }

  private void applyRules(Map<Integer, StringBuilder> rules) {
    rules.forEach((host, script) -> nft(host, script.toString()));
  }

  private void nft(int host, String script) {
    HostCommand.run(wrap(host, List.of(nftTool, "-f", "-")), script);
  }

  private void checkHostIndex(int host) {
    if (host < 1 || host > MAX_HOSTS) {
      throw new IllegalArgumentException("host must be 1.." + MAX_HOSTS + ", was " + host);
    }
  }

  private synchronized void requireHost(int host) {
    if (!hosts.contains(host)) {
      throw new IllegalArgumentException("no host " + host + " in " + prefix + " (hosts " + hosts + ")");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("chaos network " + prefix + " is closed");
    }
  }

  // --- the registry of runs: owner files, stale clean-up ---------------------------------------

  private void writeOwner() {
    Properties p = new Properties();
    ProcessHandle self = ProcessHandle.current();
    p.setProperty("pid", Long.toString(self.pid()));
    p.setProperty("start-millis", Long.toString(startMillis(self)));
    p.setProperty("subnet", Integer.toString(subnet));
    try (var w = Files.newBufferedWriter(ownerFile(prefix))) {
      p.store(w, "chaos network " + prefix + " (io.cess.chaos.net.ChaosNet)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ownerFile(prefix), e);
    }
  }

  private static Path ownerFile(String prefix) {
    return REGISTRY.resolve(prefix + ".owner");
  }

  private static Path adoptedFile(String prefix) {
    return REGISTRY.resolve(prefix + ".adopted");
  }

  private static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
  }

  private static Properties readOwner(String prefix) {
    Properties p = new Properties();
    if (Files.isRegularFile(ownerFile(prefix))) {
      try (var r = Files.newBufferedReader(ownerFile(prefix))) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + ownerFile(prefix), e);
      }
    }
    return p;
  }

  private static boolean ownerAlive(String prefix) {
    Properties owner = readOwner(prefix);
    if (owner.getProperty("pid") == null) {
      return false;
    }
    return sameProcessAlive(Long.parseLong(owner.getProperty("pid")), Long.parseLong(owner.getProperty("start-millis")));
  }

  private static boolean sameProcessAlive(long pid, long startMillis) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> startMillis(h) == startMillis).orElse(false);
  }

  /** Run prefixes with a namespace, a link or an owner file on this machine. */
  private static Set<String> runPrefixesInUse() {
    Set<String> out = new TreeSet<>();
    namespacesByRun().keySet().forEach(out::add);
    linksByRun().keySet().forEach(out::add);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(REGISTRY, "cx*.owner")) {
      for (Path f : files) {
        out.add(f.getFileName().toString().replace(".owner", ""));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + REGISTRY, e);
    }
    return out;
  }

  private static List<String> cleanupStaleLocked() {
    List<String> removed = new ArrayList<>();
    for (String prefix : runPrefixesInUse()) {
      if (!ownerAlive(prefix)) {
        System.out.println("chaos: removing what the killed run " + prefix + " left behind");
        removeRun(prefix);
        removed.add(prefix);
      }
    }
    return removed;
  }

  /** Everything of one run, in an order that works after any partial creation. */
  private static void removeRun(String prefix) {
    String ip = HostCommand.require("ip");
    List<RuntimeException> failures = new ArrayList<>();
    Map<String, List<String>> namespaces = namespacesByRun();
    for (String ns : namespaces.getOrDefault(prefix, List.of())) {
      attemptStep(failures, () -> {
        for (String pid : HostCommand.run(List.of(ip, "netns", "pids", ns)).trim().split("\\s+")) {
          if (!pid.isEmpty()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> killAndWait(p, "in namespace " + ns));
          }
        }
      });
    }
    attemptStep(failures, () -> killAdopted(prefix));
    attemptStep(failures, () -> removeForwardRule(prefix));
    // the links first (a veth goes with its peer), synchronously: a namespace's own veth end
    // would otherwise be removed asynchronously, after the namespace
    for (String link : linksByRun().getOrDefault(prefix, List.of())) {
      attemptStep(failures, () -> {
        HostCommand.Result r = HostCommand.attempt(List.of(ip, "link", "del", link), null);
        if (!r.ok() && !r.output().contains("Cannot find device")) { // gone with its peer meanwhile
          throw new ChaosNetException("`ip link del " + link + "` exited with " + r.exitCode() + ": " + r.output().strip());
        }
      });
    }
    for (String ns : namespaces.getOrDefault(prefix, List.of())) {
      attemptStep(failures, () -> HostCommand.run(List.of(ip, "netns", "del", ns)));
    }
    attemptStep(failures, () -> {
      try {
        Files.deleteIfExists(adoptedFile(prefix));
        Files.deleteIfExists(ownerFile(prefix));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove the registry files of " + prefix, e);
      }
    });
    if (!failures.isEmpty()) {
      ChaosNetException e = new ChaosNetException("could not remove everything of chaos run " + prefix
          + "; check `ip netns list`, `ip link` and /run/cess-chaos: " + failures.get(0).getMessage());
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void attemptStep(List<RuntimeException> failures, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      System.out.println("chaos: clean-up step failed (continuing with the others): " + e.getMessage());
      failures.add(e);
    }
  }

  private static void killAdopted(String prefix) {
    Path file = adoptedFile(prefix);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split(" ");
        if (f.length == 2 && sameProcessAlive(Long.parseLong(f[0]), Long.parseLong(f[1]))) {
          ProcessHandle.of(Long.parseLong(f[0])).ifPresent(p -> killAndWait(p, "adopted by " + prefix));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void killAndWait(ProcessHandle p, String where) {
    System.out.println("chaos: killing stray process " + p.pid() + " (" + where + "): "
        + p.info().commandLine().map(c -> c.length() > 160 ? c.substring(0, 160) + "..." : c).orElse("?"));
    p.destroyForcibly();
    try {
      p.onExit().get(STRAY_PROCESS_EXIT_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ChaosNetException("process " + p.pid() + " did not exit within "
          + STRAY_PROCESS_EXIT_TIMEOUT.toSeconds() + " s of SIGKILL (STRAY_PROCESS_EXIT_TIMEOUT)", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new ChaosNetException("waiting for process " + p.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChaosNetException("interrupted while waiting for process " + p.pid(), e);
    }
  }

  private static void removeForwardRule(String prefix) {
    Optional<String> iptables = HostCommand.find("iptables");
    if (iptables.isEmpty()) {
      return;
    }
    HostCommand.Result rules = HostCommand.attempt(List.of(iptables.get(), "-S", "FORWARD"), null);
    if (!rules.ok()) {
      return; // no iptables support in this kernel: then no rule was ever added either
    }
    for (String rule : rules.output().split("\n")) {
      if (rule.startsWith("-A FORWARD") && rule.contains("cess-chaos:" + prefix)) {
        List<String> delete = new ArrayList<>(List.of(iptables.get(), "-D", "FORWARD"));
        delete.addAll(shellWords(rule.substring("-A FORWARD".length()).trim()));
        HostCommand.run(delete);
      }
    }
  }

  /** Splits iptables -S output into words; it quotes only comments, with double quotes. */
  private static List<String> shellWords(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(s);
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return out;
  }

  private static Map<String, List<String>> namespacesByRun() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : HostCommand.run(List.of(HostCommand.require("ip"), "netns", "list")).split("\n")) {
      String name = line.trim().split("\\s+")[0];
      groupByRun(out, name);
    }
    return out;
  }

  private static Map<String, List<String>> linksByRun() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : HostCommand.run(List.of(HostCommand.require("ip"), "-o", "link", "show")).split("\n")) {
      String[] f = line.split(":\\s+", 3);
      if (f.length >= 2) {
        groupByRun(out, f[1].split("@")[0].trim());
      }
    }
    // the bridge last: its ports must go first
    out.values().forEach(names -> names.sort((x, y) -> Boolean.compare(x.endsWith("-br"), y.endsWith("-br"))));
    return out;
  }

  private static void groupByRun(Map<String, List<String>> out, String name) {
    Matcher m = RUN_NAME.matcher(name);
    if (m.matches()) {
      out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(name);
    }
  }

  /** A /24 under 10.213 that no interface here uses and no live run has claimed. */
  private static int freeSubnet() {
    Set<Integer> used = new TreeSet<>();
    Matcher m = Pattern.compile("inet 10\\.213\\.(\\d+)\\.").matcher(
        HostCommand.run(List.of(HostCommand.require("ip"), "-o", "-4", "addr", "show")));
    while (m.find()) {
      used.add(Integer.parseInt(m.group(1)));
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(REGISTRY, "cx*.owner")) {
      for (Path f : files) {
        String prefix = f.getFileName().toString().replace(".owner", "");
        String s = readOwner(prefix).getProperty("subnet");
        if (s != null) {
          used.add(Integer.parseInt(s));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + REGISTRY, e);
    }
    List<Integer> free = new ArrayList<>();
    for (int x = 1; x <= 254; x++) {
      if (!used.contains(x)) {
        free.add(x);
      }
    }
    if (free.isEmpty()) {
      throw new ChaosNetException("no free /24 left under 10.213.0.0/16");
    }
    return free.get(RANDOM.nextInt(free.size()));
  }

  private static long effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status to learn the uid", e);
    }
    throw new ChaosNetException("no Uid line in /proc/self/status");
  }

  /** Serializes creation and clean-up of runs between the JVMs on this machine. */
  private static final class RegistryLock implements AutoCloseable {
    /** A FileLock excludes other JVMs only; threads of this one queue here first. */
    private static final java.util.concurrent.locks.ReentrantLock IN_JVM = new java.util.concurrent.locks.ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private RegistryLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    static RegistryLock acquire() {
      IN_JVM.lock();
      try {
        Files.createDirectories(REGISTRY);
        FileChannel ch = FileChannel.open(REGISTRY.resolve("registry.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return new RegistryLock(ch, ch.lock());
      } catch (IOException | RuntimeException e) {
        IN_JVM.unlock();
        throw new ChaosNetException("cannot lock " + REGISTRY.resolve("registry.lock") + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unlock " + REGISTRY.resolve("registry.lock"), e);
      } finally {
        IN_JVM.unlock();
      }
    }
  }
}
