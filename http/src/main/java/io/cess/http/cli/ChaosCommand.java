package io.cess.http.cli;

import io.cess.persistence.cassandra.CassandraLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cess chaos list} prints the chaos scenarios (the catalog the suite keeps true, {@code
 * chaos-tests/src/test/resources/chaos-scenarios.tsv}); {@code cess chaos run NAME...} runs them
 * with Maven (the suite needs root: network namespaces and nftables) and leaves a report per
 * scenario under {@code chaos-tests/target/chaos/}.
 */
public final class ChaosCommand {

  static final String CATALOG = "chaos-tests/src/test/resources/chaos-scenarios.tsv";

  private ChaosCommand() {}

  public static int run(List<String> argv) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty(CassandraLayout.CLUSTER_CONFIG_DIR, "cluster-config")).toAbsolutePath().getParent();
    List<String[]> scenarios = catalog(root.resolve(CATALOG));
    if (argv.isEmpty() || argv.get(0).equals("list")) {
      for (String[] s : scenarios) {
        System.out.printf("%-26s %s%n", s[0], s[1]);
      }
      System.out.println("\nrun: ./cess chaos run NAME [NAME...]   (all: ./cess chaos run all; reports under chaos-tests/target/chaos/)");
      return 0;
    }
    if (!argv.get(0).equals("run") || argv.size() < 2) {
      throw new IllegalArgumentException("usage: cess chaos list | cess chaos run NAME [NAME...] | cess chaos run all");
    }
    List<String> names = argv.subList(1, argv.size());
    List<String> known = scenarios.stream().map(s -> s[0]).toList();
    for (String name : names) {
      if (!name.equals("all") && !known.contains(name)) {
        throw new IllegalArgumentException("no scenario " + name + "; `cess chaos list` shows them");
      }
    }
    List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-f", root.resolve("pom.xml").toString(), "-pl", "chaos-tests", "-am", "verify",
        "-Dtest=NoSuchTest", "-Dsurefire.failIfNoSpecifiedTests=false", "-Dfailsafe.failIfNoSpecifiedTests=false",
        "-Dit.test=ChaosSuiteIT", "-Dchaos.scenarios=" + String.join(",", names)));
    System.out.println("cess chaos: " + String.join(" ", cmd));
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  /** name, description: one scenario per line, tab separated; '#' starts a comment. */
  static List<String[]> catalog(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\t", 2);
      if (parts.length != 2) {
        throw new IllegalStateException(file + ": expected 'name<TAB>description', was '" + line + "'");
      }
      out.add(parts);
    }
    return out;
  }
}
