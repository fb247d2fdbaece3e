package io.cess.http.cli;

import com.typesafe.config.ConfigFactory;
import io.cess.persistence.cassandra.CassandraSettings;
import io.cess.persistence.cassandra.ManagedCassandra;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code cess down}: stops this home's nodes (graceful leave, then SIGKILL) and the managed Cassandra. */
public final class DownCommand {

  static final Duration NODE_STOP_TIMEOUT = Duration.ofSeconds(30);

  private DownCommand() {}

  public static int run(List<String> argv) {
    CliArgs args = new CliArgs(argv, Set.of("home"));
    LocalHome home = LocalHome.of(args.get("home"));
    for (LocalHome.RunningNode n : home.nodes()) {
      ProcessHandle.of(n.pid()).filter(ProcessHandle::isAlive).ifPresentOrElse(
          p -> stop(n.name(), p),
          () -> System.out.println(n.name() + ": not running"));
      home.forget(n.name());
    }
    CassandraSettings cassandra = CassandraSettings.fromConfig(ConfigFactory.load());
    if (!ManagedCassandra.stop(cassandra, home.cassandra(), msg -> System.out.println("cassandra: " + msg))) {
      System.out.println("cassandra: no managed Cassandra running from " + home.root());
    }
    System.out.println("CESS is down.");
    return 0;
  }

  private static void stop(String name, ProcessHandle p) {
    System.out.println(name + ": leaving the cluster (pid " + p.pid() + ")");
    p.destroy();
    try {
      p.onExit().get(NODE_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      System.out.println(name + ": stopped");
    } catch (TimeoutException e) {
      System.out.println(name + ": did not stop within " + NODE_STOP_TIMEOUT.toSeconds() + " s; killing it");
      p.destroyForcibly();
      p.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("waiting for " + name + " failed", e);
    }
  }
}
