package io.ringkeeper.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.ClusterPhase;
import io.ringkeeper.operator.RingkeeperOperator;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.tokens.ReplicationAwareTokenAllocator;
import io.ringkeeper.operator.domain.tokens.TokenAllocator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The operator as Main runs it ({@link RingkeeperOperator}), against the mock API server, with a
 * {@link FakeKubelet} and a {@link FakeNodeFleet} in place of real pods and agents. Built once per test class;
 * {@link #restartOperator()} replaces the operator by a fresh one (new client, new caches, empty poller), which
 * is what an operator restart is.
 */
public final class OperatorHarness implements AutoCloseable {
  /** Fast polling so scenarios settle in tens of milliseconds. */
  public static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final MockKube kube;
  private final FakeKubelet kubelet;
  private final FakeNodeFleet fleet;
  private OperatorConfig config;
  private final TokenAllocator allocator;
  private KubernetesClient operatorClient;
  private RingkeeperOperator operator;

  private OperatorHarness(OperatorConfig config, TokenAllocator allocator) {
    this.kube = MockKube.start();
    this.kubelet = new FakeKubelet(kube);
    this.fleet = new FakeNodeFleet(kubelet);
    this.config = config;
    this.allocator = allocator;
  }

  public static OperatorHarness start() {
    return start(testConfig());
  }

  public static OperatorHarness start(OperatorConfig config) {
    OperatorHarness harness = new OperatorHarness(config, new ReplicationAwareTokenAllocator());
    harness.startOperator();
    return harness;
  }

  public static OperatorConfig testConfig() {
    return OperatorConfig.defaults()
        .withPollInterval(POLL_INTERVAL)
        .withAgentTimeout(Duration.ofMillis(300))
        .withHttpPort(0);
  }

  public void startOperator() {
    operatorClient = kube.client(MockKube.OPERATOR_AGENT);
    operator = new RingkeeperOperator(operatorClient, config, fleet, allocator, Clock.systemUTC());
    operator.start();
  }

  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operatorClient.close();
      operator = null;
    }
  }

  public void restartOperator() {
    stopOperator();
    startOperator();
  }

  /** Restarts the operator with other settings, e.g. a new operator image (an upgrade). */
  public void restartOperator(OperatorConfig newConfig) {
    stopOperator();
    this.config = newConfig;
    startOperator();
  }

  public MockKube kube() {
    return kube;
  }

  public KubernetesClient admin() {
    return kube.admin();
  }

  /**
   * Edits an object as a user's client does: read, change, write with the read resourceVersion, and on a 409 (the
   * operator wrote the object in between, e.g. its status) read again and retry.
   */
  public <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return resource.edit(change);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  public FakeKubelet kubelet() {
    return kubelet;
  }

  public FakeNodeFleet fleet() {
    return fleet;
  }

  public RingkeeperOperator operator() {
    return operator;
  }

  public OperatorConfig config() {
    return config;
  }

  /** Creates a cluster from YAML in a namespace. */
  public CassandraCluster create(String namespace, String yaml) {
    CassandraCluster cr = Serialization.unmarshal(yaml, CassandraCluster.class);
    cr.getMetadata().setNamespace(namespace);
    return admin().resource(cr).create();
  }

  public CassandraCluster get(String namespace, String name) {
    return admin().resources(CassandraCluster.class).inNamespace(namespace).withName(name).get();
  }

  public CassandraCluster awaitCluster(String namespace, String name, Predicate<CassandraCluster> condition) {
    return awaitCluster(namespace, name, Duration.ofSeconds(60), condition);
  }

  public CassandraCluster awaitCluster(String namespace, String name, Duration atMost,
      Predicate<CassandraCluster> condition) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(50))
        .until(() -> get(namespace, name), c -> c != null && condition.test(c));
  }

  public CassandraCluster awaitPhase(String namespace, String name, ClusterPhase phase) {
    return awaitCluster(namespace, name, c -> c.getStatus() != null && c.getStatus().getPhase() == phase);
  }

  public List<io.fabric8.kubernetes.api.model.Pod> pods(String namespace) {
    return admin().pods().inNamespace(namespace).list().getItems();
  }

  /** Lets time pass where a test must show that nothing happens. */
  public static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public List<Event> events(String namespace) {
    return admin().v1().events().inNamespace(namespace).list().getItems();
  }

  @Override
  public void close() {
    stopOperator();
    fleet.close();
    kubelet.close();
    kube.close();
  }
}
