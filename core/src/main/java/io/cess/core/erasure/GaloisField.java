package io.cess.core.erasure;

/**
 * Arithmetic in GF(2^8), the field the Reed-Solomon code works in: elements are the byte values
 * 0..255, addition is XOR, and multiplication is polynomial multiplication modulo x^8 + x^4 + x^3
 * + x^2 + 1 (0x11D), for which 2 generates every non-zero element. This is the field of the
 * Backblaze and klauspost Reed-Solomon libraries, so parity computed here matches theirs.
 *
 * <p>Scalar operations take and return ints in 0..255. The matrix operations are what the code
 * needs to build its encoding matrix and invert the rows of the shards that survived.
 */
public final class GaloisField {
  /** Number of elements. */
  public static final int FIELD_SIZE = 256;

  /** The reducing polynomial x^8 + x^4 + x^3 + x^2 + 1, with its x^8 bit. */
  public static final int GENERATING_POLYNOMIAL = 0x11D;

  /** LOG[a] = n with 2^n = a, for a != 0. */
  private static final int[] LOG = new int[FIELD_SIZE];

  /** EXP[n] = 2^n, doubled in length so that EXP[LOG[a] + LOG[b]] needs no modulo. */
  private static final int[] EXP = new int[2 * (FIELD_SIZE - 1)];

  /**
   * MULTIPLICATION_TABLE[a][b] = a * b. The byte-at-a-time coding loops index one row per
   * coefficient, which keeps their inner loop a plain array scan.
   */
  static final byte[][] MULTIPLICATION_TABLE = new byte[FIELD_SIZE][FIELD_SIZE];

  static {
    int x = 1;
    for (int n = 0; n < FIELD_SIZE - 1; n++) {
      EXP[n] = x;
      EXP[n + FIELD_SIZE - 1] = x;
      LOG[x] = n;
      x <<= 1;
      if (x >= FIELD_SIZE) {
        x ^= GENERATING_POLYNOMIAL;
      }
    }
    for (int a = 1; a < FIELD_SIZE; a++) {
      for (int b = 1; b < FIELD_SIZE; b++) {
        MULTIPLICATION_TABLE[a][b] = (byte) EXP[LOG[a] + LOG[b]];
      }
    }
  }

  private GaloisField() {}

  /** a + b, which in a field of characteristic 2 is also a - b. */
  public static int add(int a, int b) {
    return checked(a) ^ checked(b);
  }

  public static int multiply(int a, int b) {
    return MULTIPLICATION_TABLE[checked(a)][checked(b)] & 0xff;
  }

  /** a / b; throws {@link ArithmeticException} when b is 0. */
  public static int divide(int a, int b) {
    if (checked(b) == 0) {
      throw new ArithmeticException("division by zero in GF(2^8)");
    }
    if (checked(a) == 0) {
      return 0;
    }
    return EXP[LOG[a] - LOG[b] + FIELD_SIZE - 1];
  }

  /** The multiplicative inverse; throws {@link ArithmeticException} for 0, which has none. */
  public static int inverse(int a) {
    return divide(1, a);
  }

  /** 2^n, the generator raised to a non-negative power. */
  public static int exp(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("exponent must not be negative, got " + n);
    }
    return EXP[n % (FIELD_SIZE - 1)];
  }

  /** a^n for n >= 0, with 0^0 = 1 (the convention the Vandermonde matrix needs). */
  public static int power(int a, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("exponent must not be negative, got " + n);
    }
    if (n == 0) {
      return 1;
    }
    if (checked(a) == 0) {
      return 0;
    }
    return EXP[(int) ((long) LOG[a] * n % (FIELD_SIZE - 1))];
  }

  /** The product of an r x n and an n x c matrix. */
  public static byte[][] multiply(byte[][] left, byte[][] right) {
    int inner = right.length;
    if (inner == 0) {
      throw new IllegalArgumentException("cannot multiply by a matrix without rows");
    }
    byte[][] product = new byte[left.length][right[0].length];
    for (int r = 0; r < left.length; r++) {
      if (left[r].length != inner) {
        throw new IllegalArgumentException(
            "cannot multiply: left row " + r + " has " + left[r].length + " columns, right has "
                + inner + " rows");
      }
      for (int c = 0; c < product[r].length; c++) {
        int sum = 0;
        for (int i = 0; i < inner; i++) {
          sum ^= MULTIPLICATION_TABLE[left[r][i] & 0xff][right[i][c] & 0xff];
        }
        product[r][c] = (byte) sum;
      }
    }
    return product;
  }

  /**
   * The inverse of a square matrix by Gauss-Jordan elimination; the argument is left unchanged.
   *
   * @throws ArithmeticException when the matrix is singular
   */
  public static byte[][] invert(byte[][] square) {
    int n = square.length;
    byte[][] work = new byte[n][2 * n];
    for (int r = 0; r < n; r++) {
      if (square[r].length != n) {
        throw new IllegalArgumentException(
            "cannot invert: row " + r + " has " + square[r].length + " columns, expected " + n);
      }
      System.arraycopy(square[r], 0, work[r], 0, n);
      work[r][n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      while (pivot < n && work[pivot][col] == 0) {
        pivot++;
      }
      if (pivot == n) {
        throw new ArithmeticException("matrix is singular (column " + col + " has no pivot)");
      }
      byte[] swap = work[col];
      work[col] = work[pivot];
      work[pivot] = swap;
      byte[] scale = MULTIPLICATION_TABLE[inverse(work[col][col] & 0xff)];
      for (int c = 0; c < 2 * n; c++) {
        work[col][c] = scale[work[col][c] & 0xff];
      }
      for (int r = 0; r < n; r++) {
        int factor = work[r][col] & 0xff;
        if (r != col && factor != 0) {
          byte[] times = MULTIPLICATION_TABLE[factor];
          for (int c = 0; c < 2 * n; c++) {
            work[r][c] ^= times[work[col][c] & 0xff];
          }
        }
      }
    }
    byte[][] inverse = new byte[n][];
    for (int r = 0; r < n; r++) {
      inverse[r] = java.util.Arrays.copyOfRange(work[r], n, 2 * n);
    }
    return inverse;
  }

  private static int checked(int element) {
    if ((element & ~0xff) != 0) {
      throw new IllegalArgumentException("not an element of GF(2^8): " + element);
    }
    return element;
  }
}
