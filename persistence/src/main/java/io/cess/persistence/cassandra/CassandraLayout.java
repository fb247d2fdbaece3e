package io.cess.persistence.cassandra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files the managed Cassandra needs: its home (data, logs, generated config, pid file), the
 * {@code cluster-config/} folder with the yaml template and JVM options, and the classpath
 * file that {@code cluster-config/pom.xml} writes at build time.
 */
public record CassandraLayout(Path home, Path clusterConfigDir, Path classpathFile) {

  /** System properties that the {@code cess} launcher and the build's test runner set. */
  public static final String CLUSTER_CONFIG_DIR = "cess.cluster-config.dir";

  public static final String CLASSPATH_FILE = "cess.cassandra.classpath-file";

  public static CassandraLayout under(Path home) {
    Path configDir = Path.of(System.getProperty(CLUSTER_CONFIG_DIR, "cluster-config"));
    Path classpath =
        Path.of(
            System.getProperty(
                CLASSPATH_FILE, configDir.resolve("target/cassandra.classpath").toString()));
    return new CassandraLayout(home.toAbsolutePath(), configDir.toAbsolutePath(), classpath);
  }

  public Path yamlTemplate() {
    return clusterConfigDir.resolve("cassandra/cassandra.yaml.template");
  }

  public Path jvmOptions() {
    return clusterConfigDir.resolve("cassandra/jvm17.options");
  }

  public Path logbackConfig() {
    return clusterConfigDir.resolve("cassandra/logback.xml");
  }

  public Path generatedYaml() {
    return home.resolve("conf/cassandra.yaml");
  }

  public Path logDir() {
    return home.resolve("logs");
  }

  public Path systemLog() {
    return logDir().resolve("system.log");
  }

  public Path stdoutLog() {
    return logDir().resolve("stdout.log");
  }

  public Path pidFile() {
    return home.resolve("cassandra.pid");
  }

  /** Fails with a message that says how to produce whatever is missing. */
  void checkInstalled() {
    for (Path p : new Path[] {yamlTemplate(), jvmOptions(), logbackConfig()}) {
      if (!Files.isRegularFile(p)) {
        throw new CassandraStartException(
            "missing " + p + " (set -D" + CLUSTER_CONFIG_DIR + " to the cluster-config folder)");
      }
    }
    if (!Files.isRegularFile(classpathFile)) {
      throw new CassandraStartException(
          "missing "
              + classpathFile
              + ": build it with `mvn -q -f cluster-config/pom.xml package` (or ./cess up)");
    }
  }
}
