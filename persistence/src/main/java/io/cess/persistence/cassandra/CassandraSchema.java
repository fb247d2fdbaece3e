package io.cess.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the keyspace and tables from the CQL files shipped in {@code cess/schema/} (the same
 * files operators run by hand). Every statement is {@code IF NOT EXISTS}: safe to repeat.
 */
public final class CassandraSchema {

  static final List<String> FILES = List.of("cess/schema/journal.cql");

  private CassandraSchema() {}

  public static void create(CassandraSettings settings) {
    try (CqlSession session = ManagedCassandra.connect(settings, Duration.ofSeconds(30))) {
      for (String statement : statements(settings.keyspace())) {
        session.execute(statement);
      }
    }
  }

  /** The statements of all schema files, with the keyspace name substituted. */
  static List<String> statements(String keyspace) {
    List<String> out = new ArrayList<>();
    for (String file : FILES) {
      StringBuilder current = new StringBuilder();
      for (String line : read(file).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("--")) {
          continue;
        }
        current.append(line).append('\n');
        if (trimmed.endsWith(";")) {
          out.add(withKeyspace(current.toString().strip(), keyspace));
          current.setLength(0);
        }
      }
    }
    return out;
  }

  /** Drops a keyspace (test clean-up); refuses the production default. */
  public static void drop(CassandraSettings settings, String keyspace) {
    if (keyspace.equals("cess") || !keyspace.matches("[a-z][a-z0-9_]{0,47}")) {
      throw new IllegalArgumentException("refusing to drop keyspace '" + keyspace + "'");
    }
    try (CqlSession session = ManagedCassandra.connect(settings, Duration.ofSeconds(30))) {
      session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
    }
  }

  /** Creates the schema in another keyspace than the configured one (tests isolate runs so). */
  public static void create(CassandraSettings settings, String keyspace) {
    create(new CassandraSettings(
        settings.externalContactPoints(), settings.localDatacenter(), keyspace, settings.listenAddress(),
        settings.cqlPort(), settings.storagePort(), settings.heapSize(), settings.startTimeout(), settings.stopTimeout()));
  }

  private static String withKeyspace(String statement, String keyspace) {
    return statement
        .replace("KEYSPACE IF NOT EXISTS cess\n", "KEYSPACE IF NOT EXISTS " + keyspace + "\n")
        .replace(" cess.", " " + keyspace + ".");
  }

  private static String read(String resource) {
    try (InputStream in = CassandraSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
