package io.cess.chaos.workload;

import java.net.http.HttpRequest;
import java.util.List;

/**
 * The cluster as the workload and the invariants see it: the gateways that currently run and a
 * signed request to one of them. The fixture that owns the node JVMs implements it; nothing in
 * the workload knows how nodes are started, partitioned or killed.
 */
public interface Gateways {

  /** Nodes (1, 2, ...) whose gateway is meant to be running now, also those cut off by a fault. */
  List<Integer> nodes();

  /**
   * A request to {@code node} for {@code target} (path and query, e.g. {@code /v1/cluster}),
   * signed by the test account with an unsigned payload. Callers set their own timeout and body.
   */
  HttpRequest.Builder request(int node, String method, String target);

  /** The node's member name as {@code GET /v1/cluster} reports it. */
  default String name(int node) {
    return "node" + node;
  }
}
