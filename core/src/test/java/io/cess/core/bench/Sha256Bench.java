package io.cess.core.bench;

import io.cess.core.Sha256;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** SHA-256 of a 1 MiB buffer: the raw JDK digest (baseline) and the project's helper. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class Sha256Bench {
  private byte[] data;

  @Setup
  public void setup() {
    data = new byte[1 << 20];
    new Random(1).nextBytes(data);
  }

  @Benchmark
  public byte[] baselineJdkDigest() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  @Benchmark
  public String projectSha256Hex() {
    return Sha256.hex(data);
  }
}
