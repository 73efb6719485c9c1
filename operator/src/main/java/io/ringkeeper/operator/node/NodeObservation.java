package io.ringkeeper.operator.node;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The last answer (or failure) of one node's agent.
 *
 * @param node node name
 * @param address the pod IP that was asked
 * @param at when the call completed
 * @param info the node's state; null when the call failed
 * @param failure why the call failed; null when it succeeded
 * @param failureMessage the failure's message; null when it succeeded
 * @param lastAnswer when this node's agent last answered at this address; null if it never did
 */
public record NodeObservation(
    String node,
    String address,
    Instant at,
    NodeInfo info,
    NodeClientException.Kind failure,
    String failureMessage,
    Instant lastAnswer) {

  public NodeObservation {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(at, "at");
    if ((info == null) == (failure == null)) {
      throw new IllegalArgumentException("an observation has either info or a failure");
    }
  }

  public static NodeObservation answered(String node, String address, Instant at, NodeInfo info) {
    return new NodeObservation(node, address, at, info, null, null, at);
  }

  public static NodeObservation failed(String node, String address, Instant at, NodeClientException.Kind kind,
      String message, Instant lastAnswer) {
    return new NodeObservation(node, address, at, null, kind, message, lastAnswer);
  }

  public boolean answeredNow() {
    return info != null;
  }

  public Optional<NodeInfo> infoIfAnswered() {
    return Optional.ofNullable(info);
  }

  /**
   * What a reconcile would report differently if it changed: the node's mode, identity, tokens, its view of its
   * peers (the hibernating ones too: a failed replacement is helped on that news), whether CQL runs, its load at
   * two significant digits, or the kind of failure. Timestamps, messages and
   * small load changes are left out so that a steady cluster causes no reconciles and no status writes.
   */
  public List<Object> signature() {
    if (info == null) {
      return List.of(address, failure);
    }
    return List.of(address, info.operationMode(), String.valueOf(info.hostId()), String.valueOf(info.endpoint()),
        String.valueOf(info.datacenter()), String.valueOf(info.rack()), String.valueOf(info.releaseVersion()),
        info.nativeTransportRunning(), info.tokens(), new TreeSet<>(info.liveNodes()),
        new TreeSet<>(info.unreachableNodes()), new TreeSet<>(info.joiningNodes()),
        new TreeSet<>(info.leavingNodes()), new TreeSet<>(info.movingNodes()), roundLoad(info.loadBytes()),
        new TreeSet<>(info.hibernatingNodes()));
  }

  /**
   * A load rounded to two significant digits (1234567 -> 1200000): what status reports, so that it is rewritten
   * when the load changed noticeably, not on every write.
   */
  public static long roundLoad(long bytes) {
    if (bytes < 100) {
      return bytes;
    }
    long scale = 1;
    while (bytes / scale >= 100) {
      scale *= 10;
    }
    return Math.round((double) bytes / scale) * scale;
  }
}
