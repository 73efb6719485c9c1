package io.ringkeeper.cli;

import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.NodeInfo;
import io.ringkeeper.operator.node.NodeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code kubectl ringkeeper nodetool CLUSTER NODE -- status|info|tpstats|compactionstats}: the read-only views of
 * {@code nodetool} drawn from what one node's agent reports ({@code GET /v1/node}, {@code /v1/metrics},
 * {@code /v1/threadpools}, {@code /v1/compactions}), so no JMX port is opened.
 */
final class NodetoolView {
  /** One node's answers: its own state and view of the ring, and its metrics (null when it did not answer). */
  record Answer(NodeInfo node, NodeMetrics metrics) {}

  private NodetoolView() {}

  static Answer ask(Agents agents, NodeStatus node) throws InterruptedException {
    try {
      NodeInfo info = agents.client().nodeInfo(agents.endpoint(node)).get(5, TimeUnit.SECONDS);
      NodeMetrics metrics;
      try {
        metrics = agents.client().metrics(agents.endpoint(node)).get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        metrics = null;
      }
      return new Answer(info, metrics);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new RingkeeperPlugin.Failure("the agent of " + node.getName() + " at " + node.getPodIP() + " did not answer: "
          + RingkeeperPlugin.describe(cause));
    }
  }

  static String render(String subcommand, Answer answer) {
    return "info".equals(subcommand) ? info(answer) : status(answer.node());
  }

  static String info(Answer answer) {
    NodeInfo n = answer.node();
    NodeMetrics m = answer.metrics();
    StringBuilder out = new StringBuilder();
    line(out, "ID", n.hostId());
    line(out, "Gossip active", String.valueOf(n.gossipRunning()));
    line(out, "Native Transport active", String.valueOf(n.nativeTransportRunning()));
    line(out, "Load", StatusTable.bytes(n.loadBytes()));
    line(out, "Uptime (seconds)", String.valueOf(n.uptimeSeconds()));
    line(out, "Operation mode", String.valueOf(n.operationMode()));
    line(out, "Release version", n.releaseVersion());
    line(out, "Data Center", n.datacenter());
    line(out, "Rack", n.rack());
    line(out, "Address", n.endpoint());
    line(out, "Tokens", String.valueOf(n.tokens().size()));
    line(out, "Max hint window (ms)", String.valueOf(n.maxHintWindowMs()));
    if (m != null) {
      line(out, "Heap Memory (MiB)", String.format(Locale.ROOT, "%.2f / %.2f", m.heapUsedBytes() / 1048576.0,
          m.heapMaxBytes() / 1048576.0));
      line(out, "Read latency p99", StatusTable.latency(m.read()));
      line(out, "Write latency p99", StatusTable.latency(m.write()));
      line(out, "Pending compactions", String.valueOf(m.pendingCompactions()));
      line(out, "Pending hints", String.valueOf(m.pendingHints()));
      line(out, "Dropped messages", String.valueOf(m.droppedMessages()));
      line(out, "Compaction throughput", m.compactionThroughputMibPerSec() + " MiB/s");
    }
    return out.toString();
  }

  /** Per datacenter, as {@code nodetool status}: state, address, tokens, host id, rack, from this node's view. */
  static String status(NodeInfo n) {
    Map<String, Integer> tokens = new TreeMap<>();
    n.ring().values().forEach(endpoint -> tokens.merge(endpoint, 1, Integer::sum));
    Map<String, Map<String, String[]>> byDc = new TreeMap<>();
    for (String endpoint : tokens.keySet()) {
      String dc = n.endpointDatacenters().getOrDefault(endpoint, "?");
      String state = (n.unreachableNodes().contains(endpoint) ? "D" : "U")
          + (n.leavingNodes().contains(endpoint) ? "L" : n.joiningNodes().contains(endpoint) ? "J"
              : n.movingNodes().contains(endpoint) ? "M" : "N");
      byDc.computeIfAbsent(dc, k -> new TreeMap<>()).put(endpoint, new String[] {state, endpoint,
          String.valueOf(tokens.get(endpoint)), n.hostIds().getOrDefault(endpoint, "?"),
          n.endpointRacks().getOrDefault(endpoint, "?")});
    }
    StringBuilder out = new StringBuilder();
    byDc.forEach((dc, rows) -> {
      out.append("Datacenter: ").append(dc).append('\n').append("=".repeat(12 + dc.length())).append('\n')
          .append("Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n");
      List<String[]> table = new ArrayList<>();
      table.add(new String[] {"--", "Address", "Tokens", "Host ID", "Rack"});
      table.addAll(rows.values());
      StringBuilder t = new StringBuilder();
      StatusView.table(table, t);
      t.toString().lines().forEach(l -> out.append(l.substring(2)).append('\n'));
      out.append('\n');
    });
    out.append("(as ").append(n.endpoint()).append(" sees the ring)\n");
    return out.toString();
  }

  /** As {@code nodetool tpstats}: one row per thread pool, then the dropped messages per verb. */
  static String tpstats(com.fasterxml.jackson.databind.JsonNode answer) {
    List<String[]> pools = new ArrayList<>();
    pools.add(new String[] {"Pool Name", "Active", "Pending", "Completed", "Blocked", "All time blocked"});
    for (var pool : answer.path("pools")) {
      pools.add(new String[] {pool.path("name").asText(), num(pool, "active"), num(pool, "pending"),
          num(pool, "completed"), num(pool, "blocked"), num(pool, "allTimeBlocked")});
    }
    StringBuilder out = new StringBuilder();
    unindented(pools, out);
    List<String[]> dropped = new ArrayList<>();
    dropped.add(new String[] {"Message type", "Dropped"});
    answer.path("droppedMessages").fields().forEachRemaining(e -> dropped.add(new String[] {e.getKey(),
        e.getValue().asText()}));
    out.append('\n');
    unindented(dropped, out);
    return out.toString();
  }

  /** As {@code nodetool compactionstats}: pending and completed tasks, then each compaction running now. */
  static String compactionstats(com.fasterxml.jackson.databind.JsonNode answer) {
    StringBuilder out = new StringBuilder();
    out.append("pending tasks: ").append(num(answer, "pendingTasks")).append('\n');
    out.append("completed tasks: ").append(num(answer, "completedTasks")).append('\n');
    out.append("compaction throughput: ").append(num(answer, "throughputMibPerSec")).append(" MiB/s\n");
    if (answer.path("active").isEmpty()) {
      out.append("no compaction running\n");
      return out.toString();
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"id", "compaction type", "keyspace", "table", "completed", "total", "unit", "progress"});
    for (var c : answer.path("active")) {
      long done = c.path("completed").asLong();
      long total = c.path("total").asLong();
      rows.add(new String[] {c.path("id").asText("-"), c.path("kind").asText("-"), c.path("keyspace").asText("-"),
          c.path("table").asText("-"), num(c, "completed"), num(c, "total"), c.path("unit").asText("-"),
          total > 0 ? String.format(Locale.ROOT, "%.2f%%", 100.0 * done / total) : "n/a"});
    }
    out.append('\n');
    unindented(rows, out);
    return out.toString();
  }

  private static String num(com.fasterxml.jackson.databind.JsonNode node, String field) {
    var v = node.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }

  private static void unindented(List<String[]> rows, StringBuilder out) {
    StringBuilder t = new StringBuilder();
    StatusView.table(rows, t);
    t.toString().lines().forEach(l -> out.append(l.substring(2)).append('\n'));
  }

  private static void line(StringBuilder out, String key, String value) {
    out.append(String.format(Locale.ROOT, "%-24s: %s%n", key, value == null ? "-" : value));
  }
}
