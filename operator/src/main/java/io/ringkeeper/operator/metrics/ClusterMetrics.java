package io.ringkeeper.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.api.v1alpha1.DatacenterRingStatus;
import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.NodeState;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.OperationType;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.operator.node.ClusterKey;
import io.ringkeeper.operator.node.Latency;
import io.ringkeeper.operator.node.NodeMetrics;
import io.ringkeeper.operator.node.NodeObservation;
import io.ringkeeper.operator.node.NodePoller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node and per-cluster gauges. Nodes are labelled namespace, cluster, dc, rack and node only, so the number of
 * series grows with the number of nodes and nothing else.
 *
 * <p>Two sources, no agent calls of its own: the status each reconcile computes ({@link #statusChanged}: node
 * states, ownership, load, ring spread, repair, operation) and the node poller's last figures per node (latency,
 * compactions, hints, heap), which the poller fetches in the same round as the node state the reconciler reads.
 * {@link #refresh()} rebuilds every gauge's rows from the latest of both, overwriting the previous rows, so the
 * series of a deleted node or cluster disappear at the next scrape.
 */
public final class ClusterMetrics {
  private static final double MICROS = 1e-6;

  private final NodePoller poller;
  private final Clock clock;
  private final Map<ClusterKey, CassandraClusterStatus> statuses = new ConcurrentHashMap<>();
  private final Map<Series, MultiGauge> gauges = new EnumMap<>(Series.class);
  private final MeterRegistry registry;

  ClusterMetrics(MeterRegistry registry, NodePoller poller, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.poller = Objects.requireNonNull(poller, "poller");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The status a reconcile just computed for a cluster; null when the cluster was deleted. */
  public void statusChanged(ClusterKey cluster, CassandraClusterStatus status) {
    if (status == null) {
      statuses.remove(cluster);
    } else {
      statuses.put(cluster, status);
    }
  }

  /** Rebuilds every gauge from the latest statuses and node figures. */
  public synchronized void refresh() {
    Rows rows = new Rows();
    Instant now = clock.instant();
    statuses.forEach((cluster, status) -> {
      clusterRows(rows, cluster, status, now);
      Map<String, NodeMetrics> figures = poller.metrics(cluster);
      Map<String, NodeObservation> observed = poller.observations(cluster);
      for (NodeStatus node : status.getNodes()) {
        nodeRows(rows, cluster, node, observed.get(node.getName()), figures.get(node.getName()));
      }
    });
    rows.bySeries.forEach((series, list) -> gauge(series).register(list, true));
    // Gauges with no row this time (e.g. the last cluster was deleted) lose their old rows too.
    gauges.forEach((series, gauge) -> {
      if (!rows.bySeries.containsKey(series)) {
        gauge.register(List.of(), true);
      }
    });
  }

  private void clusterRows(Rows rows, ClusterKey cluster, CassandraClusterStatus status, Instant now) {
    Tags tags = Tags.of("namespace", cluster.namespace(), "cluster", cluster.name());
    rows.add(Series.CLUSTER_NODES_DESIRED, tags, orZero(status.getDesiredNodes()));
    rows.add(Series.CLUSTER_NODES_READY, tags, orZero(status.getReadyNodes()));
    for (ClusterPhase phase : ClusterPhase.values()) {
      rows.add(Series.CLUSTER_PHASE, tags.and("phase", phase.name()), phase == status.getPhase() ? 1 : 0);
    }
    OperationType running = status.getOperation() == null ? null : status.getOperation().getType();
    for (OperationType type : OperationType.values()) {
      rows.add(Series.CLUSTER_OPERATION, tags.and("type", type.name()), type == running ? 1 : 0);
    }
    if (status.getRing() != null) {
      for (DatacenterRingStatus dc : status.getRing().getDatacenters()) {
        if (dc.getOwnershipSpread() != null) {
          rows.add(Series.CLUSTER_RING_SPREAD, tags.and("dc", nonNull(dc.getName())), dc.getOwnershipSpread());
        }
      }
    }
    RepairRunStatus run = status.getRepair() == null ? null : status.getRepair().getRunning();
    rows.add(Series.CLUSTER_REPAIR_RUNNING, tags, run == null ? 0 : 1);
    if (run != null && run.getSegmentsTotal() != null && run.getSegmentsTotal() > 0) {
      double done = orZero(run.getSegmentsDone());
      rows.add(Series.CLUSTER_REPAIR_SEGMENTS_DONE, tags, done);
      rows.add(Series.CLUSTER_REPAIR_SEGMENTS_PLANNED, tags, run.getSegmentsTotal());
      rows.add(Series.CLUSTER_REPAIR_PROGRESS, tags, done / run.getSegmentsTotal());
    }
    if (status.getRepair() != null) {
      for (KeyspaceRepairStatus keyspace : status.getRepair().getKeyspaces()) {
        Instant last = instant(keyspace.getLastCompleted());
        if (last != null && keyspace.getName() != null) {
          rows.add(Series.CLUSTER_REPAIR_AGE, tags.and("keyspace", keyspace.getName()),
              Math.max(0, Duration.between(last, now).toMillis() / 1000.0));
        }
      }
    }
  }

  private void nodeRows(Rows rows, ClusterKey cluster, NodeStatus node, NodeObservation observed,
      NodeMetrics figures) {
    Tags tags = Tags.of("namespace", cluster.namespace(), "cluster", cluster.name(), "dc",
        nonNull(node.getDatacenter()), "rack", nonNull(node.getRack()), "node", nonNull(node.getName()));
    NodeState state = node.getState() == null ? NodeState.Unknown : node.getState();
    rows.add(Series.NODE_UP, tags, up(state) ? 1 : 0);
    for (NodeState value : NodeState.values()) {
      rows.add(Series.NODE_STATE, tags.and("state", value.name()), value == state ? 1 : 0);
    }
    // The last answer's exact load; status rounds it to two digits (so that it is not rewritten on every write).
    if (observed != null && observed.answeredNow()) {
      rows.add(Series.NODE_LOAD, tags, observed.info().loadBytes());
    } else if (node.getLoadBytes() != null) {
      rows.add(Series.NODE_LOAD, tags, node.getLoadBytes());
    }
    if (node.getOwnership() != null) {
      rows.add(Series.NODE_OWNERSHIP, tags, node.getOwnership());
    }
    if (figures == null) {
      return;
    }
    latency(rows, Series.NODE_READ_LATENCY, tags, figures.read());
    latency(rows, Series.NODE_WRITE_LATENCY, tags, figures.write());
    rows.add(Series.NODE_PENDING_COMPACTIONS, tags, figures.pendingCompactions());
    rows.add(Series.NODE_PENDING_HINTS, tags, figures.pendingHints());
    rows.add(Series.NODE_DROPPED_MESSAGES, tags, figures.droppedMessages());
    rows.add(Series.NODE_HEAP_USED, tags, figures.heapUsedBytes());
    rows.add(Series.NODE_HEAP_MAX, tags, figures.heapMaxBytes());
  }

  private static void latency(Rows rows, Series series, Tags tags, Latency latency) {
    Latency l = latency == null ? Latency.NONE : latency;
    rows.add(series, tags.and("quantile", "0.5"), l.p50Micros() * MICROS);
    rows.add(series, tags.and("quantile", "0.95"), l.p95Micros() * MICROS);
    rows.add(series, tags.and("quantile", "0.99"), l.p99Micros() * MICROS);
  }

  static boolean up(NodeState state) {
    return state == NodeState.UN || state == NodeState.UJ || state == NodeState.UL || state == NodeState.UM;
  }

  private MultiGauge gauge(Series series) {
    return gauges.computeIfAbsent(series, s -> {
      MultiGauge.Builder builder = MultiGauge.builder(series.meterName).description(series.description);
      if (series.baseUnit != null) {
        builder.baseUnit(series.baseUnit);
      }
      return builder.register(registry);
    });
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  private static double orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static Instant instant(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Rows per gauge, collected during one refresh. */
  private static final class Rows {
    final Map<Series, List<MultiGauge.Row<?>>> bySeries = new EnumMap<>(Series.class);

    void add(Series series, Tags tags, double value) {
      bySeries.computeIfAbsent(series, n -> new ArrayList<>()).add(MultiGauge.Row.of(tags, value));
    }
  }

  /** Every gauge of this class: Micrometer name, unit and help text (the Prometheus name is in docs/metrics.md). */
  enum Series {
    NODE_UP("ringkeeper.node.up", null, "1 when the cluster sees the node up (state UN, UJ, UL or UM), else 0"),
    NODE_STATE("ringkeeper.node.state", null, "1 for the node's current state (nodetool notation), 0 for others"),
    NODE_LOAD("ringkeeper.node.load", "bytes", "Data held by the node (Cassandra's Storage.Load)"),
    NODE_OWNERSHIP("ringkeeper.node.effective.ownership", "ratio",
        "Share of the datacenter's data the node holds a replica of (1.0 = all)"),
    NODE_READ_LATENCY("ringkeeper.node.read.latency", "seconds",
        "Coordinator read latency percentiles (Cassandra's decaying histogram)"),
    NODE_WRITE_LATENCY("ringkeeper.node.write.latency", "seconds",
        "Coordinator write latency percentiles (Cassandra's decaying histogram)"),
    NODE_PENDING_COMPACTIONS("ringkeeper.node.pending.compactions", null, "Compactions waiting to run"),
    NODE_PENDING_HINTS("ringkeeper.node.pending.hints", null, "Hint files stored for peers that were down"),
    NODE_DROPPED_MESSAGES("ringkeeper.node.dropped.messages", null, "Messages dropped since the node started"),
    NODE_HEAP_USED("ringkeeper.node.heap.used", "bytes", "Heap in use in the Cassandra JVM"),
    NODE_HEAP_MAX("ringkeeper.node.heap.max", "bytes", "Maximum heap of the Cassandra JVM"),
    CLUSTER_NODES_DESIRED("ringkeeper.cluster.nodes.desired", null, "Nodes the spec asks for"),
    CLUSTER_NODES_READY("ringkeeper.cluster.nodes.ready", null, "Nodes up, normal and serving CQL"),
    CLUSTER_PHASE("ringkeeper.cluster.phase", null, "1 for the cluster's current phase, 0 for others"),
    CLUSTER_OPERATION("ringkeeper.cluster.operation.in.progress", null,
        "1 for the type of the operation in progress, 0 for others"),
    CLUSTER_RING_SPREAD("ringkeeper.cluster.ring.ownership.spread", "ratio",
        "Max/min effective ownership across the datacenter's nodes (1.0 = perfectly even)"),
    CLUSTER_REPAIR_RUNNING("ringkeeper.cluster.repair.running", null, "1 while a repair run is in progress"),
    CLUSTER_REPAIR_SEGMENTS_DONE("ringkeeper.cluster.repair.segments.done", null,
        "Segments repaired in the running repair"),
    CLUSTER_REPAIR_SEGMENTS_PLANNED("ringkeeper.cluster.repair.segments.planned", null,
        "Segments of the running repair"),
    CLUSTER_REPAIR_PROGRESS("ringkeeper.cluster.repair.progress", "ratio",
        "Share of the running repair's segments done"),
    CLUSTER_REPAIR_AGE("ringkeeper.cluster.repair.since.last.completed", "seconds",
        "Seconds since the keyspace's last completed repair");

    final String meterName;
    final String baseUnit;
    final String description;

    Series(String meterName, String baseUnit, String description) {
      this.meterName = meterName;
      this.baseUnit = baseUnit;
      this.description = description;
    }
  }
}
