package io.ringkeeper.operator.reconciler.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upgrade path rules as the spec validation applies them: "from" is what the nodes report. */
class UpgradePathValidationTest {
  private static CassandraCluster cluster(String spec, String... nodeVersions) {
    CassandraCluster cr = Serialization.unmarshal("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: demo}
        spec:
          datacenters: [{name: dc1, replicationFactor: 1, size: 3, racks: [{name: r1}]}]
        """ + spec.indent(2), CassandraCluster.class);
    CassandraClusterStatus status = new CassandraClusterStatus();
    for (String version : nodeVersions) {
      NodeStatus node = new NodeStatus();
      node.setName("demo-dc1-r1-" + status.getNodes().size());
      node.setDatacenter("dc1");
      node.setRack("r1");
      node.setVersion(version);
      status.getNodes().add(node);
    }
    cr.setStatus(status);
    return cr;
  }

  private static List<String> problems(CassandraCluster cr) {
    return SpecValidator.validate(cr, Map.of()).stream().map(Problem::toString).toList();
  }

  @Test
  void aPatchUpgradeOfTheRunningNodesIsValid() {
    assertThat(problems(cluster("cassandraVersion: 5.0.9", "5.0.8"))).isEmpty();
  }

  @Test
  void aDowngradeOfSpecCassandraVersionIsInvalidNamingTheFieldAndTheVersionToSetBack() {
    assertThat(problems(cluster("cassandraVersion: 5.0.8", "5.0.9"))).singleElement().asString()
        .startsWith("spec.cassandraVersion: 5.0.8 would downgrade the nodes from 5.0.9")
        .contains("set spec.cassandraVersion back to 5.0.9");
  }

  @Test
  void aDowngradeThroughSpecImagesTagIsInvalidNamingSpecImage() {
    assertThat(problems(cluster("image: docker.io/library/cassandra:5.0.8-jammy", "5.0.9"))).singleElement()
        .asString().startsWith("spec.image: 5.0.8 would downgrade");
  }

  @Test
  void anImageWithoutAReleaseTagFallsBackToSpecCassandraVersion() {
    assertThat(problems(cluster("cassandraVersion: 5.0.8\nimage: registry.local/cassandra:latest", "5.0.9")))
        .singleElement().asString().startsWith("spec.cassandraVersion:");
    assertThat(SpecValidator.releaseTag("registry.local:5000/cassandra")).isNull();
    assertThat(SpecValidator.releaseTag("cassandra:5.0.8@sha256:abc")).isNull();
    assertThat(SpecValidator.releaseTag("registry.local:5000/cassandra:5.0.8")).isEqualTo("5.0.8");
  }

  @Test
  void anUnknownReleaseLineIsInvalidForARunningCluster() {
    assertThat(problems(cluster("cassandraVersion: 5.1.0", "5.0.9"))).singleElement().asString()
        .contains("not a release line the operator knows");
  }

  @Test
  void goingBackWhileOnlyTheCanaryRunsTheNewReleaseIsValid() {
    assertThat(problems(cluster("cassandraVersion: 5.0.8", "5.0.9", "5.0.8", "5.0.8"))).isEmpty();
  }

  @Test
  void aNewClusterOrNodesThatReportNoVersionHaveNoPathToCheck() {
    assertThat(problems(cluster("cassandraVersion: 5.0.8"))).isEmpty();
    assertThat(problems(cluster("cassandraVersion: 5.0.8", (String) null))).isEmpty();
  }

  @Test
  void aMalformedVersionIsReportedOnceByTheVersionCheck() {
    assertThat(problems(cluster("cassandraVersion: latest", "5.0.9"))).singleElement().asString()
        .contains("is not a release version");
  }
}
