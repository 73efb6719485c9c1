package io.ringkeeper.operator.reconciler.validate;

import io.fabric8.kubernetes.api.model.Pod;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.util.Collection;
import java.util.List;

/**
 * TLS is not switched on or off under running nodes. A node restarted with {@code internode_encryption: all} and
 * {@code optional: false} refuses the plain-text connections of the others and cannot reach them either (and the
 * other way round when TLS is turned off): the rolling restart would cut that node off, then stall, or take a
 * second replica of its ranges out of the ring with the next node. Doing it safely takes three rolling restarts
 * (accept both, send TLS, require it), which the operator does not do yet; until it does, the spec is refused with
 * the fix, and nothing in the cluster changes.
 *
 * <p>With TLS on by default this also holds for a cluster created before that default, whose spec names no
 * {@code tls}: its nodes keep running in plain text, and its status says to set {@code spec.tls.enabled: false}.
 */
public final class TlsSwitch {
  public static final String REASON = "TlsSwitchUnsupported";

  private TlsSwitch() {}

  /** Whether a node's pod was made with the TLS Secret mounted (its Cassandra and agent run TLS). */
  static boolean runsTls(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getVolumes() != null
        && pod.getSpec().getVolumes().stream().anyMatch(v -> Names.TLS_VOLUME.equals(v.getName()));
  }

  /**
   * @param pods the cluster's node pods, as observed
   * @return one problem on spec.tls.enabled when running nodes disagree with it; empty otherwise
   */
  public static List<Problem> check(CassandraCluster cr, Collection<Pod> pods) {
    if (cr.getSpec() == null) {
      return List.of();
    }
    boolean wanted = SpecDefaults.tlsEnabled(cr.getSpec());
    List<String> other = pods.stream()
        .filter(p -> p.getMetadata() != null && p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> runsTls(p) != wanted)
        .map(p -> p.getMetadata().getName()).sorted().toList();
    if (other.isEmpty()) {
      return List.of();
    }
    boolean named = cr.getSpec().getTls() != null && cr.getSpec().getTls().getEnabled() != null;
    String nodes = String.join(", ", other);
    if (wanted) {
      return List.of(new Problem("spec.tls.enabled", (named ? "is true" : "is empty, which means TLS on (the"
          + " default)") + ", but nodes " + nodes + " run without TLS: turning TLS on under running nodes is not"
          + " supported yet (a node restarted with TLS can neither reach the others nor be reached by them, so the"
          + " rolling restart would cut it off); set spec.tls.enabled: false to keep the cluster in plain text; until then nothing in the cluster is changed",
          REASON));
    }
    return List.of(new Problem("spec.tls.enabled", "is false, but nodes " + nodes + " run with TLS: turning TLS off"
        + " under running nodes is not supported yet (a node restarted in plain text can neither reach the others"
        + " nor be reached by them); set spec.tls.enabled: true, or remove it; until then nothing in the cluster is changed", REASON));
  }
}
