package io.cess.http.cli;

import io.cess.core.crypto.SegmentCipher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * Client-side encryption for {@code cess put --encrypt} and {@code cess get --decrypt}: the
 * object is encrypted before it leaves this machine, so the gateway never sees the plaintext or
 * the key. Format: the plaintext in {@value #SEGMENT_BYTES}-byte segments, each sealed with
 * {@link SegmentCipher} under the client key, with the object's path (bucket/key) and the
 * segment index bound into the associated data; sealed segments are concatenated (each full one
 * is {@link #SEALED_SEGMENT_BYTES} long, the last shorter). An object renamed on the server no
 * longer decrypts.
 */
public final class ClientSideCrypto {

  static final int SEGMENT_BYTES = 16 * 1024 * 1024;
  static final int SEALED_SEGMENT_BYTES = (int) SegmentCipher.ciphertextLength(SEGMENT_BYTES);

  private final SegmentCipher cipher = new SegmentCipher();
  private final byte[] key;
  private final String objectPath;

  ClientSideCrypto(byte[] key, String objectPath) {
    this.key = key;
    this.objectPath = objectPath;
  }

  /** The client key (32 random bytes, base64) in {@code file}, created with mode 600 if missing. */
  static byte[] loadOrCreateKey(Path file) throws IOException {
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        Files.writeString(file, Base64.getEncoder().encodeToString(SegmentCipher.newDataKey()) + "\n", StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (FileAlreadyExistsException raced) {
        // created concurrently by another cess command: read that one below
      }
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
    if (key.length != SegmentCipher.DATA_KEY_BYTES) {
      throw new IllegalArgumentException(file + " must hold a 32-byte key in base64");
    }
    return key;
  }

  /** Length of the encrypted object for a plaintext of {@code plainBytes}. */
  static long sealedLength(long plainBytes) {
    long full = plainBytes / SEGMENT_BYTES;
    long tail = plainBytes % SEGMENT_BYTES;
    long length = full * SEALED_SEGMENT_BYTES;
    if (tail > 0 || plainBytes == 0) {
      length += SegmentCipher.ciphertextLength(tail);
    }
    return length;
  }

  /** Encrypts {@code plain} as it is read, one segment in memory at a time. */
  InputStream encrypting(InputStream plain) {
    return new InputStream() {
      private byte[] current = new byte[0];
      private int pos;
      private int index;
      private boolean done;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        while (pos == current.length) {
          if (done) {
            return -1;
          }
          byte[] segment = plain.readNBytes(SEGMENT_BYTES);
          if (segment.length < SEGMENT_BYTES) {
            done = true;
            if (segment.length == 0 && index > 0) {
              return -1;
            }
          }
          current = cipher.encrypt(key, objectPath, index++, segment);
          pos = 0;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  /** Decrypts an encrypted object read from {@code sealed} into {@code out}; returns plaintext bytes. */
  long decrypt(InputStream sealed, OutputStream out) throws IOException {
    long total = 0;
    int index = 0;
    while (true) {
      byte[] chunk = sealed.readNBytes(SEALED_SEGMENT_BYTES);
      if (chunk.length == 0 && index > 0) {
        return total;
      }
      byte[] plain = cipher.decrypt(key, objectPath, index++, chunk);
      out.write(plain);
      total += plain.length;
      if (chunk.length < SEALED_SEGMENT_BYTES) {
        return total;
      }
    }
  }
}
