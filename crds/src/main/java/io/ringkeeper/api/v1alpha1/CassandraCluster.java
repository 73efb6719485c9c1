package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Cassandra cluster managed by Ringkeeper: one or more datacenters of nodes, each node a Pod and a
 * PersistentVolumeClaim owned by the operator.
 */
@Group(CassandraCluster.GROUP)
@Version(CassandraCluster.VERSION)
@Kind("CassandraCluster")
@Plural("cassandraclusters")
@Singular("cassandracluster")
@ShortNames({"cass", "cassandra"})
// Declared in the order kubectl shows them; the generator sorts them by path, GenerateCrd restores this order.
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Version", jsonPath = ".spec.cassandraVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// At the root because the effective cluster name falls back to metadata.name, which only the root rule can read.
@ValidationRule(
    value = "!has(self.spec) || !has(oldSelf.spec) || (has(self.spec.clusterName) ? self.spec.clusterName"
        + " : self.metadata.name) == (has(oldSelf.spec.clusterName) ? oldSelf.spec.clusterName"
        + " : oldSelf.metadata.name)",
    fieldPath = ".spec.clusterName",
    reason = "FieldValueInvalid",
    message = "is immutable: Cassandra refuses a node whose cluster_name differs from the one on disk;"
        + " set spec.clusterName back to its value at creation (metadata.name when it was not set)")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraCluster extends CustomResource<CassandraClusterSpec, CassandraClusterStatus>
    implements Namespaced {
  public static final String GROUP = "ringkeeper.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "cassandraclusters." + GROUP;

  @Override
  protected CassandraClusterSpec initSpec() {
    return new CassandraClusterSpec();
  }

  @Override
  protected CassandraClusterStatus initStatus() {
    return null;
  }
}
