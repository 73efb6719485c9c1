package io.ringkeeper.cli;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ContainerTermination;
import io.ringkeeper.api.v1alpha1.DatacenterRingStatus;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code nodetool status}-like table of a cluster: its status as the operator recorded it, plus each node's
 * read/write p99 as its agent reports them right now ("-" when the agent did not answer). Shared by
 * {@code ./ringkeeper local status} and {@code kubectl ringkeeper status}.
 */
public final class StatusTable {
  private static final String[] HEADER = {"DC", "RACK", "NODE", "ADDRESS", "STATE", "LOAD", "OWNS", "TOKENS",
      "READ p99", "WRITE p99", "LAST SEEN"};

  /** Lines of a crashed node's output shown under the table (the status keeps up to 20). */
  static final int OUTPUT_LINES = 10;

  private StatusTable() {}

  public static String render(CassandraCluster cr, Map<String, NodeMetrics> metrics) {
    return render(cr, metrics, Instant.now());
  }

  /** The table with each node's last seen time as an age relative to {@code now}. */
  public static String render(CassandraCluster cr, Map<String, NodeMetrics> metrics, Instant now) {
    StringBuilder out = new StringBuilder();
    CassandraClusterStatus status = cr.getStatus();
    String name = cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
    if (status == null) {
      return "cluster " + name + ": no status yet (is the operator running?)\n";
    }
    out.append("cluster ").append(name)
        .append("   phase ").append(status.getPhase())
        .append("   ready ").append(status.getReady() == null ? "-" : status.getReady());
    if (status.getRing() != null && status.getRing().getDatacenters() != null) {
      for (DatacenterRingStatus dc : status.getRing().getDatacenters()) {
        if (dc.getOwnershipSpread() != null) {
          out.append("   ").append(dc.getName()).append(" ownership spread ")
              .append(String.format(Locale.ROOT, "%.3f", dc.getOwnershipSpread()));
        }
      }
    }
    out.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    List<NodeStatus> nodes = new ArrayList<>(status.getNodes());
    nodes.sort(Comparator.comparing(NodeStatus::getDatacenter, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(NodeStatus::getRack, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(NodeStatus::getName));
    for (NodeStatus node : nodes) {
      NodeMetrics m = metrics.get(node.getName());
      rows.add(new String[] {
          nz(node.getDatacenter()), nz(node.getRack()), node.getName(), nz(node.getPodIP()),
          node.getState() == null ? "?" : node.getState().toString(),
          node.getLoadBytes() == null ? "-" : bytes(node.getLoadBytes()),
          node.getOwnership() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", node.getOwnership() * 100),
          String.valueOf(node.getTokens() == null ? 0 : node.getTokens().size()),
          m == null ? "-" : latency(m.read()), m == null ? "-" : latency(m.write()),
          // The status records lastSeen only while the agent does not answer; one that answered just now is "now".
          m != null ? "now" : ago(node.getLastSeen(), now)});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    for (NodeStatus node : nodes) {
      if (node.getMessage() != null && !node.getMessage().isBlank()) {
        out.append("  ").append(node.getName()).append(": ").append(node.getMessage()).append('\n');
      }
      ContainerTermination last = node.getLastTermination();
      if (last != null) {
        out.append("  ").append(node.getName()).append(": last exit ").append(last.getExitCode()).append(" (")
            .append(last.getReason()).append(")").append(last.getRestartCount() == null ? ""
                : ", restarts " + last.getRestartCount())
            .append(last.getMessage() == null ? "\n" : "; the end of its output:\n");
        if (last.getMessage() != null) {
          List<String> lines = last.getMessage().lines().toList();
          for (String line : lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size())) {
            out.append("    | ").append(line).append('\n');
          }
        }
      }
    }
    return out.toString();
  }

  public static String latency(Latency latency) {
    if (latency == null || latency.count() == 0) {
      return "-";
    }
    double micros = latency.p99Micros();
    return micros >= 1000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000)
        : String.format(Locale.ROOT, "%.0f us", micros);
  }

  /** "12s ago", "5m ago", "3h ago", "2d ago" for an ISO-8601 instant; "-" when absent or unreadable. */
  public static String ago(String instant, Instant now) {
    if (instant == null || instant.isBlank()) {
      return "-";
    }
    try {
      long seconds = Math.max(0, Duration.between(Instant.parse(instant), now).getSeconds());
      if (seconds < 120) {
        return seconds + "s ago";
      } else if (seconds < 2 * 3600) {
        return seconds / 60 + "m ago";
      } else if (seconds < 2 * 86400) {
        return seconds / 3600 + "h ago";
      }
      return seconds / 86400 + "d ago";
    } catch (DateTimeParseException e) {
      return "-";
    }
  }

  public static String bytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String nz(String value) {
    return value == null ? "-" : value;
  }
}
