package io.ringkeeper.api.v1alpha1;

/** How strictly two Cassandra nodes of a cluster are kept off the same Kubernetes node. */
public enum AntiAffinity {
  /** Never on the same Kubernetes node (pods stay Pending when no node is free). */
  Required,
  /** Avoid the same Kubernetes node when possible. */
  Preferred,
  /** No anti-affinity (test clusters only). */
  None
}
