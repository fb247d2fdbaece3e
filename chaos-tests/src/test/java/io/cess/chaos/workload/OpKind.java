package io.cess.chaos.workload;

/** What the workload does to an object; the HTTP method and the status that acknowledges it. */
public enum OpKind {
  PUT("PUT", 201),
  GET("GET", 200),
  DELETE("DELETE", 204);

  public final String method;
  public final int acknowledgedStatus;

  OpKind(String method, int acknowledgedStatus) {
    this.method = method;
    this.acknowledgedStatus = acknowledgedStatus;
  }

  /** True for operations that change what a key holds. */
  public boolean writes() {
    return this != GET;
  }
}
