package io.ringkeeper.operator.node;

import java.util.List;
import java.util.Map;

/**
 * One node's own state and its view of the cluster, as its agent reports it.
 *
 * <p>Endpoints are IP addresses without the storage port (e.g. {@code 10.0.0.5}), so they match pod IPs:
 * every node of a cluster listens on the same storage port.
 *
 * @param operationMode StorageService operation mode
 * @param hostId the node's host id
 * @param endpoint the node's broadcast address (how peers and the ring name it); null in the first moments of
 *     start-up, before the node knows its host id
 * @param datacenter the node's datacenter
 * @param rack the node's rack
 * @param releaseVersion Cassandra release, e.g. 5.0.9
 * @param nativeTransportRunning whether CQL is served
 * @param gossipRunning whether gossip is running
 * @param tokens the node's own tokens, sorted
 * @param loadBytes data held by the node (Cassandra's Storage.Load metric)
 * @param liveNodes endpoints this node sees up (including itself)
 * @param unreachableNodes endpoints this node sees down
 * @param joiningNodes endpoints joining the ring
 * @param leavingNodes endpoints leaving the ring
 * @param movingNodes endpoints moving
 * @param ring the whole token ring as this node sees it: token to endpoint
 * @param endpointDatacenters datacenter of every endpoint in the ring
 * @param endpointRacks rack of every endpoint in the ring
 * @param hostIds host id of every endpoint in the ring
 * @param maxHintWindowMs max_hint_window of the node, in milliseconds
 * @param uptimeSeconds seconds since the JVM started
 * @param hibernatingNodes endpoints this node's gossip holds in status hibernate: a replacement at the same
 *     address while it runs, or one whose attempt failed (then no peer gossips with its next start,
 *     CASSANDRA-19580); empty from an agent that does not report it
 */
public record NodeInfo(
    OperationMode operationMode,
    String hostId,
    String endpoint,
    String datacenter,
    String rack,
    String releaseVersion,
    boolean nativeTransportRunning,
    boolean gossipRunning,
    List<Long> tokens,
    long loadBytes,
    List<String> liveNodes,
    List<String> unreachableNodes,
    List<String> joiningNodes,
    List<String> leavingNodes,
    List<String> movingNodes,
    Map<Long, String> ring,
    Map<String, String> endpointDatacenters,
    Map<String, String> endpointRacks,
    Map<String, String> hostIds,
    long maxHintWindowMs,
    long uptimeSeconds,
    List<String> hibernatingNodes) {

  public NodeInfo {
    tokens = List.copyOf(tokens);
    liveNodes = List.copyOf(liveNodes);
    unreachableNodes = List.copyOf(unreachableNodes);
    joiningNodes = List.copyOf(joiningNodes);
    leavingNodes = List.copyOf(leavingNodes);
    movingNodes = List.copyOf(movingNodes);
    ring = Map.copyOf(ring);
    endpointDatacenters = Map.copyOf(endpointDatacenters);
    endpointRacks = Map.copyOf(endpointRacks);
    hostIds = Map.copyOf(hostIds);
    hibernatingNodes = hibernatingNodes == null ? List.of() : List.copyOf(hibernatingNodes);
  }

  /** A node whose gossip holds no peer in status hibernate. */
  public NodeInfo(OperationMode operationMode, String hostId, String endpoint, String datacenter, String rack,
      String releaseVersion, boolean nativeTransportRunning, boolean gossipRunning, List<Long> tokens,
      long loadBytes, List<String> liveNodes, List<String> unreachableNodes, List<String> joiningNodes,
      List<String> leavingNodes, List<String> movingNodes, Map<Long, String> ring,
      Map<String, String> endpointDatacenters, Map<String, String> endpointRacks, Map<String, String> hostIds,
      long maxHintWindowMs, long uptimeSeconds) {
    this(operationMode, hostId, endpoint, datacenter, rack, releaseVersion, nativeTransportRunning, gossipRunning,
        tokens, loadBytes, liveNodes, unreachableNodes, joiningNodes, leavingNodes, movingNodes, ring,
        endpointDatacenters, endpointRacks, hostIds, maxHintWindowMs, uptimeSeconds, List.of());
  }
}
