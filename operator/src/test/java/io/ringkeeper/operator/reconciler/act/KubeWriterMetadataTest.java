package io.ringkeeper.operator.reconciler.act;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.operator.resources.JsonSubset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KubeWriterMetadataTest {
  private static final ObjectMapper MAPPER = Serialization.jsonMapper();
  private static final String[] KEYS = {"ringkeeper.io/node", "ringkeeper.io/seed", "app", "team", "x"};
  private static final String[] VALUES = {"a", "b", "true", ""};

  /** What {@code KubeWriter.ensure} compares under METADATA when the shortcut cannot decide. */
  private static boolean jsonHolds(ObjectMeta desired, ObjectMeta observed) {
    Pod wanted = new PodBuilder().withMetadata(desired).build();
    JsonNode actual = JsonNodeFactory.instance.objectNode().set("metadata", MAPPER.valueToTree(observed));
    return JsonSubset.contains(actual, KubeWriter.owned(MAPPER.valueToTree(wanted), KubeWriter.Scope.METADATA));
  }

  private static Map<String, String> randomMap(Random random) {
    if (random.nextInt(6) == 0) {
      return null;
    }
    Map<String, String> map = new HashMap<>();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      map.put(KEYS[random.nextInt(KEYS.length)], random.nextInt(20) == 0 ? null : VALUES[random.nextInt(VALUES.length)]);
    }
    return map;
  }

  private static List<OwnerReference> randomOwners(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> null;
      case 1 -> List.of();
      default -> List.of(new OwnerReferenceBuilder().withApiVersion("ringkeeper.io/v1alpha1")
          .withKind("CassandraCluster").withName("orders").withUid(random.nextBoolean() ? "u1" : "u2")
          .withController(random.nextBoolean() ? true : null).withBlockOwnerDeletion(true).build());
    };
  }

  private static ObjectMeta randomMeta(Random random) {
    return new ObjectMetaBuilder().withName("orders-eu-r1-0").withLabels(randomMap(random))
        .withAnnotations(randomMap(random)).withOwnerReferences(randomOwners(random)).build();
  }

  @Test
  void theMetadataShortcutNeverSkipsAWriteTheJsonComparisonWouldMake() {
    Random random = new Random(20261204);
    int skipped = 0;
    for (int i = 0; i < 5000; i++) {
      ObjectMeta desired = randomMeta(random);
      // Half the cases: the observed object is the desired one plus what others added, as after a write.
      ObjectMeta observed = random.nextBoolean() ? randomMeta(random) : withExtras(desired, random);
      boolean json = jsonHolds(desired, observed);
      if (KubeWriter.metadataHolds(desired, observed)) {
        assertThat(json).as("case %d: %s in %s", i, desired, observed).isTrue();
        skipped++;
      }
    }
    assertThat(skipped).as("the shortcut decides most unchanged objects").isGreaterThan(1000);
  }

  @Test
  void anUnchangedPodsMetadataIsDecidedWithoutJson() {
    ObjectMeta desired = new ObjectMetaBuilder().withName("orders-eu-r1-0")
        .withLabels(Map.of("ringkeeper.io/node", "orders-eu-r1-0")).withAnnotations(Map.of("ringkeeper.io/runs-hash", "ab"))
        .withOwnerReferences(new OwnerReferenceBuilder().withKind("CassandraCluster").withName("orders").withUid("u1")
            .withController(true).build()).build();
    ObjectMeta observed = withExtras(desired, new Random(1));
    assertThat(KubeWriter.metadataHolds(desired, observed)).isTrue();
    observed.getAnnotations().put("ringkeeper.io/runs-hash", "cd");
    assertThat(KubeWriter.metadataHolds(desired, observed)).isFalse();
    assertThat(jsonHolds(desired, observed)).isFalse();
  }

  private static ObjectMeta withExtras(ObjectMeta desired, Random random) {
    Map<String, String> labels = desired.getLabels() == null ? new HashMap<>() : new HashMap<>(desired.getLabels());
    Map<String, String> annotations = desired.getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(desired.getAnnotations());
    labels.values().removeIf(v -> v == null);
    annotations.values().removeIf(v -> v == null);
    annotations.put("kubectl.kubernetes.io/last-applied", "{}");
    if (random.nextBoolean()) {
      labels.put("added-by-someone", "yes");
    }
    return new ObjectMetaBuilder().withName(desired.getName()).withResourceVersion("17").withUid("pod-uid")
        .withLabels(labels).withAnnotations(annotations)
        .withOwnerReferences(desired.getOwnerReferences() == null ? null : List.copyOf(desired.getOwnerReferences()))
        .build();
  }
}
