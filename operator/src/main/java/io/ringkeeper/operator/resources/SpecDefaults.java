package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.CassandraClusterSpec;
import io.ringkeeper.api.v1alpha1.ClientTls;
import io.ringkeeper.api.v1alpha1.DatacenterSpec;
import io.ringkeeper.api.v1alpha1.RackSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The values the operator uses where the spec leaves a field empty. The CRD applies most defaults itself; these
 * are the ones that depend on other fields, computed the same way everywhere.
 */
public final class SpecDefaults {
  /** The rack of a datacenter that lists none. */
  public static final String DEFAULT_RACK = "rack1";
  /** Largest heap chosen automatically: above this G1 pauses grow and Cassandra gains little. */
  public static final long MAX_AUTO_HEAP_BYTES = 8L << 30;
  public static final long MIB = 1L << 20;

  /**
   * Whether a cluster whose spec.tls.enabled is empty runs TLS: it does (issue #15), internode, client (Required)
   * and the agents' HTTPS, with certificates from a CA the operator keeps per cluster. {@code enabled: false} opts out.
   */
  public static final boolean TLS_BY_DEFAULT = true;
  /** Lifetime of an operator-issued node certificate when spec.tls.certificateLifetime is empty: 90 days. */
  public static final String DEFAULT_CERTIFICATE_LIFETIME = "2160h";

  private SpecDefaults() {}

  /** spec.tls.enabled, else {@link #TLS_BY_DEFAULT}. */
  public static boolean tlsEnabled(CassandraClusterSpec spec) {
    Boolean enabled = spec.getTls() == null ? null : spec.getTls().getEnabled();
    return enabled == null ? TLS_BY_DEFAULT : enabled;
  }

  /** Whether plain-text CQL is refused: TLS on and spec.tls.client not Optional. */
  public static boolean clientTlsRequired(CassandraClusterSpec spec) {
    return tlsEnabled(spec) && (spec.getTls() == null || spec.getTls().getClient() != ClientTls.Optional);
  }

  /** spec.tls.certificateLifetime, else {@link #DEFAULT_CERTIFICATE_LIFETIME}. */
  public static String certificateLifetime(CassandraClusterSpec spec) {
    String lifetime = spec.getTls() == null ? null : spec.getTls().getCertificateLifetime();
    return lifetime == null || lifetime.isBlank() ? DEFAULT_CERTIFICATE_LIFETIME : lifetime;
  }

  /** Cassandra's cluster_name: spec.clusterName, else metadata.name. */
  public static String clusterName(CassandraCluster cr) {
    String name = cr.getSpec().getClusterName();
    return name == null || name.isBlank() ? cr.getMetadata().getName() : name;
  }

  public static int numTokens(CassandraCluster cr) {
    Integer n = cr.getSpec().getTokens() == null ? null : cr.getSpec().getTokens().getNumTokens();
    return n == null ? 16 : n;
  }

  /** spec.image, else cassandra:&lt;cassandraVersion&gt;. */
  public static String image(CassandraClusterSpec spec) {
    if (spec.getImage() != null && !spec.getImage().isBlank()) {
      return spec.getImage();
    }
    String version = spec.getCassandraVersion() == null
        ? CassandraClusterSpec.DEFAULT_VERSION : spec.getCassandraVersion();
    return "cassandra:" + version;
  }

  /** A datacenter's racks; one rack named rack1 when the spec lists none. */
  public static List<RackSpec> racks(DatacenterSpec dc) {
    if (dc.getRacks() == null || dc.getRacks().isEmpty()) {
      RackSpec rack = new RackSpec();
      rack.setName(DEFAULT_RACK);
      return List.of(rack);
    }
    return dc.getRacks();
  }

  public static int replicationFactor(DatacenterSpec dc) {
    return dc.getReplicationFactor() == null ? 3 : dc.getReplicationFactor();
  }

  public static int size(DatacenterSpec dc) {
    return dc.getSize() == null ? 0 : dc.getSize();
  }

  /** The container's memory limit in bytes, when set. */
  public static Optional<Long> memoryLimitBytes(ResourceRequirements resources) {
    if (resources == null || resources.getLimits() == null) {
      return Optional.empty();
    }
    Quantity limit = resources.getLimits().get("memory");
    return limit == null ? Optional.empty() : Optional.of(bytes(limit));
  }

  /** The container's memory request in bytes, when set. */
  public static Optional<Long> memoryRequestBytes(ResourceRequirements resources) {
    if (resources == null || resources.getRequests() == null) {
      return Optional.empty();
    }
    Quantity request = resources.getRequests().get("memory");
    return request == null ? Optional.empty() : Optional.of(bytes(request));
  }

  /**
   * The heap: jvm.heapSize, else half the memory limit capped at 8Gi, else none (the image then sizes the heap
   * from the machine's memory), rounded down to whole MiB as cassandra-env.sh expects.
   */
  public static Optional<Long> heapBytes(CassandraClusterSpec spec) {
    if (spec.getJvm() != null && spec.getJvm().getHeapSize() != null) {
      return Optional.of(roundDownToMib(bytes(new Quantity(spec.getJvm().getHeapSize()))));
    }
    return memoryLimitBytes(spec.getResources())
        .map(limit -> roundDownToMib(Math.min(limit / 2, MAX_AUTO_HEAP_BYTES)));
  }

  /** Young generation size for HEAP_NEWSIZE: a quarter of the heap (used by CMS only; G1 sizes it itself). */
  public static long newGenBytes(long heapBytes) {
    return Math.max(MIB, roundDownToMib(heapBytes / 4));
  }

  /** A Kubernetes quantity in bytes. */
  public static long bytes(Quantity quantity) {
    BigDecimal amount = Quantity.getAmountInBytes(quantity);
    return amount.longValue();
  }

  private static long roundDownToMib(long bytes) {
    return bytes / MIB * MIB;
  }
}
