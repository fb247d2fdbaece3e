package io.cess.chaos.report;

import io.cess.chaos.invariants.InvariantResult;
import io.cess.chaos.workload.Operation;
import io.cess.http.routes.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report as one self-contained HTML page: verdicts on top, then one lane per node over the
 * scenario's time (acknowledged and failed operations as bars, faults, membership changes,
 * workload errors and invariants as markers with their text on hover) and every event in a
 * table. Everything from the run is escaped.
 */
final class ReportHtml {

  static final int WIDTH = 1100;
  static final int LABEL = 110;
  static final int LANE = 46;
  static final int BUCKETS = 220;
  static final String CLUSTER_LANE = "cluster";

  private ReportHtml() {}

  static String render(ChaosReport.Document doc, List<Operation> ops) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>chaos ").append(esc(doc.scenario()))
        .append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}")
        .append("table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;font-size:13px}")
        .append(".pass{background:#dff5df}.fail{background:#fbdada}.verdict{font-weight:bold}")
        .append(".k-fault{color:#c00}.k-membership{color:#1a5fb4}.k-workload-error{color:#c66b00}.k-invariant{color:#7a2ea0}.k-note{color:#555}")
        .append("svg text{font-size:11px;font-family:system-ui,sans-serif}code{font-size:12px}")
        .append("\n</style></head><body>\n");
    h.append("<h1>").append(esc(doc.scenario())).append(" <span class=\"verdict ").append(doc.passed() ? "pass" : "fail")
        .append("\">").append(doc.passed() ? "PASS" : "FAIL").append("</span></h1>\n");
    Duration total = Duration.between(doc.startedAt(), doc.endedAt());
    h.append("<p>").append(esc(doc.startedAt().toString())).append(" &ndash; ").append(esc(doc.endedAt().toString()))
        .append(" (").append(seconds(total)).append(")</p>\n");

    h.append("<h2>Invariants</h2>\n<table><tr><th>invariant</th><th>verdict</th><th>figure</th><th>detail</th></tr>\n");
    for (InvariantResult r : doc.invariants()) {
      h.append("<tr class=\"").append(r.passed() ? "pass" : "fail").append("\"><td>").append(esc(r.name()))
          .append("</td><td class=\"verdict\">").append(r.passed() ? "PASS" : "FAIL").append("</td><td>")
          .append(esc(r.figure())).append("</td><td>").append(esc(r.detail())).append("</td></tr>\n");
    }
    if (doc.invariants().isEmpty()) {
      h.append("<tr class=\"fail\"><td colspan=\"4\">no invariant was checked</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Workload</h2>\n<table>");
    for (Map.Entry<String, Object> c : doc.counters().entrySet()) {
      h.append("<tr><th>").append(esc(c.getKey())).append("</th><td><code>").append(esc(json(c.getValue())))
          .append("</code></td></tr>");
    }
    h.append("</table>\n");

    h.append("<h2>Timeline</h2>\n");
    timeline(h, doc, ops);

    h.append("<h2>Events</h2>\n<table><tr><th>+s</th><th>time</th><th>kind</th><th>node</th><th>what</th></tr>\n");
    for (TimelineEvent e : doc.events()) {
      h.append("<tr class=\"k-").append(esc(e.kind())).append("\"><td>").append(offset(doc.startedAt(), e.at()))
          .append("</td><td>").append(esc(e.at().toString())).append("</td><td>").append(esc(e.kind()))
          .append("</td><td>").append(esc(e.node() == null ? "" : e.node())).append("</td><td>").append(esc(e.text()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
    if (doc.droppedEvents() > 0) {
      h.append("<p>").append(doc.droppedEvents()).append(" further events were not kept.</p>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void timeline(StringBuilder h, ChaosReport.Document doc, List<Operation> ops) {
    TreeSet<String> nodes = new TreeSet<>(ReportHtml::compareNodes);
    for (TimelineEvent e : doc.events()) {
      if (e.node() != null) {
        nodes.add(e.node());
      }
    }
    for (Operation op : ops) {
      nodes.add("node" + op.node());
    }
    List<String> lanes = new ArrayList<>();
    lanes.add(CLUSTER_LANE);
    lanes.addAll(nodes);
    long spanMillis = Math.max(1, Duration.between(doc.startedAt(), doc.endedAt()).toMillis());
    int plot = WIDTH - LABEL - 10;
    int height = 24 + lanes.size() * LANE;
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\">\n");
    // time axis: about ten ticks at whole seconds
    long step = Math.max(1, Math.round(spanMillis / 10000.0)) * 1000;
    for (long t = 0; t <= spanMillis; t += step) {
      double x = LABEL + plot * (double) t / spanMillis;
      h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, x, height));
      h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"11\" text-anchor=\"middle\">%ds</text>\n", x, t / 1000));
    }
    for (int i = 0; i < lanes.size(); i++) {
      int y = 20 + i * LANE;
      h.append("<rect x=\"").append(LABEL).append("\" y=\"").append(y).append("\" width=\"").append(plot)
          .append("\" height=\"").append(LANE - 4).append("\" fill=\"").append(i % 2 == 0 ? "#fafafa" : "#f3f3f3")
          .append("\"/><text x=\"4\" y=\"").append(y + LANE / 2).append("\">").append(esc(lanes.get(i))).append("</text>\n");
    }
    activity(h, doc, ops, lanes, spanMillis, plot);
    for (TimelineEvent e : doc.events()) {
      int lane = e.node() == null ? 0 : Math.max(0, lanes.indexOf(e.node()));
      double x = LABEL + plot * (double) clamp(Duration.between(doc.startedAt(), e.at()).toMillis(), spanMillis) / spanMillis;
      int y = 20 + lane * LANE;
      String title = "<title>" + esc(offset(doc.startedAt(), e.at()) + " s " + e.kind()
          + (e.node() == null ? "" : " " + e.node()) + ": " + e.text()) + "</title>";
      switch (e.kind()) {
        case TimelineEvent.FAULT -> {
          // a fault on the whole cluster crosses every lane
          int y2 = e.node() == null ? height : y + LANE - 4;
          h.append(String.format(Locale.ROOT,
              "<g><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-width=\"2\"/>"
                  + "<polygon points=\"%.1f,%d %.1f,%d %.1f,%d\" fill=\"#c00\"/>%s</g>\n",
              x, y, x, y2, x - 5, y, x + 5, y, x, y + 8, title));
        }
        case TimelineEvent.MEMBERSHIP -> h.append(String.format(Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"#1a5fb4\">%s</circle>\n", x, y + 10, title));
        case TimelineEvent.WORKLOAD_ERROR -> h.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%d\" width=\"6\" height=\"6\" fill=\"#e08a00\">%s</rect>\n", x - 3, y + 20, title));
        case TimelineEvent.INVARIANT -> h.append(String.format(Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\">%s</circle>\n", x, y + 30,
            e.text().startsWith("PASS") ? "#2a2" : "#c00", title));
        default -> h.append(String.format(Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"12\" fill=\"#777\">%s</rect>\n", x - 1, y + 4, title));
      }
    }
    h.append("</svg>\n<p><span class=\"k-fault\">&#9660; fault</span> &middot; <span class=\"k-membership\">&#9679; view changed</span>"
        + " &middot; <span class=\"k-workload-error\">&#9632; workload errors</span> &middot; <span class=\"k-invariant\">&#9679; invariant</span>"
        + " &middot; bars: operations acknowledged (green, up) and failed (red, down) per node. Hover for details.</p>\n");
  }

  /** Per node and time bucket: acknowledged operations upwards, failed ones downwards. */
  private static void activity(StringBuilder h, ChaosReport.Document doc, List<Operation> ops, List<String> lanes,
      long spanMillis, int plot) {
    Map<String, int[][]> perLane = new TreeMap<>();
    int max = 1;
    for (Operation op : ops) {
      int[][] b = perLane.computeIfAbsent("node" + op.node(), k -> new int[2][BUCKETS]);
      int bucket = (int) Math.min(BUCKETS - 1,
          clamp(Duration.between(doc.startedAt(), op.started()).toMillis(), spanMillis) * BUCKETS / spanMillis);
      int v = ++b[op.acknowledged() ? 0 : 1][bucket];
      max = Math.max(max, v);
    }
    double w = (double) plot / BUCKETS;
    int half = (LANE - 4) / 2;
    for (Map.Entry<String, int[][]> e : perLane.entrySet()) {
      int mid = 20 + lanes.indexOf(e.getKey()) * LANE + half;
      for (int i = 0; i < BUCKETS; i++) {
        double x = LABEL + i * w;
        int ok = e.getValue()[0][i];
        int bad = e.getValue()[1][i];
        if (ok > 0) {
          double hgt = Math.max(1, (half - 2) * (double) ok / max);
          h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#9c9\"/>",
              x, mid - hgt, w, hgt));
        }
        if (bad > 0) {
          double hgt = Math.max(1, (half - 2) * (double) bad / max);
          h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#e99\"/>",
              x, mid, w, hgt));
        }
      }
      h.append('\n');
    }
  }

  static int compareNodes(String a, String b) {
    // node2 before node10
    String da = a.replaceAll("\\D", "");
    String db = b.replaceAll("\\D", "");
    if (!da.isEmpty() && !db.isEmpty() && a.replaceAll("\\d", "").equals(b.replaceAll("\\d", ""))
        && da.length() < 10 && db.length() < 10) {
      return Long.compare(Long.parseLong(da), Long.parseLong(db));
    }
    return a.compareTo(b);
  }

  private static long clamp(long millis, long span) {
    return Math.max(0, Math.min(span, millis));
  }

  static String offset(Instant start, Instant at) {
    return String.format(Locale.ROOT, "%.1f", Duration.between(start, at).toMillis() / 1000.0);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("counter not serializable: " + value, e);
    }
  }

  /** HTML text and attribute escaping. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
