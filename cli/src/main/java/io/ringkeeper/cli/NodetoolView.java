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
 * {@code kubectl ringkeeper nodetool CLUSTER NODE -- status|info}: the read-only views of {@code nodetool} drawn from
 * what one node's agent reports ({@code GET /v1/node} and {@code GET /v1/metrics}), so no JMX port is opened.
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

  private static void line(StringBuilder out, String key, String value) {
    out.append(String.format(Locale.ROOT, "%-24s: %s%n", key, value == null ? "-" : value));
  }
}
