package io.cess.core.s3;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.Checksum;

/**
 * CRC-64/NVME, the 64-bit CRC S3 offers as {@code CRC64NVME} (and uses by default for new objects):
 * polynomial {@code 0xad93d23594c93659}, initial value and final XOR all ones, input and output
 * reflected; the check value, over {@code "123456789"}, is {@code 0xae8b14860a799888}.
 *
 * <p>Table-driven with slicing-by-8: eight bytes are read little-endian as one {@code long} and
 * folded through eight 256-entry tables per step. Being reflected, the register shifts right and
 * uses the bit-reversed polynomial {@code 0x9a6c9329ac4bc9b5}. Not thread-safe, as {@link
 * java.util.zip.CRC32} is not.
 */
public final class Crc64Nvme implements Checksum {
  /** {@code 0xad93d23594c93659} with its 64 bits reversed, for the LSB-first register. */
  static final long REFLECTED_POLYNOMIAL = 0x9a6c9329ac4bc9b5L;

  private static final long[][] TABLES = slicingTables();
  private static final long[] T0 = TABLES[0];
  private static final long[] T1 = TABLES[1];
  private static final long[] T2 = TABLES[2];
  private static final long[] T3 = TABLES[3];
  private static final long[] T4 = TABLES[4];
  private static final long[] T5 = TABLES[5];
  private static final long[] T6 = TABLES[6];
  private static final long[] T7 = TABLES[7];
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The register, kept inverted (initial value all ones; {@link #getValue()} inverts it back). */
  private long register = -1L;

  @Override
  public void update(int b) {
    register = T0[(int) ((register ^ b) & 0xff)] ^ (register >>> 8);
  }

  @Override
  public void update(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    long crc = register;
    int position = offset;
    int end = offset + length;
    for (; end - position >= Long.BYTES; position += Long.BYTES) {
      crc ^= (long) LITTLE_ENDIAN_LONG.get(bytes, position);
      crc =
          T7[(int) (crc & 0xff)]
              ^ T6[(int) ((crc >>> 8) & 0xff)]
              ^ T5[(int) ((crc >>> 16) & 0xff)]
              ^ T4[(int) ((crc >>> 24) & 0xff)]
              ^ T3[(int) ((crc >>> 32) & 0xff)]
              ^ T2[(int) ((crc >>> 40) & 0xff)]
              ^ T1[(int) ((crc >>> 48) & 0xff)]
              ^ T0[(int) (crc >>> 56)];
    }
    for (; position < end; position++) {
      crc = T0[(int) ((crc ^ bytes[position]) & 0xff)] ^ (crc >>> 8);
    }
    register = crc;
  }

  /** The CRC of everything updated so far (all 64 bits; read it as unsigned). */
  @Override
  public long getValue() {
    return ~register;
  }

  @Override
  public void reset() {
    register = -1L;
  }

  /**
   * {@code tables[0][b]} is the CRC step for byte {@code b}; {@code tables[k][b]} is that byte
   * followed by {@code k} zero bytes, which is what slicing folds a byte {@code k} places back by.
   */
  private static long[][] slicingTables() {
    long[][] tables = new long[8][256];
    for (int b = 0; b < 256; b++) {
      long crc = b;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLYNOMIAL : crc >>> 1;
      }
      tables[0][b] = crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int b = 0; b < 256; b++) {
        long previous = tables[k - 1][b];
        tables[k][b] = (previous >>> 8) ^ tables[0][(int) (previous & 0xff)];
      }
    }
    return tables;
  }
}
