package io.cess.chaos.report;

import java.time.Instant;

/**
 * Something that happened during a scenario, for the report's timeline.
 *
 * @param kind one of {@link #FAULT}, {@link #MEMBERSHIP}, {@link #WORKLOAD_ERROR},
 *     {@link #INVARIANT}, {@link #NOTE}
 * @param node the node it happened on or was seen by, null for the whole cluster
 */
public record TimelineEvent(Instant at, String kind, String node, String text) {

  public static final String FAULT = "fault";
  public static final String MEMBERSHIP = "membership";
  public static final String WORKLOAD_ERROR = "workload-error";
  public static final String INVARIANT = "invariant";
  public static final String NOTE = "note";

  public TimelineEvent {
    if (at == null || kind == null || text == null) {
      throw new IllegalArgumentException("at, kind and text are required");
    }
  }

  public static TimelineEvent fault(String node, String text) {
    return new TimelineEvent(Instant.now(), FAULT, node, text);
  }

  public static TimelineEvent note(String text) {
    return new TimelineEvent(Instant.now(), NOTE, null, text);
  }
}
