package io.ringkeeper.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ringkeeper.local.LocalEnvironment;
import io.ringkeeper.local.kube.EmbeddedKube;
import org.junit.jupiter.api.Test;

/** What `./ringkeeper local apply` prints when the embedded API refuses a manifest. */
class RefusalsTest {
  private static final String MANIFEST = """
      apiVersion: ringkeeper.io/v1alpha1
      kind: CassandraCluster
      metadata: {name: demo}
      spec:
        %s
        datacenters:
        - {name: dc1, size: 3, replicationFactor: 5, racks: [{name: r1}, {name: R_3!}]}
        jvm: {heapSize: lots}
      """;

  private static String refusal(String extra) {
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("cli")) {
      return Refusals.render(catchThrowableOfType(KubernetesClientException.class,
          () -> LocalEnvironment.apply(client, MANIFEST.formatted(extra), true)));
    }
  }

  @Test
  void aRefusedManifestPrintsOneLinePerFieldAsKubectlDoes() {
    assertThat(refusal("").lines()).containsExactlyInAnyOrder(
        "The CassandraCluster \"demo\" is invalid:",
        "* spec.datacenters[0].racks[1].name: Invalid value: \"R_3!\": spec.datacenters[0].racks[1].name in body"
            + " should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'",
        "* spec.jvm.heapSize: Invalid value: \"lots\": spec.jvm.heapSize in body should match"
            + " '^\\+?([0-9]*[1-9][0-9]*(\\.[0-9]*)?|[0-9]*\\.[0-9]*[1-9][0-9]*)"
            + "(([KMGTPE]i)|[numkMGTPE]|([eE][-+]?[0-9]+))?$'",
        "* spec.datacenters[0].replicationFactor: Invalid value: exceeds the datacenter's size: every replica needs"
            + " its own node; lower replicationFactor or raise size to at least replicationFactor",
        "nothing was changed: fix the manifest and apply it again");
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertThat(refusal("sizee: 5")).startsWith("Error from server (BadRequest): CassandraCluster in version"
        + " \"v1alpha1\" cannot be handled as a CassandraCluster: strict decoding error: unknown field"
        + " \"spec.sizee\"");
  }
}
