package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.api.v1alpha1.RackSpec;
import io.ringkeeper.operator.domain.model.Datacenter;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.model.Rack;
import io.ringkeeper.operator.domain.model.Topology;
import io.ringkeeper.operator.domain.plan.ClusterState;
import io.ringkeeper.operator.domain.plan.KnownNode;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.domain.plan.NodeFacts;
import io.ringkeeper.operator.domain.plan.NodeHealth;
import io.ringkeeper.operator.reconciler.observe.ObservedState;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps the custom resource and what was observed to the domain's values (domain/ never sees CR classes). */
public final class ClusterMapper {
  private static final Pattern INDEX = Pattern.compile("-([0-9]+)$");

  private ClusterMapper() {}

  public static List<Datacenter> datacenters(CassandraCluster cr) {
    List<Datacenter> result = new ArrayList<>();
    for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
      List<Rack> racks = new ArrayList<>();
      for (RackSpec rack : SpecDefaults.racks(dc)) {
        racks.add(Rack.of(rack.getName(), rack.getZone()));
      }
      result.add(new Datacenter(dc.getName(), SpecDefaults.replicationFactor(dc), SpecDefaults.size(dc), racks));
    }
    return result;
  }

  /** The nodes recorded in status, with their tokens. */
  public static List<KnownNode> known(CassandraCluster cr) {
    CassandraClusterStatus status = cr.getStatus();
    if (status == null || status.getNodes() == null) {
      return List.of();
    }
    List<KnownNode> known = new ArrayList<>();
    for (NodeStatus node : status.getNodes()) {
      known.add(new KnownNode(nodeId(cr.getMetadata().getName(), node), node.getTokens(),
          Boolean.TRUE.equals(node.getInitial()), identity(node.getAdoptedFrom())));
    }
    return known;
  }

  /** The identity of status.nodes[].adoptedFrom ("Volume", "Node", or absent). */
  public static KnownNode.Identity identity(String adoptedFrom) {
    if ("Volume".equals(adoptedFrom)) {
      return KnownNode.Identity.VOLUME;
    }
    return "Node".equals(adoptedFrom) ? KnownNode.Identity.NODE : KnownNode.Identity.ASSIGNED;
  }

  /** status.nodes[].adoptedFrom of an identity. */
  public static String adoptedFrom(KnownNode.Identity identity) {
    return switch (identity) {
      case ASSIGNED -> null;
      case VOLUME -> "Volume";
      case NODE -> "Node";
    };
  }

  static NodeId nodeId(String cluster, NodeStatus node) {
    Matcher m = INDEX.matcher(node.getName());
    if (!m.find()) {
      throw new IllegalStateException("status entry " + node.getName() + " does not end in a node index");
    }
    return new NodeId(cluster, node.getDatacenter(), node.getRack(), Integer.parseInt(m.group(1)));
  }

  public static Optional<NodeStatus> previous(CassandraCluster cr, String node) {
    CassandraClusterStatus status = cr.getStatus();
    if (status == null || status.getNodes() == null) {
      return Optional.empty();
    }
    return status.getNodes().stream().filter(n -> node.equals(n.getName())).findFirst();
  }

  /**
   * The seeds of every datacenter among the recorded nodes (see {@link Topology#seeds}). A node being replaced is
   * no seed while the replacement runs: Cassandra never bootstraps a node that finds itself among the seeds, and a
   * replacement must bootstrap (stream the lost node's data). Another node of its datacenter stands in; seeds
   * are read at start-up only, so the move restarts nobody.
   */
  public static List<NodeId> seeds(CassandraCluster cr, List<KnownNode> known) {
    String replacing = replacing(cr);
    List<NodeId> seeds = new ArrayList<>();
    for (DatacenterSpec dc : cr.getSpec().getDatacenters()) {
      List<String> rackOrder = SpecDefaults.racks(dc).stream().map(RackSpec::getName).toList();
      List<NodeId> nodes = known.stream().map(KnownNode::id).filter(id -> id.datacenter().equals(dc.getName()))
          .filter(id -> replacing == null || !Names.node(id).equals(replacing))
          .toList();
      seeds.addAll(Topology.seeds(rackOrder, nodes));
    }
    return seeds;
  }

  /** The node a recorded Replace operation replaces, or null. */
  static String replacing(CassandraCluster cr) {
    if (cr.getStatus() == null || cr.getStatus().getOperation() == null) {
      return null;
    }
    var op = cr.getStatus().getOperation();
    return op.getType() == io.ringkeeper.api.v1alpha1.OperationType.Replace ? op.getNode() : null;
  }

  public static boolean ringFormed(CassandraCluster cr) {
    return cr.getStatus() != null && Boolean.TRUE.equals(cr.getStatus().getRingFormed());
  }

  public static ClusterState state(CassandraCluster cr, List<KnownNode> known, boolean ringFormed,
      ObservedState observed, Map<String, NodeView> views) {
    Map<String, NodeFacts> facts = new HashMap<>();
    for (KnownNode node : known) {
      NodeView view = views.get(node.name());
      facts.put(node.name(), new NodeFacts(observed.pods().containsKey(node.name()),
          observed.volumes().containsKey(node.name()),
          view == null ? NodeHealth.UNKNOWN : view.health()));
    }
    return new ClusterState(cr.getMetadata().getName(), SpecDefaults.numTokens(cr), datacenters(cr), ringFormed,
        known, facts);
  }
}
