package io.cess.chaos.invariants;

/**
 * The verdict of one invariant after a scenario.
 *
 * @param figure the measurement in a few words, e.g. "acknowledged 412, lost 0"
 * @param detail what was wrong (the first violations), or how it was checked when it held
 */
public record InvariantResult(String name, boolean passed, String figure, String detail) {

  public static InvariantResult pass(String name, String figure, String detail) {
    return new InvariantResult(name, true, figure, detail);
  }

  public static InvariantResult fail(String name, String figure, String detail) {
    return new InvariantResult(name, false, figure, detail);
  }

  @Override
  public String toString() {
    return (passed ? "PASS " : "FAIL ") + name + ": " + figure + (passed || detail.isEmpty() ? "" : " -- " + detail);
  }
}
