package io.ringkeeper.operator.resources;

import io.ringkeeper.operator.domain.model.NodeId;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every label and annotation key the operator sets, and the label sets of its objects. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String CLUSTER = "ringkeeper.io/cluster";
  public static final String DATACENTER = "ringkeeper.io/datacenter";
  public static final String RACK = "ringkeeper.io/rack";
  public static final String NODE = "ringkeeper.io/node";
  public static final String SEED = "ringkeeper.io/seed";

  public static final String APP = "cassandra";
  public static final String MANAGER = "ringkeeper";
  /** The selector of every informer: the operator watches only what it manages. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGER;

  /** Annotation: hash of the rendered cassandra.yaml a pod was created with. */
  public static final String CONFIG_HASH = "ringkeeper.io/config-hash";
  /** Annotation: hash of the pod spec a pod was created with; a difference means the pod runs an old spec. */
  public static final String POD_SPEC_HASH = "ringkeeper.io/pod-spec-hash";
  /**
   * Annotation on a PVC: the node's tokens (comma-separated), so they survive the loss of the cluster's status.
   * With {@link #HOST_ID}, {@link #INITIAL} and {@link #DECOMMISSIONED} it is the second record of the node's
   * identity, from which a lost status is rebuilt (see Adoption).
   */
  public static final String TOKENS = "ringkeeper.io/tokens";
  /** PVC annotation: the node's host id, once the node reported it. */
  public static final String HOST_ID = "ringkeeper.io/host-id";
  /** PVC annotation: "true" when the node was created with the cluster (started with auto_bootstrap false). */
  public static final String INITIAL = "ringkeeper.io/initial";
  /** PVC annotation: when the node left the ring (ISO-8601): a retained volume that is never adopted again. */
  public static final String DECOMMISSIONED = "ringkeeper.io/decommissioned";
  /**
   * PVC annotation: the datacenter this node's datacenter streams its data from, written while the rebuild of a
   * datacenter added to the running cluster is pending, so a lost status does not forget the rebuild.
   */
  public static final String REBUILD_FROM = "ringkeeper.io/rebuild-from";
  /** PVC annotation: when the rebuild of the node's datacenter finished (ISO-8601), beside {@link #REBUILD_FROM}. */
  public static final String REBUILT = "ringkeeper.io/rebuilt";
  /** Annotation on a cluster: a new value (e.g. a timestamp) asks for one repair run now. */
  public static final String REPAIR_REQUEST = "ringkeeper.io/repair";
  /**
   * Pod annotation: hash of what the node runs (the Cassandra container: image, JVM options, env, resources; the
   * rendered cassandra.yaml; and spec.podTemplate when it sets anything). Not the operator's own image, so an
   * operator upgrade restarts nothing.
   */
  public static final String RUNS_HASH = "ringkeeper.io/runs-hash";
  /**
   * Annotation on the cluster: the nodes to fence, comma-separated (e.g. {@code orders-dc1-r1-0}). On the cluster, not
   * on the pod: a fenced node's pod is deleted, and the mark must outlive it so the pod is not re-created.
   */
  public static final String FENCED = "ringkeeper.io/fenced";
  /** On the cluster: restart every node, one at a time (value: any new value, e.g. a timestamp). On a pod: that node. */
  public static final String RESTART = "ringkeeper.io/restart";
  /** Pod annotation: the cluster's restart annotation the pod was created under. */
  public static final String RESTARTED_FOR = "ringkeeper.io/restarted-for";
  /** Pod annotation: replace this node with an empty one holding the same tokens (its data is streamed back). */
  public static final String REPLACE = "ringkeeper.io/replace";
  /**
   * PVC annotation: the size the API server last refused to grow the volume to (e.g. its storage class does not
   * allow volume expansion). With {@link #RESIZE_FAILED_AT}, {@link #RESIZE_ATTEMPTS} and {@link #RESIZE_MESSAGE}
   * it delays the next attempt, also across operator restarts; a successful resize or another size clears them.
   */
  public static final String RESIZE_FAILED = "ringkeeper.io/resize-failed";
  /** PVC annotation: when the last resize attempt was refused (ISO-8601 instant). */
  public static final String RESIZE_FAILED_AT = "ringkeeper.io/resize-failed-at";
  /** PVC annotation: refused resize attempts to the size of {@link #RESIZE_FAILED} in a row. */
  public static final String RESIZE_ATTEMPTS = "ringkeeper.io/resize-attempts";
  /** PVC annotation: the API server's message of the last refused resize. */
  public static final String RESIZE_MESSAGE = "ringkeeper.io/resize-message";

  /** Node TLS Secret annotation: the certificate's notAfter (ISO-8601 instant). */
  public static final String TLS_NOT_AFTER = "ringkeeper.io/tls-not-after";
  /** Node TLS Secret annotation: when it is renewed (2/3 of its lifetime; ISO-8601 instant). */
  public static final String TLS_RENEW_AT = "ringkeeper.io/tls-renew-at";
  /**
   * Node TLS Secret annotation: where the certificate came from and which version of it, e.g.
   * {@code operator-ca:orders-ca@<hash>} (the generated CA), {@code ca:my-ca@<hash>} (spec.tls.caSecretRef) or
   * {@code secret:my-cert@<hash>} (spec.tls.secretRef), the hash of the certificate and ca.crt; another
   * value reissues (or copies again) the Secret.
   */
  public static final String TLS_SOURCE = "ringkeeper.io/tls-source";
  /** Node TLS Secret annotation: hash of the DNS names the certificate must carry; another value reissues it. */
  public static final String TLS_NAMES = "ringkeeper.io/tls-names";

  private Labels() {}

  /** Labels every object of a cluster carries. */
  public static Map<String, String> cluster(String cluster) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, APP);
    labels.put(INSTANCE, cluster);
    labels.put(MANAGED_BY, MANAGER);
    labels.put(CLUSTER, cluster);
    return labels;
  }

  /** Labels of a cluster-wide object with a component, e.g. "config". */
  public static Map<String, String> component(String cluster, String component) {
    Map<String, String> labels = cluster(cluster);
    labels.put(COMPONENT, component);
    return labels;
  }

  /** Labels of a datacenter's objects (its PodDisruptionBudget). */
  public static Map<String, String> datacenter(String cluster, String datacenter) {
    Map<String, String> labels = component(cluster, "node");
    labels.put(DATACENTER, datacenter);
    return labels;
  }

  /** Labels of a node's Pod and PVC. */
  public static Map<String, String> node(NodeId id, boolean seed) {
    Map<String, String> labels = datacenter(id.cluster(), id.datacenter());
    labels.put(RACK, id.rack());
    labels.put(NODE, id.name());
    if (seed) {
      labels.put(SEED, "true");
    }
    return labels;
  }

  /** Selector of every Cassandra pod of a cluster. */
  public static Map<String, String> nodeSelector(String cluster) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(CLUSTER, cluster);
    selector.put(COMPONENT, "node");
    return selector;
  }

  /** Selector of a datacenter's pods. */
  public static Map<String, String> datacenterSelector(String cluster, String datacenter) {
    Map<String, String> selector = nodeSelector(cluster);
    selector.put(DATACENTER, datacenter);
    return selector;
  }

  /** Selector of a cluster's seed pods. */
  public static Map<String, String> seedSelector(String cluster) {
    Map<String, String> selector = nodeSelector(cluster);
    selector.put(SEED, "true");
    return selector;
  }
}
