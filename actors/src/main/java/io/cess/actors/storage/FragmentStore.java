package io.cess.actors.storage;

import io.cess.core.Sha256;
import io.cess.core.merkle.MerkleTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The content-addressed shard files of the miners that one node hosts, each miner in its own
 * directory with its own quota. A write goes to a temp file, is hash-checked and fsynced, then
 * renamed into place (and the directory fsynced), so a crash never leaves a partial shard under
 * its final name. Blocking I/O: call it from the blocking dispatcher, never from an actor.
 */
public final class FragmentStore {

  /** A miner's space as the store sees it now. */
  public record MinerSpace(String minerId, long capacityBytes, long usedBytes) {
    public long freeBytes() {
      return Math.max(0, capacityBytes - usedBytes);
    }
  }

  private static final int BUFFER_BYTES = 256 * 1024;

  private final Map<String, Miner> miners = new LinkedHashMap<>();

  private static final class Miner {
    final Path dir;
    final long capacityBytes;
    final AtomicLong usedBytes = new AtomicLong();

    Miner(Path dir, long capacityBytes) {
      this.dir = dir;
      this.capacityBytes = capacityBytes;
    }
  }

  /** Opens (creating if needed) the directories of the given miners and counts their usage. */
  public FragmentStore(Path dataDir, Map<String, Long> capacityByMiner) {
    for (Map.Entry<String, Long> e : capacityByMiner.entrySet()) {
      Path dir = dataDir.resolve("miners").resolve(e.getKey());
      Miner m = new Miner(dir, e.getValue());
      try {
        Files.createDirectories(dir.resolve("fragments"));
        Files.createDirectories(dir.resolve("tmp"));
        m.usedBytes.set(countBytes(dir.resolve("fragments")));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot open miner directory " + dir, ex);
      }
      miners.put(e.getKey(), m);
    }
  }

  public List<MinerSpace> space() {
    List<MinerSpace> out = new ArrayList<>();
    miners.forEach((id, m) -> out.add(new MinerSpace(id, m.capacityBytes, m.usedBytes.get())));
    return out;
  }

  public boolean hosts(String minerId) {
    return miners.containsKey(minerId);
  }

  /**
   * Stores {@code sizeBytes} bytes read from {@code in} as the fragment whose Merkle root (over 4 KiB blocks, hex) is {@code root}.
   * Idempotent: a fragment already present is kept and its bytes are drained and discarded.
   *
   * @throws FragmentException when the quota is exceeded, the size or hash does not match
   */
  public void write(String minerId, String root, long sizeBytes, InputStream in) {
    Miner m = miner(minerId);
    checkHash(root);
    Path target = fragmentPath(m, root);
    if (Files.exists(target)) {
      if (intact(target, root)) {
        drain(in);
        touch(target); // written again now: the orphan collector's grace period starts anew
        return;
      }
      // a damaged copy (bit rot, tampering) is replaced by the verified bytes being written
      delete(minerId, root);
    }
    if (m.usedBytes.addAndGet(sizeBytes) > m.capacityBytes) {
      m.usedBytes.addAndGet(-sizeBytes);
      drain(in);
      throw new FragmentException(
          FragmentException.Reason.QUOTA_EXCEEDED, "miner " + minerId + " has no room for " + sizeBytes + " bytes");
    }
    Path tmp = m.dir.resolve("tmp").resolve(root + "." + UUID.randomUUID() + ".part");
    boolean stored = false;
    try {
      MerkleTree.Builder tree = MerkleTree.builder(MerkleTree.DEFAULT_BLOCK_SIZE_BYTES);
      long written = 0;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[BUFFER_BYTES];
        int n;
        while ((n = in.read(buf)) > 0) {
          written += n;
          if (written > sizeBytes) {
            throw new FragmentException(
                FragmentException.Reason.BAD_CONTENT, "fragment longer than its declared " + sizeBytes + " bytes");
          }
          tree.update(buf, 0, n);
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            ch.write(bb);
          }
        }
        if (written != sizeBytes) {
          throw new FragmentException(
              FragmentException.Reason.BAD_CONTENT,
              "fragment ended after " + written + " of " + sizeBytes + " bytes");
        }
        String actual = tree.build().rootHex();
        if (!actual.equals(root)) {
          throw new FragmentException(
              FragmentException.Reason.BAD_CONTENT, "fragment root is " + actual + ", expected " + root);
        }
        ch.force(true);
      }
      Files.createDirectories(target.getParent());
      synchronized (m) {
        if (Files.exists(target)) {
          // A concurrent write of the same fragment got there first: keep its file and count
          // the bytes once (the rename would silently replace it and count them twice).
          return;
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IllegalStateException("fragment directory does not support atomic rename", e);
        }
      }
      fsyncDirectory(target.getParent());
      stored = true;
    } catch (IOException e) {
      throw new UncheckedIOException("writing fragment " + root + " of miner " + minerId, e);
    } finally {
      if (!stored) {
        m.usedBytes.addAndGet(-sizeBytes);
        deleteIfExists(tmp);
      }
    }
  }

  private static boolean intact(Path file, String root) {
    MerkleTree.Builder tree = MerkleTree.builder(MerkleTree.DEFAULT_BLOCK_SIZE_BYTES);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[BUFFER_BYTES];
      int n;
      while ((n = in.read(buf)) > 0) {
        tree.update(buf, 0, n);
      }
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("reading fragment " + file, e);
    }
    return tree.build().rootHex().equals(root);
  }

  /** The file of a stored fragment, if this miner holds it. */
  public Optional<Path> locate(String minerId, String root) {
    Miner m = miner(minerId);
    checkHash(root);
    Path p = fragmentPath(m, root);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * The fragments of a miner last written before {@code cutoff}: the candidates the orphan
   * collector checks against the manifests (a younger one may belong to an upload in progress).
   */
  public List<String> listOlderThan(String minerId, java.time.Instant cutoff) {
    Miner m = miner(minerId);
    try (Stream<Path> files = Files.walk(m.dir.resolve("fragments"))) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> Sha256.isHex(p.getFileName().toString()))
          .filter(p -> lastModified(p).isBefore(cutoff))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing the fragments of miner " + minerId, e);
    }
  }

  private static java.time.Instant lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant();
    } catch (NoSuchFileException e) {
      return java.time.Instant.MAX; // removed meanwhile: not a candidate
    } catch (IOException e) {
      throw new UncheckedIOException("reading the time of " + p, e);
    }
  }

  private static void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    } catch (IOException e) {
      throw new UncheckedIOException("touching " + p, e);
    }
  }

  /** Removes a fragment and frees its space; false when it was not there. */
  public boolean delete(String minerId, String root) {
    Miner m = miner(minerId);
    checkHash(root);
    Path p = fragmentPath(m, root);
    try {
      long size = Files.size(p);
      Files.delete(p);
      m.usedBytes.addAndGet(-size);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("deleting fragment " + root + " of miner " + minerId, e);
    }
  }

  private Miner miner(String minerId) {
    Miner m = miners.get(minerId);
    if (m == null) {
      throw new FragmentException(FragmentException.Reason.UNKNOWN_MINER, "miner " + minerId + " is not hosted here");
    }
    return m;
  }

  private static void checkHash(String root) {
    if (!Sha256.isHex(root)) {
      throw new FragmentException(FragmentException.Reason.BAD_CONTENT, "not a shard fingerprint (64 hex digits): " + root);
    }
  }

  private static Path fragmentPath(Miner m, String root) {
    return m.dir.resolve("fragments").resolve(root.substring(0, 2)).resolve(root);
  }

  private static long countBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void drain(InputStream in) {
    try {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException("reading a fragment body", e);
    }
  }

  private static void deleteIfExists(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("removing temp file " + p, e);
    }
  }

  /** Temp files left by a crash mid-write; removed at start-up. */
  public int removeLeftoverTempFiles() {
    int removed = 0;
    for (Miner m : miners.values()) {
      try (DirectoryStream<Path> tmp = Files.newDirectoryStream(m.dir.resolve("tmp"))) {
        for (Path p : tmp) {
          Files.delete(p);
          removed++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cleaning " + m.dir.resolve("tmp"), e);
      }
    }
    return removed;
  }
}
