package io.ringkeeper.operator.domain.plan;

import java.util.Objects;

/**
 * What was observed of one recorded node.
 *
 * @param podExists whether its Pod exists (and is not terminating)
 * @param volumeExists whether its PersistentVolumeClaim exists
 * @param health its state in the ring
 * @param ready up, normal, serving CQL and seen up by every peer that answered
 * @param fresh whether its agent answered in the last poll round (else health is carried over from status, e.g.
 *     right after an operator restart); destructive steps start only on fresh facts
 * @param decommissioned the node reports operation mode DECOMMISSIONED: it left the ring
 * @param drained the node reports operation mode DRAINED: it flushed and stopped serving
 * @param restartReason why the node must restart (what it runs changed, or a restart annotation); null if not
 * @param manualRestart whether the restart was asked for on the node's own pod
 * @param replaceReason why the node must be replaced (replace annotation, pod unschedulable); null if not
 * @param address its pod IP, or the last one known
 * @param volumeBelowSpec whether its volume's request is smaller than spec.storage.size
 * @param volumeGrowing its volume asks for spec.storage.size but has not grown to it yet; null otherwise (also when
 *     the claim reports no capacity: there is nothing to wait for)
 * @param resizeRefused the last refused attempt to grow its volume to spec.storage.size; null when there is none
 * @param hibernatingAt an up peer whose gossip holds this node's address in status hibernate while this node's
 *     agent refuses connections (its process is gone): a replacement at the same address whose attempt failed,
 *     which no peer gossips with again (CASSANDRA-19580); null otherwise
 */
public record NodeFacts(
    boolean podExists,
    boolean volumeExists,
    NodeHealth health,
    boolean ready,
    boolean fresh,
    boolean decommissioned,
    boolean drained,
    String restartReason,
    boolean manualRestart,
    String replaceReason,
    String address,
    boolean volumeBelowSpec,
    VolumeResize.Growing volumeGrowing,
    VolumeResize.Refused resizeRefused,
    String hibernatingAt) {
  public static final NodeFacts ABSENT = new NodeFacts(false, false, NodeHealth.UNKNOWN);

  public NodeFacts {
    Objects.requireNonNull(health, "health");
  }

  /** A node no peer holds in status hibernate. */
  public NodeFacts(boolean podExists, boolean volumeExists, NodeHealth health, boolean ready, boolean fresh,
      boolean decommissioned, boolean drained, String restartReason, boolean manualRestart, String replaceReason,
      String address, boolean volumeBelowSpec, VolumeResize.Growing volumeGrowing, VolumeResize.Refused resizeRefused) {
    this(podExists, volumeExists, health, ready, fresh, decommissioned, drained, restartReason, manualRestart,
        replaceReason, address, volumeBelowSpec, volumeGrowing, resizeRefused, null);
  }

  /** A node whose volume is as large as spec.storage.size or simply asked to grow. */
  public NodeFacts(boolean podExists, boolean volumeExists, NodeHealth health, boolean ready, boolean fresh,
      boolean decommissioned, boolean drained, String restartReason, boolean manualRestart, String replaceReason,
      String address, boolean volumeBelowSpec) {
    this(podExists, volumeExists, health, ready, fresh, decommissioned, drained, restartReason, manualRestart,
        replaceReason, address, volumeBelowSpec, null, null);
  }

  /** A node with nothing to do: ready when up and normal. */
  public NodeFacts(boolean podExists, boolean volumeExists, NodeHealth health) {
    this(podExists, volumeExists, health, health == NodeHealth.UP_NORMAL, true, false, false, null, false, null,
        null, false);
  }

  public boolean normal() {
    return health == NodeHealth.UP_NORMAL;
  }

  public NodeFacts withHealth(NodeHealth h, boolean isReady) {
    return new NodeFacts(podExists, volumeExists, h, isReady, fresh, decommissioned, drained, restartReason,
        manualRestart, replaceReason, address, volumeBelowSpec, volumeGrowing, resizeRefused, hibernatingAt);
  }

  /** The same facts with its volume in this state. */
  public NodeFacts withVolume(boolean belowSpec, VolumeResize.Growing growing, VolumeResize.Refused refused) {
    return new NodeFacts(podExists, volumeExists, health, ready, fresh, decommissioned, drained, restartReason,
        manualRestart, replaceReason, address, belowSpec, growing, refused, hibernatingAt);
  }

  /** The same facts with this peer holding the node in status hibernate (null: none). */
  public NodeFacts withHibernatingAt(String peer) {
    return new NodeFacts(podExists, volumeExists, health, ready, fresh, decommissioned, drained, restartReason,
        manualRestart, replaceReason, address, volumeBelowSpec, volumeGrowing, resizeRefused, peer);
  }
}
