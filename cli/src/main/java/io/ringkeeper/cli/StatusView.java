package io.ringkeeper.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.OperationStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.node.NodeMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code kubectl ringkeeper status} prints: the node table ({@link StatusTable}), then the current operation
 * and repair run with progress bars, the conditions with their messages, the PodDisruptionBudgets and the recent
 * Warning events of the cluster and its pods. Pure: everything it shows is passed in.
 */
public final class StatusView {
  /** Warning events shown, newest last. */
  static final int WARNINGS = 10;
  private static final int BAR = 20;

  private StatusView() {}

  public static String render(CassandraCluster cr, Map<String, NodeMetrics> metrics, List<PodDisruptionBudget> pdbs,
      List<Event> warnings, Instant now) {
    StringBuilder out = new StringBuilder(StatusTable.render(cr, metrics, now));
    CassandraClusterStatus status = cr.getStatus();
    if (status == null) {
      return out.toString();
    }
    out.append('\n').append(operation(status, now)).append('\n');
    String repair = repair(status.getRepair());
    if (repair != null) {
      out.append(repair).append('\n');
    }
    if (status.getConditions() != null && !status.getConditions().isEmpty()) {
      out.append("\nConditions:\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"});
      for (Condition c : status.getConditions()) {
        rows.add(new String[] {nz(c.getType()), nz(c.getStatus()), nz(c.getReason()),
            StatusTable.ago(c.getLastTransitionTime(), now), nz(c.getMessage())});
      }
      table(rows, out);
    }
    if (!pdbs.isEmpty()) {
      out.append("\nPodDisruptionBudgets:\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "MAX UNAVAILABLE", "HEALTHY", "ALLOWED DISRUPTIONS"});
      for (PodDisruptionBudget pdb : pdbs) {
        rows.add(new String[] {pdb.getMetadata().getName(), pdb.getSpec() == null
            || pdb.getSpec().getMaxUnavailable() == null ? "-" : intOrString(pdb.getSpec().getMaxUnavailable()),
            pdb.getStatus() == null ? "-" : pdb.getStatus().getCurrentHealthy() + "/" + pdb.getStatus()
                .getExpectedPods(),
            pdb.getStatus() == null ? "-" : String.valueOf(pdb.getStatus().getDisruptionsAllowed())});
      }
      table(rows, out);
    }
    out.append('\n');
    if (warnings.isEmpty()) {
      out.append("Warnings: none\n");
    } else {
      List<Event> recent = new ArrayList<>(warnings);
      recent.sort(Comparator.comparing(StatusView::time));
      recent = recent.subList(Math.max(0, recent.size() - WARNINGS), recent.size());
      out.append("Warnings (").append(recent.size() == warnings.size() ? "" : "last ").append(recent.size())
          .append("):\n");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"LAST SEEN", "COUNT", "OBJECT", "REASON", "MESSAGE"});
      for (Event e : recent) {
        rows.add(new String[] {StatusTable.ago(time(e), now), e.getCount() == null ? "1" : e.getCount().toString(),
            e.getInvolvedObject() == null ? "-" : e.getInvolvedObject().getKind() + "/"
                + e.getInvolvedObject().getName(), nz(e.getReason()), oneLine(e.getMessage())});
      }
      table(rows, out);
    }
    return out.toString();
  }

  /** "Operation: none" or the operation, its step and a progress bar where the status says how far it is. */
  static String operation(CassandraClusterStatus status, Instant now) {
    OperationStatus op = status.getOperation();
    if (op == null || op.getType() == null) {
      return "Operation: none";
    }
    StringBuilder out = new StringBuilder("Operation: ").append(op.getType());
    if (op.getNode() != null) {
      out.append(" of ").append(op.getNode());
    } else if (op.getDatacenter() != null) {
      out.append(" of datacenter ").append(op.getDatacenter());
    }
    if (op.getStep() != null) {
      out.append(", step ").append(op.getStep());
    }
    if (op.getSince() != null) {
      out.append(" (since ").append(StatusTable.ago(op.getSince(), now)).append(')');
    }
    if (op.getStartedAt() != null) {
      out.append(", started ").append(StatusTable.ago(op.getStartedAt(), now));
    }
    if (op.getAttempts() != null && op.getAttempts() > 1) {
      out.append(", attempt ").append(op.getAttempts());
    }
    // Only a new cluster's creation has a count to show: every other operation works on one node at a time.
    if (op.getType() == OperationType.Create && status.getReadyNodes() != null && status.getDesiredNodes() != null) {
      out.append("\n  ").append(bar(status.getReadyNodes(), status.getDesiredNodes())).append(" nodes ready");
    }
    if (op.getMessage() != null && !op.getMessage().isBlank()) {
      out.append("\n  ").append(oneLine(op.getMessage()));
    }
    return out.toString();
  }

  static String repair(RepairStatus repair) {
    if (repair == null) {
      return null;
    }
    StringBuilder out = new StringBuilder("Repair: ");
    RepairRunStatus run = repair.getRunning();
    if (run != null) {
      out.append("running ").append(nz(run.getId())).append(" (").append(nz(run.getTrigger())).append(')');
      if (run.getKeyspaces() != null && !run.getKeyspaces().isEmpty()) {
        out.append(" keyspaces ").append(String.join(",", run.getKeyspaces()));
      }
      if (run.getSegmentsTotal() != null && run.getSegmentsTotal() > 0) {
        int done = run.getSegmentsDone() == null ? 0 : run.getSegmentsDone();
        out.append("\n  ").append(bar(done, run.getSegmentsTotal())).append(" segments");
      }
      if (run.getPostponedReason() != null) {
        out.append("\n  postponed: ").append(run.getPostponedReason());
      }
    } else {
      out.append("idle");
    }
    out.append(run != null ? "\n  " : "; ").append("last completed ").append(nz(repair.getLastCompleted()));
    if (repair.getLastResult() != null) {
      out.append(" (").append(repair.getLastResult()).append(')');
    }
    out.append(", next ").append(nz(repair.getNext()));
    return out.toString();
  }

  /** "[########------------] 12/30 (40%)". */
  static String bar(int done, int total) {
    int filled = total <= 0 ? 0 : Math.min(BAR, Math.round(BAR * (float) done / total));
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + done + "/" + total
        + String.format(Locale.ROOT, " (%d%%)", total <= 0 ? 0 : Math.round(100f * done / total));
  }

  static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getFirstTimestamp() == null ? "" : e.getFirstTimestamp();
  }

  static void table(List<String[]> rows, StringBuilder out) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static String intOrString(io.fabric8.kubernetes.api.model.IntOrString value) {
    return value.getIntVal() != null ? value.getIntVal().toString() : nz(value.getStrVal());
  }

  private static String oneLine(String text) {
    return text == null ? "-" : text.strip().replace('\n', ' ');
  }

  private static String nz(String value) {
    return value == null ? "-" : value;
  }
}
