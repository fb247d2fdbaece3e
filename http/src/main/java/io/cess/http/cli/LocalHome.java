package io.cess.http.cli;

import io.cess.persistence.cassandra.CassandraLayout;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The local working folder of the {@code cess} commands ({@code --home}, {@code $CESS_HOME},
 * default {@code .cess}): managed Cassandra under {@code cassandra/}, node data under
 * {@code data/<node>}, logs under {@code logs/}, and one {@code run/<node>.properties} per
 * running node (pid and URL) so that {@code status} and {@code down} find them.
 */
public record LocalHome(Path root) {

  public record RunningNode(String name, long pid, String httpUrl) {
    public boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  public static LocalHome of(String option) {
    String dir = option != null ? option : System.getenv().getOrDefault("CESS_HOME", ".cess");
    return new LocalHome(Path.of(dir).toAbsolutePath().normalize());
  }

  public CassandraLayout cassandra() {
    return CassandraLayout.under(root.resolve("cassandra"));
  }

  public Path dataDir(String node) {
    return root.resolve("data").resolve(node);
  }

  public Path log(String node) {
    return root.resolve("logs").resolve(node + ".log");
  }

  private Path runFile(String node) {
    return root.resolve("run").resolve(node + ".properties");
  }

  public void recordRunning(RunningNode node) {
    Properties p = new Properties();
    p.setProperty("name", node.name());
    p.setProperty("pid", Long.toString(node.pid()));
    p.setProperty("http-url", node.httpUrl());
    try {
      Files.createDirectories(runFile(node.name()).getParent());
      try (Writer w = Files.newBufferedWriter(runFile(node.name()))) {
        p.store(w, "a cess node started from this home");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record node " + node.name(), e);
    }
  }

  public void forget(String node) {
    try {
      Files.deleteIfExists(runFile(node));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + runFile(node), e);
    }
  }

  public Optional<RunningNode> node(String name) {
    return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /** Every node recorded in this home, alive or not, by name. */
  public List<RunningNode> nodes() {
    List<RunningNode> out = new ArrayList<>();
    Path dir = root.resolve("run");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path f : files) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
          p.load(r);
        }
        out.add(new RunningNode(p.getProperty("name"), Long.parseLong(p.getProperty("pid")), p.getProperty("http-url")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir, e);
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }
}
