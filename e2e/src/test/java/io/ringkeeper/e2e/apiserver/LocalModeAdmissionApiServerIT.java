package io.ringkeeper.e2e.apiserver;

import static io.ringkeeper.e2e.apiserver.Manifests.clusters;
import static io.ringkeeper.e2e.apiserver.Manifests.generic;
import static io.ringkeeper.e2e.apiserver.Manifests.minimal;
import static io.ringkeeper.e2e.apiserver.Manifests.set;
import static io.ringkeeper.e2e.apiserver.Manifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.ringkeeper.local.kube.EmbeddedKube;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test of local mode's door: every manifest and edit is sent to the real API server and to local
 * mode's embedded API, and both must give the same verdict: the same HTTP code, the same causes (field, reason and
 * message, word for word) and, when stored, the same spec (defaults and pruning included).
 */
@ExtendWith(RealApiServerExtension.class)
class LocalModeAdmissionApiServerIT {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static KubernetesClient real;
  private static EmbeddedKube kube;
  private static KubernetesClient local;
  private static final String NS = "diff-" + ProcessHandle.current().pid();

  /** What a server answered: the code, the causes as "field | reason | message", the stored spec or message. */
  record Verdict(int code, List<String> causes, String message, JsonNode spec) {}

  @BeforeAll
  static void start(RealApiServer server) {
    real = server.client();
    kube = EmbeddedKube.start("127.0.0.1", 0);
    local = kube.client("admission-differential");
  }

  @AfterAll
  static void stop() {
    if (local != null) {
      local.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  private static String name() {
    return "d" + SEQ.incrementAndGet();
  }

  static Verdict verdict(Function<KubernetesClient, GenericKubernetesResource> write, KubernetesClient client) {
    try {
      GenericKubernetesResource stored = write.apply(client);
      return new Verdict(200, List.of(), "", Manifests.tree(stored).get("spec"));
    } catch (KubernetesClientException e) {
      List<String> causes = e.getStatus() == null || e.getStatus().getDetails() == null ? List.of()
          : e.getStatus().getDetails().getCauses().stream()
              .map((StatusCause c) -> c.getField() + " | " + c.getReason() + " | " + c.getMessage()).sorted().toList();
      String message = e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage();
      // The order of several causes inside the message is the server's map order: compare a single one only.
      return new Verdict(e.getCode(), causes, causes.size() > 1 ? "(several causes)" : message, null);
    }
  }

  /** Sends the same write to both servers and requires the same verdict. */
  static Verdict same(String what, Function<KubernetesClient, GenericKubernetesResource> write) {
    Verdict onReal = verdict(write, real);
    Verdict onLocal = verdict(write, local);
    assertThat(onLocal).as(what + ": local mode answers as the real API server does").isEqualTo(onReal);
    return onReal;
  }

  static Function<KubernetesClient, GenericKubernetesResource> create(ObjectNode tree) {
    return c -> clusters(c).inNamespace(NS).resource(generic(tree)).create();
  }

  static Stream<Arguments> refusedAndMore() {
    return Stream.concat(ValidationCases.refused(), more());
  }

  /** Further bad input, whose wording only the real server defines (no expectation written here). */
  static Stream<Arguments> more() {
    return Stream.of(
        ValidationCases.refused("a fractional size", "", "", t -> set(t, "/spec/datacenters/0/size", 3.5)),
        ValidationCases.refused("a boolean size", "", "", t -> set(t, "/spec/datacenters/0/size", true)),
        ValidationCases.refused("racks as a string", "", "", t -> set(t, "/spec/datacenters/0/racks", "r1,r2")),
        ValidationCases.refused("an empty datacenter name", "", "", t -> set(t, "/spec/datacenters/0/name", "")),
        ValidationCases.refused("a repair intensity of 0", "", "",
            t -> set(t, "/spec/repair", yaml("{intensity: 0}"))),
        ValidationCases.refused("a repair intensity of 1.5", "", "",
            t -> set(t, "/spec/repair", yaml("{intensity: 1.5}"))),
        ValidationCases.refused("an unknown podAntiAffinity", "", "",
            t -> set(t, "/spec/placement", yaml("{podAntiAffinity: Sometimes}"))),
        ValidationCases.refused("a node selector value that is a number", "", "",
            t -> set(t, "/spec/placement", yaml("{nodeSelector: {disk: 3}}"))),
        ValidationCases.refused("seventeen racks", "", "",
            t -> set(t, "/spec/datacenters/0/racks", yaml("[" + "{name: r},".repeat(17) + "]"))),
        ValidationCases.refused("a size that is huge", "", "", t -> set(t, "/spec/datacenters/0/size", 1e300)),
        ValidationCases.refused("a type error beside a rule error", "", "",
            t -> set(set(t, "/spec/datacenters/0/replicationFactor", 5), "/spec/imagePullPolicy", "Sometimes")));
  }

  @ParameterizedTest(name = "{0}: the same verdict from local mode as from the real API server")
  @MethodSource("refusedAndMore")
  void aBadManifestGetsTheSameVerdictFromLocalModeAsFromTheRealApiServer(String what, String field, String reason,
      UnaryOperator<ObjectNode> change) {
    ObjectNode tree = change.apply(minimal(name()));
    Verdict verdict = same(what, create(tree));
    assertThat(verdict.code()).as(what + " is refused").isBetween(400, 499);
    if (!field.isEmpty()) {
      assertThat(verdict.causes()).as(what).anyMatch(c -> c.startsWith(field + " | ") && c.contains(reason));
    }
  }

  @Test
  void everyExampleIsStoredTheSameWayByBoth() throws IOException {
    List<Path> examples;
    try (Stream<Path> files = Files.list(RealApiServerExtension.REPO.resolve("examples"))) {
      examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path example : examples) {
      ObjectNode tree = Manifests.read(example);
      ((ObjectNode) tree.get("metadata")).put("name", name());
      Verdict verdict = same(example.getFileName().toString(), create(tree));
      assertThat(verdict.code()).as(example.toString()).isEqualTo(200);
    }
  }

  @Test
  void defaultsAndPruningAreTheSameOnBoth() {
    ObjectNode bare = (ObjectNode) Manifests.tree(yaml("""
        apiVersion: ringkeeper.io/v1alpha1
        kind: CassandraCluster
        metadata: {name: %s}
        spec:
          sizee: 5
          datacenters: [{name: dc1, size: 3, replicas: 9}]
        """.formatted(name())));
    Verdict verdict = same("a bare cluster with two unknown fields", create(bare));
    assertThat(verdict.spec().at("/datacenters/0/replicationFactor").asInt()).isEqualTo(3);
    assertThat(verdict.spec().has("sizee")).isFalse();
  }

  @Test
  void aNullSpecIsDroppedAsTheServerDropsANullItMayNotStore() {
    ObjectNode tree = set(minimal(name()), "/spec", null);
    Verdict verdict = same("a null spec", create(tree));
    assertThat(verdict.code()).as("stored without a spec on both").isEqualTo(200);
    assertThat(verdict.spec()).isNull();
  }

  @Test
  void unknownFieldsAreRefusedTheSameWayUnderStrictFieldValidation() {
    ObjectNode tree = set(minimal(name()), "/spec/sizee", 5);
    Verdict verdict = same("an unknown field under fieldValidation=Strict",
        c -> clusters(c).inNamespace(NS).resource(generic(tree)).fieldValidation(Validation.STRICT).create());
    assertThat(verdict.code()).isEqualTo(400);
    assertThat(verdict.message()).contains("unknown field \"spec.sizee\"");
  }

  @ParameterizedTest(name = "{0}: refused alike on an update")
  @MethodSource("io.ringkeeper.e2e.apiserver.ValidationCases#immutable")
  void anEditOfAnImmutableFieldGetsTheSameVerdictFromBoth(String what, String field, String reason,
      UnaryOperator<ObjectNode> change) {
    String name = name();
    ObjectNode tree = set(minimal(name), "/spec/datacenters/-", yaml("{name: dc2, size: 3, replicationFactor: 3}"));
    set(tree, "/spec/clusterName", "explicit");
    same("the cluster to edit", create(tree));
    Verdict verdict = same(what, c -> {
      ObjectNode edited = (ObjectNode) Manifests.tree(clusters(c).inNamespace(NS).withName(name).get());
      change.apply(edited);
      return clusters(c).inNamespace(NS).resource(generic(edited)).update();
    });
    assertThat(verdict.causes()).anyMatch(c -> c.startsWith(field + " | ") && c.contains(reason));
  }

  @Test
  void patchesAreJudgedOnWhatTheyWouldStore() {
    String name = name();
    same("the cluster to patch", create(minimal(name)));
    same("a JSON patch to a negative size", c -> clusters(c).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/datacenters/0/size\","
            + "\"value\":-1}]"));
    same("a merge patch to RF 5", c -> clusters(c).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"datacenters\":[{\"name\":\"dc1\",\"size\":3,"
            + "\"replicationFactor\":5}]}}"));
    Verdict added = same("a merge patch adding a datacenter without its replicationFactor",
        c -> clusters(c).inNamespace(NS).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"spec\":{\"datacenters\":[{\"name\":\"dc1\",\"size\":3,\"racks\":[{\"name\":\"r1\"},{\"name\":\"r2\"},"
                + "{\"name\":\"r3\"}]},{\"name\":\"dc2\",\"size\":3}]}}"));
    assertThat(added.spec().at("/datacenters/1/replicationFactor").asInt()).as("defaulted").isEqualTo(3);
    same("a label added by a merge patch", c -> clusters(c).inNamespace(NS).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"team\":\"data\"}}}"));
  }
}
