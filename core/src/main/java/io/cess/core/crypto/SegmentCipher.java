package io.cess.core.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts one segment of a file (default 16 MiB) under the file's random data key, binding the
 * file id and the segment index, so that a segment cannot be moved to another position or file,
 * replayed, truncated or altered without {@link #decrypt} failing with a {@link CryptoException}.
 *
 * <p>Construction (format version 1): a fresh 32-byte random salt per encryption; a segment key
 * {@code K = HKDF-SHA256(salt, dataKey, info)}; the plaintext cut into 64 KiB chunks, each sealed
 * with AES-256-GCM under {@code K} with a nonce made of the chunk index and a last-chunk flag (the
 * STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink's AES-GCM-HKDF
 * streaming AEAD). Chunks exist for speed: the JDK's GCM reaches its AES-NI/CLMUL code only when
 * it is called many times on moderate buffers; a single 16 MiB call runs at about 75 MB/s. Why
 * this is sound, and the measurements, are in {@code docs/crypto.md}.
 *
 * <pre>
 * ciphertext = version (1 byte, 0x01)
 *            | salt    (32 bytes, SecureRandom, fresh per encryption)
 *            | chunk_0 | chunk_1 | ... | chunk_{n-1}
 * chunk_i    = AES-256-GCM(K, nonce_i, AD, plaintext[i*65536 .. min((i+1)*65536, length)])
 *              (ciphertext bytes, then the 16-byte tag)
 * n          = max(1, ceil(plaintextLength / 65536))   (an empty segment is one empty chunk)
 * nonce_i    = 7 zero bytes | uint32_be(i) | last (0x01 for chunk n-1, else 0x00)
 * K          = HKDF-SHA256(salt = salt, IKM = dataKey,
 *                          info = "cess/segment/v1" | 0x00 | uint32_be(segmentIndex) | utf8(fileId),
 *                          L = 32)
 * AD         = version | salt | uint64_be(plaintextLength) | uint32_be(segmentIndex)
 *            | uint32_be(len(utf8(fileId))) | utf8(fileId)
 * </pre>
 *
 * Overhead: 33 + 16 * n bytes (16 MiB: 4129 bytes, 0.025 %). Instances are immutable and safe to
 * share between threads.
 */
public final class SegmentCipher {
  public static final int DATA_KEY_BYTES = 32;
  public static final byte FORMAT_VERSION = 1;
  public static final int CHUNK_BYTES = 64 * 1024;
  static final int SALT_BYTES = 32;
  public static final int HEADER_BYTES = 1 + SALT_BYTES;
  static final int TAG_BYTES = 16;
  static final int NONCE_BYTES = 12;
  private static final int SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
  private static final byte[] KEY_LABEL = "cess/segment/v1".getBytes(StandardCharsets.US_ASCII);

  private final SecureRandom random;

  public SegmentCipher() {
    this(new SecureRandom());
  }

  public SegmentCipher(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A fresh random 32-byte data key for one file. */
  public static byte[] newDataKey() {
    byte[] key = new byte[DATA_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /** Exact ciphertext size of a segment of {@code plaintextBytes} bytes. */
  public static long ciphertextLength(long plaintextBytes) {
    if (plaintextBytes < 0) {
      throw new IllegalArgumentException("plaintext length must be >= 0, is " + plaintextBytes);
    }
    return HEADER_BYTES + plaintextBytes + (long) TAG_BYTES * chunkCount(plaintextBytes);
  }

  /**
   * Plaintext size of a segment whose ciphertext is {@code ciphertextBytes} long; a length that
   * {@link #ciphertextLength} can never produce (a truncated segment) is a {@link CryptoException}.
   */
  public static long plaintextLength(long ciphertextBytes) {
    long body = ciphertextBytes - HEADER_BYTES;
    if (body < TAG_BYTES) {
      throw new CryptoException(
          "segment ciphertext of " + ciphertextBytes + " bytes is shorter than the minimum "
              + (HEADER_BYTES + TAG_BYTES));
    }
    long chunks = (body + SEALED_CHUNK_BYTES - 1) / SEALED_CHUNK_BYTES;
    long lastSealed = body - (chunks - 1) * SEALED_CHUNK_BYTES;
    if (lastSealed < TAG_BYTES || (chunks > 1 && lastSealed == TAG_BYTES)) {
      throw new CryptoException(
          "segment ciphertext of " + ciphertextBytes + " bytes is not a valid length (truncated?)");
    }
    return body - chunks * TAG_BYTES;
  }

  static long chunkCount(long plaintextBytes) {
    return plaintextBytes == 0 ? 1 : (plaintextBytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
  }

  public byte[] encrypt(byte[] dataKey, String fileId, int segmentIndex, byte[] plaintext) {
    return encrypt(dataKey, fileId, segmentIndex, plaintext, 0, plaintext.length);
  }

  /** Encrypts {@code plaintext[offset, offset + length)}. */
  public byte[] encrypt(
      byte[] dataKey, String fileId, int segmentIndex, byte[] plaintext, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, plaintext.length);
    long total = ciphertextLength(length);
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("segment of " + length + " bytes is too large");
    }
    byte[] out = new byte[(int) total];
    seal(dataKey, fileId, segmentIndex, plaintext, offset, length, new Parts(new byte[][] {out}, out.length, 0));
    return out;
  }

  /**
   * Encrypts the whole {@code plaintext} straight into {@code parts}, each {@code partSize} bytes
   * long, as if they were one array cut into pieces (the erasure code's data shards): no sealed
   * copy of the segment is made. The parts must hold {@link #ciphertextLength} bytes; the rest of
   * the last one is left as it is.
   */
  public void encryptInto(
      byte[] dataKey, String fileId, int segmentIndex, byte[] plaintext, byte[][] parts, int partSize) {
    Parts out = new Parts(parts, partSize, 0);
    out.checkHolds(ciphertextLength(plaintext.length));
    seal(dataKey, fileId, segmentIndex, plaintext, 0, plaintext.length, out);
  }

  private void seal(
      byte[] dataKey, String fileId, int segmentIndex, byte[] plaintext, int offset, int length, Parts out) {
    checkArguments(dataKey, fileId, segmentIndex);
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] header = new byte[HEADER_BYTES];
    header[0] = FORMAT_VERSION;
    System.arraycopy(salt, 0, header, 1, SALT_BYTES);
    out.write(0, header, 0, HEADER_BYTES);
    byte[] ad = associatedData(salt, length, segmentIndex, fileId);
    SecretKeySpec key = segmentKey(dataKey, salt, segmentIndex, fileId);
    int chunks = (int) chunkCount(length);
    byte[] spill = new byte[SEALED_CHUNK_BYTES];
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      int in = offset;
      long at = HEADER_BYTES;
      for (int i = 0; i < chunks; i++) {
        int n = Math.min(CHUNK_BYTES, offset + length - in);
        gcm.init(Cipher.ENCRYPT_MODE, key, nonce(i, i == chunks - 1));
        gcm.updateAAD(ad);
        if (out.contiguous(at, n + TAG_BYTES)) {
          gcm.doFinal(plaintext, in, n, out.array(at), out.offset(at));
        } else {
          gcm.doFinal(plaintext, in, n, spill, 0);
          out.write(at, spill, 0, n + TAG_BYTES);
        }
        at += n + TAG_BYTES;
        in += n;
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while encrypting", e);
    }
  }

  public byte[] decrypt(byte[] dataKey, String fileId, int segmentIndex, byte[] ciphertext) {
    return decrypt(dataKey, fileId, segmentIndex, ciphertext, 0, ciphertext.length);
  }

  /**
   * Decrypts {@code ciphertext[offset, offset + length)}, or fails with a {@link CryptoException}
   * if any byte was changed, added or removed, or the key, file id or index is not the one used to
   * encrypt. No plaintext is returned unless every chunk authenticates.
   */
  public byte[] decrypt(
      byte[] dataKey, String fileId, int segmentIndex, byte[] ciphertext, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, ciphertext.length);
    plaintextLength(length); // a truncated ciphertext fails here, before any part is looked at
    return open(dataKey, fileId, segmentIndex, new Parts(new byte[][] {ciphertext}, ciphertext.length, offset), length);
  }

  /**
   * As {@link #decrypt}, for a ciphertext of {@code length} bytes held in {@code parts} of {@code
   * partSize} bytes each, in order (the erasure code's data shards), without joining them first.
   */
  public byte[] decrypt(byte[] dataKey, String fileId, int segmentIndex, byte[][] parts, int partSize, int length) {
    Parts in = new Parts(parts, partSize, 0);
    in.checkHolds(length);
    return open(dataKey, fileId, segmentIndex, in, length);
  }

  private byte[] open(byte[] dataKey, String fileId, int segmentIndex, Parts in, int length) {
    checkArguments(dataKey, fileId, segmentIndex);
    long plaintextBytes = plaintextLength(length);
    byte[] header = new byte[HEADER_BYTES];
    in.read(0, header, 0, HEADER_BYTES);
    if (header[0] != FORMAT_VERSION) {
      throw new CryptoException(
          "segment " + segmentIndex + " of file " + fileId + " has unknown format version " + header[0]);
    }
    byte[] salt = Arrays.copyOfRange(header, 1, HEADER_BYTES);
    byte[] ad = associatedData(salt, plaintextBytes, segmentIndex, fileId);
    SecretKeySpec key = segmentKey(dataKey, salt, segmentIndex, fileId);
    int chunks = (int) chunkCount(plaintextBytes);
    byte[] out = new byte[(int) plaintextBytes];
    byte[] spill = new byte[SEALED_CHUNK_BYTES];
    try {
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      long at = HEADER_BYTES;
      int written = 0;
      for (int i = 0; i < chunks; i++) {
        int n = (int) Math.min(SEALED_CHUNK_BYTES, length - at);
        gcm.init(Cipher.DECRYPT_MODE, key, nonce(i, i == chunks - 1));
        gcm.updateAAD(ad);
        if (in.contiguous(at, n)) {
          written += gcm.doFinal(in.array(at), in.offset(at), n, out, written);
        } else {
          in.read(at, spill, 0, n);
          written += gcm.doFinal(spill, 0, n, out, written);
        }
        at += n;
      }
      return out;
    } catch (AEADBadTagException e) {
      Arrays.fill(out, (byte) 0);
      throw new CryptoException(
          "segment " + segmentIndex + " of file " + fileId + " does not authenticate: tampered,"
              + " truncated, from another file or position, or the wrong data key",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM failed while decrypting", e);
    }
  }

  /**
   * A run of bytes held in equal-sized arrays one after another, starting {@code base} bytes into
   * the first: position {@code p} is byte {@code (base + p) % partSize} of part {@code (base + p) /
   * partSize}. Chunks that fit one part are ciphered in place; the few that straddle two go
   * through a small spill buffer.
   */
  private record Parts(byte[][] parts, int partSize, int base) {
    Parts {
      if (partSize <= 0) {
        throw new IllegalArgumentException("part size must be positive, is " + partSize);
      }
    }

    void checkHolds(long bytes) {
      if ((long) parts.length * partSize - base < bytes) {
        throw new IllegalArgumentException(
            parts.length + " parts of " + partSize + " bytes cannot hold " + bytes + " bytes");
      }
      for (byte[] p : parts) {
        if (p == null || p.length != partSize) {
          throw new IllegalArgumentException("every part must be " + partSize + " bytes");
        }
      }
    }

    byte[] array(long position) {
      return parts[(int) ((base + position) / partSize)];
    }

    int offset(long position) {
      return (int) ((base + position) % partSize);
    }

    boolean contiguous(long position, int n) {
      return offset(position) + (long) n <= partSize;
    }

    void read(long position, byte[] to, int toOffset, int n) {
      while (n > 0) {
        int k = Math.min(n, partSize - offset(position));
        System.arraycopy(array(position), offset(position), to, toOffset, k);
        position += k;
        toOffset += k;
        n -= k;
      }
    }

    void write(long position, byte[] from, int fromOffset, int n) {
      while (n > 0) {
        int k = Math.min(n, partSize - offset(position));
        System.arraycopy(from, fromOffset, array(position), offset(position), k);
        position += k;
        fromOffset += k;
        n -= k;
      }
    }
  }

  private static void checkArguments(byte[] dataKey, String fileId, int segmentIndex) {
    if (dataKey == null || dataKey.length != DATA_KEY_BYTES) {
      throw new IllegalArgumentException("a data key is " + DATA_KEY_BYTES + " bytes");
    }
    Objects.requireNonNull(fileId, "fileId");
    if (segmentIndex < 0) {
      throw new IllegalArgumentException("segment index must be >= 0, is " + segmentIndex);
    }
  }

  private static SecretKeySpec segmentKey(
      byte[] dataKey, byte[] salt, int segmentIndex, String fileId) {
    byte[] id = fileId.getBytes(StandardCharsets.UTF_8);
    byte[] info =
        ByteBuffer.allocate(KEY_LABEL.length + 1 + 4 + id.length)
            .put(KEY_LABEL)
            .put((byte) 0)
            .putInt(segmentIndex)
            .put(id)
            .array();
    byte[] keyBytes = Hkdf.derive(salt, dataKey, info, 32);
    try {
      return new SecretKeySpec(keyBytes, "AES");
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
  }

  private static byte[] associatedData(
      byte[] salt, long plaintextBytes, int segmentIndex, String fileId) {
    byte[] id = fileId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + SALT_BYTES + 8 + 4 + 4 + id.length)
        .put(FORMAT_VERSION)
        .put(salt)
        .putLong(plaintextBytes)
        .putInt(segmentIndex)
        .putInt(id.length)
        .put(id)
        .array();
  }

  private static GCMParameterSpec nonce(int chunkIndex, boolean last) {
    byte[] nonce = new byte[NONCE_BYTES];
    nonce[7] = (byte) (chunkIndex >>> 24);
    nonce[8] = (byte) (chunkIndex >>> 16);
    nonce[9] = (byte) (chunkIndex >>> 8);
    nonce[10] = (byte) chunkIndex;
    nonce[11] = (byte) (last ? 1 : 0);
    return new GCMParameterSpec(TAG_BYTES * 8, nonce);
  }
}
