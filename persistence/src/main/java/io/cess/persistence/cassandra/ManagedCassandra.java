package io.cess.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs Apache Cassandra ({@code cassandra-all} from Maven Central) as a child JVM on loopback
 * when no external cluster is configured. Reuses one that already answers on the CQL port, so
 * that every node, test and command shares one Cassandra; {@link #stop} ends it via its pid file.
 */
public final class ManagedCassandra {

  private static final int LOG_TAIL_LINES = 40;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  private ManagedCassandra() {}

  /**
   * Makes sure Cassandra answers CQL: the external cluster must already; the managed one is
   * started if it does not. Returns true when this call started it.
   */
  public static boolean ensureRunning(
      CassandraSettings settings, CassandraLayout layout, Consumer<String> progress) {
    if (answers(settings)) {
      progress.accept("Cassandra answers at " + settings.contactPointStrings());
      return false;
    }
    if (!settings.managed()) {
      throw new CassandraStartException(
          "external Cassandra at " + settings.contactPointStrings() + " does not answer CQL");
    }
    start(settings, layout, progress);
    return true;
  }

  /** True when a CQL query succeeds against the configured contact points. */
  public static boolean answers(CassandraSettings settings) {
    try (CqlSession session = connect(settings, PROBE_TIMEOUT)) {
      return session.execute("SELECT release_version FROM system.local").one() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A driver session for tooling (schema, status); nodes use the journal plugin's session. */
  public static CqlSession connect(CassandraSettings settings, Duration requestTimeout) {
    DriverConfigLoader loader =
        DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, requestTimeout)
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, requestTimeout)
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, requestTimeout)
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
            .withStringList(DefaultDriverOption.CONTACT_POINTS, settings.contactPointStrings())
            .withString(DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, settings.localDatacenter())
            .build();
    return CqlSession.builder().withConfigLoader(loader).build();
  }

  private static void start(
      CassandraSettings settings, CassandraLayout layout, Consumer<String> progress) {
    layout.checkInstalled();
    try {
      Files.createDirectories(layout.logDir());
      Files.createDirectories(layout.generatedYaml().getParent());
      Files.writeString(layout.generatedYaml(), renderYaml(settings, layout));
      List<String> command = command(settings, layout);
      progress.accept("starting Cassandra (" + layout.home() + ")");
      Process process =
          new ProcessBuilder(command)
              .directory(layout.home().toFile())
              .redirectErrorStream(true)
              .redirectOutput(layout.stdoutLog().toFile())
              .start();
      Files.writeString(layout.pidFile(), Long.toString(process.pid()));
      awaitCql(settings, layout, process, progress);
    } catch (IOException e) {
      throw new CassandraStartException("could not start Cassandra: " + e.getMessage(), e);
    }
  }

  private static void awaitCql(
      CassandraSettings settings,
      CassandraLayout layout,
      Process process,
      Consumer<String> progress) {
    long started = System.nanoTime();
    long deadline = started + settings.startTimeout().toNanos();
    long nextProgress = started + PROGRESS_INTERVAL.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new CassandraStartException(
            "Cassandra exited with code " + process.exitValue() + " during start\n" + tail(layout));
      }
      if (answers(settings)) {
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        progress.accept("Cassandra is up after " + ms / 1000.0 + " s (pid " + process.pid() + ")");
        return;
      }
      if (System.nanoTime() > nextProgress) {
        long s = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        progress.accept("waiting for Cassandra to answer CQL (" + s + " s)");
        nextProgress += PROGRESS_INTERVAL.toNanos();
      }
      sleep(POLL_INTERVAL);
    }
    process.destroyForcibly();
    throw new CassandraStartException(
        "Cassandra did not answer CQL within "
            + settings.startTimeout().toSeconds()
            + " s (cess.cassandra.managed.start-timeout)\n"
            + tail(layout));
  }

  /**
   * Stops the managed Cassandra recorded in the layout's pid file: SIGTERM, then SIGKILL after
   * the stop timeout. Returns false when none was running.
   */
  public static boolean stop(
      CassandraSettings settings, CassandraLayout layout, Consumer<String> progress) {
    Optional<ProcessHandle> handle = runningProcess(layout);
    if (handle.isEmpty()) {
      return false;
    }
    ProcessHandle p = handle.get();
    progress.accept("stopping Cassandra (pid " + p.pid() + ")");
    p.destroy();
    try {
      p.onExit().get(settings.stopTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      progress.accept("Cassandra did not stop in time; killing it");
      p.destroyForcibly();
      p.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CassandraStartException("interrupted while stopping Cassandra", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new CassandraStartException("waiting for Cassandra to exit failed", e);
    }
    deletePidFile(layout.pidFile());
    return true;
  }

  /** The live process of the pid file, if it is still a running Cassandra. */
  public static Optional<ProcessHandle> runningProcess(CassandraLayout layout) {
    if (!Files.isRegularFile(layout.pidFile())) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(layout.pidFile()).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              h -> h.info().commandLine().map(c -> c.contains("-Dcassandra.config=")).orElse(true));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String renderYaml(CassandraSettings settings, CassandraLayout layout) throws IOException {
    return Files.readString(layout.yamlTemplate())
        .replace("${CASSANDRA_HOME}", layout.home().toString())
        .replace("${LISTEN_ADDRESS}", settings.listenAddress())
        .replace("${STORAGE_PORT}", Integer.toString(settings.storagePort()))
        .replace("${CQL_PORT}", Integer.toString(settings.cqlPort()));
  }

  static List<String> command(CassandraSettings settings, CassandraLayout layout)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xms" + settings.heapSize());
    cmd.add("-Xmx" + settings.heapSize());
    for (String line : Files.readAllLines(layout.jvmOptions(), StandardCharsets.UTF_8)) {
      String opt = line.trim();
      if (!opt.isEmpty() && !opt.startsWith("#")) {
        cmd.add(opt);
      }
    }
    cmd.add("-Dcassandra.config=" + layout.generatedYaml().toUri());
    cmd.add("-Dcassandra.logdir=" + layout.logDir());
    cmd.add("-Dcassandra.storagedir=" + layout.home());
    cmd.add("-Dlogback.configurationFile=" + layout.logbackConfig());
    cmd.add("-cp");
    cmd.add(Files.readString(layout.classpathFile()).trim());
    cmd.add("org.apache.cassandra.service.CassandraDaemon");
    return cmd;
  }

  /** The last lines of Cassandra's logs, for error messages. */
  public static String tail(CassandraLayout layout) {
    StringBuilder sb = new StringBuilder();
    for (Path log : new Path[] {layout.stdoutLog(), layout.systemLog()}) {
      if (Files.isRegularFile(log)) {
        try {
          List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
          sb.append("--- last lines of ").append(log).append(" ---\n");
          lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
              .forEach(l -> sb.append(l).append('\n'));
        } catch (IOException | UncheckedIOException e) {
          sb.append("(could not read ").append(log).append(": ").append(e).append(")\n");
        }
      }
    }
    return sb.toString();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CassandraStartException("interrupted while waiting for Cassandra", e);
    }
  }

  private static void deletePidFile(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + p, e);
    }
  }
}
