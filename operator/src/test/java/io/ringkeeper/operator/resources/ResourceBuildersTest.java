package io.ringkeeper.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.domain.plan.Rebuild;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceBuildersTest {
  private final CassandraCluster cr = Manifests.threeRacks();

  @Test
  void cassandraYamlCarriesIdentitySeedsAndDataDirectoriesThenTheUsersKeys() {
    String yaml = CassandraYaml.render(cr, List.of("a.orders-nodes.db.svc", "b.orders-nodes.db.svc"));
    JsonNode tree = CassandraYaml.parse(yaml);
    assertThat(tree.get("cluster_name").asText()).isEqualTo("orders");
    assertThat(tree.get("num_tokens").asInt()).isEqualTo(16);
    assertThat(tree.get("endpoint_snitch").asText()).isEqualTo("GossipingPropertyFileSnitch");
    assertThat(tree.at("/seed_provider/0/parameters/0/seeds").asText())
        .isEqualTo("a.orders-nodes.db.svc,b.orders-nodes.db.svc");
    assertThat(tree.at("/data_file_directories/0").asText()).isEqualTo("/var/lib/cassandra/data");
    assertThat(tree.get("concurrent_reads").asInt()).isEqualTo(64);
    assertThat(tree.get("commitlog_sync").asText()).as("a default the user overrides").isEqualTo("batch");
  }

  @Test
  void operatorOwnedKeysCannotBeOverriddenEvenIfValidationWereBypassed() {
    cr.getSpec().getConfig().setCassandraYaml(CassandraYaml.parse("{num_tokens: 256, cluster_name: other}"));
    JsonNode tree = CassandraYaml.parse(CassandraYaml.render(cr, List.of("a")));
    assertThat(tree.get("num_tokens").asInt()).isEqualTo(16);
    assertThat(tree.get("cluster_name").asText()).isEqualTo("orders");
  }

  @Test
  void renderingIsDeterministicSoItsHashOnlyChangesWithTheContent() {
    assertThat(CassandraYaml.render(cr, List.of("a"))).isEqualTo(CassandraYaml.render(cr, List.of("a")));
    assertThat(Hashes.of(CassandraYaml.render(cr, List.of("a"))))
        .isNotEqualTo(Hashes.of(CassandraYaml.render(cr, List.of("b"))));
  }

  @Test
  void theConfigMapHoldsCassandraYamlAndOneRackFilePerRack() {
    ConfigMap map = ConfigMaps.desired(cr, "cluster_name: orders\n", List.of());
    assertThat(map.getMetadata().getName()).isEqualTo("orders-config");
    assertThat(map.getData()).containsKeys("cassandra.yaml", "rackdc-eu-r1.properties", "rackdc-eu-r2.properties",
        "rackdc-eu-r3.properties");
    assertThat(map.getData().get("rackdc-eu-r2.properties")).isEqualTo("dc=eu\nrack=r2\nprefer_local=true\n");
  }

  @Test
  void aClaimRecordsThePendingRebuildOfItsDatacenterFromTheStartAndItsEndOnceFinished() {
    NodeId id = new NodeId("orders", "eu", "r1", 0);
    DesiredNode node = new DesiredNode(id, List.of(3L, 1L), false, false);
    Rebuild pending = new Rebuild("eu", "us", null);
    PersistentVolumeClaim claim = NodeVolumes.desired(cr, node, pending);
    assertThat(claim.getMetadata().getAnnotations()).containsEntry(Labels.REBUILD_FROM, "us")
        .doesNotContainKey(Labels.REBUILT);
    assertThat(NodeVolumes.record("orders", claim)).satisfies(r -> {
      assertThat(r.rebuildFrom()).isEqualTo("us");
      assertThat(r.rebuilt()).isFalse();
    });
    assertThat(NodeVolumes.desired(cr, node).getMetadata().getAnnotations()).doesNotContainKey(Labels.REBUILD_FROM);
    assertThat(NodeVolumes.identityUpdate(claim, null, 2, false, false, pending, Instant.EPOCH)).isEmpty();

    // A claim created before its datacenter's rebuild was recorded gets the source on the next reconcile.
    PersistentVolumeClaim bare = NodeVolumes.desired(cr, node);
    assertThat(NodeVolumes.identityUpdate(bare, null, 2, false, false, pending, Instant.EPOCH))
        .containsEntry(Labels.REBUILD_FROM, "us");

    Instant at = Instant.parse("2026-12-07T08:00:00Z");
    Map<String, String> finished = NodeVolumes.identityUpdate(claim, null, 2, false, false,
        new Rebuild("eu", "us", at), Instant.EPOCH);
    assertThat(finished).containsEntry(Labels.REBUILT, at.toString());
    claim.getMetadata().getAnnotations().putAll(finished);
    assertThat(NodeVolumes.record("orders", claim).rebuilt()).isTrue();
    assertThat(NodeVolumes.identityUpdate(claim, null, 2, false, false, new Rebuild("eu", "us", at), Instant.EPOCH))
        .isEmpty();
    assertThat(NodeVolumes.identityUpdate(bare, null, 2, false, false, new Rebuild("eu", "us", at), Instant.EPOCH))
        .as("a node that joined after the rebuild was not part of it").isEmpty();
  }

  @Test
  void theClaimIsNamedLikeTheNodeCarriesItsTokensAndHasNoOwnerSoReclaimDecides() {
    PersistentVolumeClaim claim = NodeVolumes.desired(cr,
        new DesiredNode(new NodeId("orders", "eu", "r1", 0), List.of(3L, 1L), true, true));
    assertThat(claim.getMetadata().getName()).isEqualTo("orders-eu-r1-0");
    assertThat(claim.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(claim.getMetadata().getAnnotations()).containsEntry(Labels.TOKENS, "3,1");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("50Gi");
    assertThat(claim.getMetadata().getLabels()).containsEntry(Labels.CLUSTER, "orders");
  }

  @Test
  void thePeerServiceIsHeadlessAndPublishesNodesBeforeTheyAreReady() {
    Service peers = Services.peers(cr, 8778);
    assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(peers.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(peers.getSpec().getSelector()).isEqualTo(Labels.nodeSelector("orders"));
    assertThat(Services.seeds(cr).getSpec().getSelector()).containsEntry(Labels.SEED, "true");
    Service client = Services.client(cr);
    assertThat(client.getSpec().getClusterIP()).isNull();
    assertThat(client.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(9042));
  }

  @Test
  void eachDatacenterAllowsOneVoluntaryDisruption() {
    PodDisruptionBudget pdb = DisruptionBudgets.desired(cr, "eu");
    assertThat(pdb.getMetadata().getName()).isEqualTo("orders-eu");
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.DATACENTER, "eu");
  }

  @Test
  void secretsAreWrittenAsDataAndReadBack() {
    Secret token = Secrets.agentToken(cr, "s3cret");
    assertThat(token.getStringData()).isNullOrEmpty();
    assertThat(Secrets.value(token, "token")).isEqualTo("s3cret");
    Secret superuser = Secrets.superuser(cr, "pw");
    assertThat(Secrets.value(superuser, "username")).isEqualTo("orders-superuser");
    assertThat(Secrets.value(superuser, "password")).isEqualTo("pw");
  }

  @Test
  void everyNameFitsADnsLabelForTheLongestAllowedNames() {
    String cluster = "a".repeat(24);
    NodeId longest = new NodeId(cluster, "d".repeat(16), "r".repeat(16), 999);
    assertThat(Names.node(longest)).hasSizeLessThanOrEqualTo(63);
    assertThat(Names.agentTokenSecret(cluster)).hasSizeLessThanOrEqualTo(63);
    assertThat(Names.disruptionBudget(cluster, "d".repeat(16))).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void heapDefaultsToHalfTheLimitCappedAtEightGibAndAnExplicitHeapWins() {
    CassandraCluster big = Manifests.threeRacks();
    big.getSpec().getResources().getLimits().put("memory", new io.fabric8.kubernetes.api.model.Quantity("64Gi"));
    assertThat(SpecDefaults.heapBytes(big.getSpec())).contains(8L << 30);
    big.getSpec().getJvm().setHeapSize("3Gi");
    assertThat(SpecDefaults.heapBytes(big.getSpec())).contains(3L << 30);
    big.getSpec().getJvm().setHeapSize(null);
    big.getSpec().setResources(null);
    assertThat(SpecDefaults.heapBytes(big.getSpec())).isEmpty();
  }
}
