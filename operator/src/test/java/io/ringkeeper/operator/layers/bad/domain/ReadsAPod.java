package io.ringkeeper.operator.layers.bad.domain;

import io.fabric8.kubernetes.api.model.Pod;

/** Deliberately bad: a "domain" class that reads a Kubernetes type (LayerRulesTest shows the rule failing). */
public final class ReadsAPod {
  public String name(Pod pod) {
    return pod.getMetadata().getName();
  }
}
