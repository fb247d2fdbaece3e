package io.cess.chaos.workload;

import io.cess.core.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * The bytes of one uploaded object, generated from a seed instead of held in memory: a worker
 * streams 30 MiB without buffering them, and the same bytes can be produced again to compare.
 */
public record ObjectContent(long seed, long sizeBytes) {

  private static final int CHUNK_BYTES = 64 * 1024;

  public ObjectContent {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, was " + sizeBytes);
    }
  }

  /** A fresh stream of the content (each call starts at byte 0). */
  public InputStream stream() {
    return new InputStream() {
      private final SplittableRandom random = new SplittableRandom(seed);
      private final byte[] chunk = new byte[CHUNK_BYTES];
      private int chunkPos = CHUNK_BYTES;
      private long remaining = sizeBytes;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (remaining == 0) {
          return -1;
        }
        if (chunkPos == CHUNK_BYTES) {
          // always whole chunks: the sequence must not depend on how callers size their reads
          random.nextBytes(chunk);
          chunkPos = 0;
        }
        int n = (int) Math.min(Math.min(len, CHUNK_BYTES - chunkPos), remaining);
        System.arraycopy(chunk, chunkPos, b, off, n);
        chunkPos += n;
        remaining -= n;
        return n;
      }
    };
  }

  public String sha256() {
    MessageDigest digest = Sha256.newDigest();
    byte[] buf = new byte[CHUNK_BYTES];
    try (InputStream in = stream()) {
      for (int n; (n = in.read(buf, 0, buf.length)) != -1; ) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Sha256.hex(digest);
  }
}
