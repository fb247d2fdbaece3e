package io.cess.http.routes;

/**
 * One HTTP byte range ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) resolved against a
 * size. Several ranges in one header are not supported: such a header is ignored and the whole
 * object served, as RFC 9110 allows.
 */
public final class ByteRange {
  private ByteRange() {}

  /**
   * Returns {first, last} (inclusive), or null when the header should be ignored.
   *
   * @throws IllegalArgumentException when the range cannot be satisfied (416)
   */
  public static long[] parse(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    try {
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || size == 0) {
          throw new IllegalArgumentException("range " + h + " is not satisfiable for " + size + " bytes");
        }
        return new long[] {Math.max(0, size - suffix), size - 1};
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      if (first >= size || (!b.isEmpty() && Long.parseLong(b) < first)) {
        throw new IllegalArgumentException("range " + h + " is not satisfiable for " + size + " bytes");
      }
      return new long[] {first, last};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
