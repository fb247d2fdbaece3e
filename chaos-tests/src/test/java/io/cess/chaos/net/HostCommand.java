package io.cess.chaos.net;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One administrative command on this machine ({@code ip}, {@code nft}, {@code tc}), run to
 * completion with a deadline. A non-zero exit fails with the command line and its output: a
 * fault that was not injected must never pass for one that was.
 */
public final class HostCommand {

  /** No network administration command legitimately takes longer; a hang is a failure. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  /** What a finished command printed, and how it exited. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private HostCommand() {}

  /** Runs the command; fails with its output unless it exits with 0. */
  public static String run(List<String> command) {
    return run(command, null);
  }

  /** Runs the command with {@code stdin} as its input; fails with its output unless it exits 0. */
  public static String run(List<String> command, String stdin) {
    Result r = attempt(command, stdin);
    if (!r.ok()) {
      throw new ChaosNetException(
          "`" + String.join(" ", command) + "` exited with " + r.exitCode() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** Runs the command and reports how it ended; for commands whose failure is an answer. */
  static Result attempt(List<String> command, String stdin) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new ChaosNetException("cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ChaosNetException("cannot read the output of `" + String.join(" ", command) + "`", e);
      }
    });
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      p.destroyForcibly();
      throw new ChaosNetException("cannot write the input of `" + String.join(" ", command) + "`", e);
    }
    try {
      if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new ChaosNetException(
            "`" + String.join(" ", command) + "` did not finish within " + COMMAND_TIMEOUT.toSeconds()
                + " s (HostCommand.COMMAND_TIMEOUT)");
      }
      return new Result(p.exitValue(), output.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ChaosNetException("interrupted while running `" + String.join(" ", command) + "`", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new ChaosNetException("cannot collect the output of `" + String.join(" ", command) + "`", e);
    }
  }

  /** The absolute path of a system tool, looked up in $PATH and the usual sbin folders. */
  public static Optional<String> find(String tool) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(SYSTEM_DIRS);
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Optional.of(Path.of(dir, tool).toString());
      }
    }
    return Optional.empty();
  }

  /** The absolute path of a system tool; fails with a message naming it when it is missing. */
  static String require(String tool) {
    return find(tool).orElseThrow(() -> new ChaosNetException(tool + " is not installed (apt-get install nftables iproute2)"));
  }
}
