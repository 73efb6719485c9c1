package io.ringkeeper.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterStatus;
import io.ringkeeper.api.v1alpha1.CompactionWindowStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceStatus;
import io.ringkeeper.api.v1alpha1.KeyspaceRepairStatus;
import io.ringkeeper.api.v1alpha1.MaintenanceTaskStatus;
import io.ringkeeper.api.v1alpha1.RepairRunStatus;
import io.ringkeeper.api.v1alpha1.RepairSegmentStatus;
import io.ringkeeper.api.v1alpha1.RepairStatus;
import io.ringkeeper.operator.layers.bad.cycle.a.PointsToB;
import io.ringkeeper.operator.layers.bad.cycle.b.PointsToA;
import io.ringkeeper.operator.layers.bad.domain.ReadsAPod;
import io.ringkeeper.operator.layers.bad.observe.AsksANode;
import io.ringkeeper.operator.layers.bad.SetsThroughputOutsideAct;
import io.ringkeeper.operator.layers.bad.SetsAnAccessRoleOutsideStatus;
import io.ringkeeper.operator.layers.bad.SetsAnOperationRecordOutsideStatus;
import io.ringkeeper.operator.layers.bad.StatusSetterOutsideStatus;
import io.ringkeeper.operator.layers.bad.WritesARepairRecordOutsideStatus;
import io.ringkeeper.operator.layers.bad.WritesAnUpkeepRecordOutsideStatus;
import io.ringkeeper.operator.layers.fine.ReadsTheStatusOnly;
import io.ringkeeper.operator.node.Agents;
import io.ringkeeper.operator.node.JobRequest;
import io.ringkeeper.operator.node.NodeClient;
import io.ringkeeper.operator.node.NodeEndpoint;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The operator's layers as rules over its compiled classes (ArchUnit), each also shown failing on a deliberately
 * bad class of the test sources ({@code io.ringkeeper.operator.layers.bad}), so that a rule that cannot fail
 * does not pass unnoticed.
 */
class LayerRulesTest {
  private static final JavaClasses OPERATOR = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.ringkeeper.operator");

  /** domain/ is pure Java: it knows no Kubernetes, JOSDK or CRD type and nothing of the layers above it. */
  static ArchRule domainImportsNothingAboveIt(String domain) {
    return noClasses().that().resideInAPackage(domain + "..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..",
            "io.ringkeeper.api..", "io.ringkeeper.operator.reconciler..", "io.ringkeeper.operator.resources..",
            "io.ringkeeper.operator.node..", "io.ringkeeper.operator.metrics..", "io.ringkeeper.operator.config..",
            "io.ringkeeper.operator.server..")
        .because("the decisions are pure functions of values (docs: ARCHITECTURE section 5)");
  }

  /** observe/ reads the informer caches and the poller's last round; it never calls the API server or a node. */
  static ArchRule observeNeverCallsOut(String observe) {
    return noClasses().that().resideInAPackage(observe + "..")
        .should().dependOnClassesThat().areAssignableTo(KubernetesClient.class)
        .orShould().dependOnClassesThat().areAssignableTo(NodeClient.class)
        .orShould().dependOnClassesThat().resideInAnyPackage("java.net.http..", "io.fabric8.kubernetes.client.dsl..")
        .orShould().callMethod(Agents.class, "startJob", NodeEndpoint.class, JobRequest.class)
        .orShould().callMethod(Agents.class, "setCompactionThroughput", NodeEndpoint.class, int.class)
        .because("a reconcile never waits on a node or the API server to know the state");
  }

  /**
   * A type of the status: the cluster itself (its status is set through it), every type of the API named
   * {@code *Status} and the types nested in one (e.g. {@code AccessStatus.AppliedRole}), and the conditions.
   */
  static boolean isAStatusType(JavaClass type) {
    if (type.isEquivalentTo(CassandraCluster.class) || type.isEquivalentTo(CassandraClusterStatus.class)
        || type.isEquivalentTo(Condition.class)) {
      return true;
    }
    if (!type.getPackageName().equals(CassandraClusterStatus.class.getPackageName())) {
      return false;
    }
    for (Optional<JavaClass> t = Optional.of(type); t.isPresent(); t = t.get().getEnclosingClass()) {
      if (t.get().getSimpleName().endsWith("Status")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Only status/ sets a field of the cluster's status (any of its types, down to a role or a segment record) or
   * sends it to the API server: the other stages return facts and results, and status/ turns them into the status.
   */
  static ArchRule onlyStatusWritesTheStatus(String status) {
    return noClasses().that().resideOutsideOfPackages(status + "..", "io.ringkeeper.api..")
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                com.tngtech.archunit.base.DescribedPredicate.describe("a type of the status",
                    LayerRulesTest::isAStatusType)))
            .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("set.*"))))
        .orShould().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(
                "(patch|update|replace|edit)Status")))
        .because("one stage builds the status and writes it at most once per reconcile");
  }

  /** Only act/ fires commands at the nodes: the planners (domain/) decide, the executors send. */
  static ArchRule onlyActFiresUpkeepCommands(String act) {
    return noClasses().that().resideOutsideOfPackages(act + "..", "io.ringkeeper.operator.node..")
        .should().callMethod(Agents.class, "setCompactionThroughput", NodeEndpoint.class, int.class, String.class)
        .orShould().callMethod(Agents.class, "startJob", NodeEndpoint.class, JobRequest.class, String.class)
        .because("the upkeep planner returns steps and one executor performs them, fired and recorded");
  }

  /**
   * The upkeep planners' records (compaction windows, node tasks, the SSTable release, repair triggers, runs,
   * segments and keyspaces) are put in the status by status/ only.
   */
  static ArchRule onlyStatusWritesTheUpkeepRecords(String status) {
    return noClasses().that().resideOutsideOfPackages(status + "..", "io.ringkeeper.api..")
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                com.tngtech.archunit.base.DescribedPredicate.describe("an upkeep record of the status",
                    o -> o.isEquivalentTo(CompactionWindowStatus.class)
                        || o.isEquivalentTo(MaintenanceTaskStatus.class) || o.isEquivalentTo(MaintenanceStatus.class)
                        || o.isEquivalentTo(RepairStatus.class) || o.isEquivalentTo(RepairRunStatus.class)
                        || o.isEquivalentTo(RepairSegmentStatus.class)
                        || o.isEquivalentTo(KeyspaceRepairStatus.class))))
            .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("set.*"))))
        .orShould().callMethod(MaintenanceStatus.class, "setCompactionThroughput", CompactionWindowStatus.class)
        .orShould().callMethod(MaintenanceStatus.class, "setTasks", List.class)
        .because("the planner returns domain records and the status stage alone turns them into status");
  }

  static ArchRule noPackageCycles(String root) {
    return slices().matching(root + ".(**)").should().beFreeOfCycles();
  }

  @Test
  void domainImportsNothingAboveIt() {
    domainImportsNothingAboveIt("io.ringkeeper.operator.domain").check(OPERATOR);
  }

  @Test
  void observeNeverCallsOut() {
    observeNeverCallsOut("io.ringkeeper.operator.reconciler.observe").check(OPERATOR);
  }

  @Test
  void onlyTheStatusStageWritesTheStatus() {
    onlyStatusWritesTheStatus("io.ringkeeper.operator.reconciler.status").check(OPERATOR);
  }

  @Test
  void onlyTheExecutorFiresUpkeepCommands() {
    onlyActFiresUpkeepCommands("io.ringkeeper.operator.reconciler.act").check(OPERATOR);
  }

  @Test
  void onlyTheStatusStageWritesTheUpkeepRecords() {
    onlyStatusWritesTheUpkeepRecords("io.ringkeeper.operator.reconciler.status").check(OPERATOR);
  }

  @Test
  void noPackageOfTheOperatorDependsOnItselfInACycle() {
    noPackageCycles("io.ringkeeper.operator").check(OPERATOR);
  }

  @Test
  void theRulesSeeTheOperatorsClasses() {
    assertThat(OPERATOR.containPackage("io.ringkeeper.operator.domain.plan")).isTrue();
    assertThat(OPERATOR.containPackage("io.ringkeeper.operator.reconciler.observe")).isTrue();
    assertThat(OPERATOR.containPackage("io.ringkeeper.operator.reconciler.status")).isTrue();
    assertThat(OPERATOR.contain(ReadsAPod.class)).as("test classes are left out").isFalse();
  }

  @Test
  void eachRuleFailsOnADeliberatelyBadClass() {
    JavaClasses bad = new ClassFileImporter().importClasses(ReadsAPod.class, AsksANode.class,
        StatusSetterOutsideStatus.class, PointsToA.class, PointsToB.class, SetsThroughputOutsideAct.class,
        WritesAnUpkeepRecordOutsideStatus.class);
    String root = "io.ringkeeper.operator.layers.bad";
    assertThat(domainImportsNothingAboveIt(root + ".domain").evaluate(bad).hasViolation())
        .as("a domain class that reads a Pod").isTrue();
    assertThat(observeNeverCallsOut(root + ".observe").evaluate(bad).hasViolation())
        .as("an observer that asks a node").isTrue();
    assertThat(onlyStatusWritesTheStatus(root + ".status").evaluate(bad).hasViolation())
        .as("a status setter outside status/").isTrue();
    assertThat(onlyStatusWritesTheStatus(root + ".status").evaluate(
        new ClassFileImporter().importClasses(SetsAnOperationRecordOutsideStatus.class)).hasViolation())
        .as("an operation record built outside status/").isTrue();
    assertThat(onlyStatusWritesTheStatus(root + ".status").evaluate(
        new ClassFileImporter().importClasses(SetsAnAccessRoleOutsideStatus.class)).hasViolation())
        .as("a role of the access record (a type nested in a status type) set outside status/").isTrue();
    assertThat(onlyStatusWritesTheStatus(root + ".status").evaluate(
        new ClassFileImporter().importClasses(ReadsTheStatusOnly.class)).hasViolation())
        .as("a class that only reads the status (and sets the spec)").isFalse();
    assertThat(onlyActFiresUpkeepCommands(root + ".act").evaluate(bad).hasViolation())
        .as("a node command fired outside act/").isTrue();
    assertThat(onlyStatusWritesTheUpkeepRecords(root + ".status").evaluate(bad).hasViolation())
        .as("an upkeep record written outside status/").isTrue();
    assertThat(onlyStatusWritesTheUpkeepRecords(root + ".status").evaluate(
        new ClassFileImporter().importClasses(WritesARepairRecordOutsideStatus.class)).hasViolation())
        .as("a repair record written outside status/").isTrue();
    assertThat(noPackageCycles(root + ".cycle").evaluate(bad).hasViolation())
        .as("two packages that point at each other").isTrue();
  }
}
