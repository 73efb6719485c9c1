package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import java.util.List;
import java.util.Map;

/** The cluster's three Services. */
public final class Services {
  private Services() {}

  /**
   * Headless Service for peer DNS: every pod sets it as its subdomain, so node X resolves as
   * {@code X.<cluster>-nodes.<namespace>.svc}. Not-ready addresses are published because a new cluster's nodes
   * must find their seeds before any of them is ready.
   */
  public static Service peers(CassandraCluster cr, int agentPort) {
    String cluster = cr.getMetadata().getName();
    return headless(cr, Names.peerService(cluster), Labels.nodeSelector(cluster),
        List.of(port("intra-node", CassandraYaml.STORAGE_PORT), port("cql", CassandraYaml.NATIVE_TRANSPORT_PORT),
            port("agent", agentPort)));
  }

  /** Headless Service of the seed nodes, for tools and other datacenters that want a seed address. */
  public static Service seeds(CassandraCluster cr) {
    String cluster = cr.getMetadata().getName();
    return headless(cr, Names.seedService(cluster), Labels.seedSelector(cluster),
        List.of(port("intra-node", CassandraYaml.STORAGE_PORT)));
  }

  /** ClusterIP Service for CQL clients; only ready nodes receive connections. */
  public static Service client(CassandraCluster cr) {
    String cluster = cr.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Names.clientService(cluster))
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "client"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(Labels.nodeSelector(cluster))
        .withPorts(port("cql", CassandraYaml.NATIVE_TRANSPORT_PORT))
        .endSpec()
        .build();
  }

  private static Service headless(CassandraCluster cr, String name, Map<String, String> selector,
      List<ServicePort> ports) {
    String cluster = cr.getMetadata().getName();
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(Labels.component(cluster, "peers"))
        .withOwnerReferences(Owners.controller(cr))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(selector)
        .withPorts(ports)
        .endSpec()
        .build();
  }

  private static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .withProtocol("TCP")
        .build();
  }
}
