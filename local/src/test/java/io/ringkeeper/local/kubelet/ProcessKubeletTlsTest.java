package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraLauncher;
import io.ringkeeper.local.kube.EmbeddedKube;
import io.ringkeeper.operator.testing.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process kubelet with TLS pods: an HTTPS readiness probe (no certificate verification, as a kubelet), and a
 * Secret changed while its pod runs rewritten into the pod's volume. The "node" is a {@code sleep} (no Cassandra);
 * the agent's HTTPS endpoint is this test's server on the pod's address (127.63.1.1).
 */
class ProcessKubeletTlsTest {
  private static final String ADDRESS = "127.63.1.1";

  @TempDir
  Path dir;

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A "java" that ignores its arguments and sleeps: the pod runs without Cassandra. */
  private CassandraDistribution sleeper() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nexec sleep 120\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path lib = Files.createDirectories(dir.resolve("lib"));
    return new CassandraDistribution(java, lib, lib.resolve("agent.jar"));
  }

  private static Pod pod(int probePort) {
    return new PodBuilder().withNewMetadata().withName("node").withNamespace("default").endMetadata()
        .withNewSpec().withTerminationGracePeriodSeconds(2L)
        .addNewContainer().withName("cassandra").withImage("cassandra:5.0.9")
        .addNewEnv().withName("JVM_EXTRA_OPTS").withValue("-Dcassandra.config=file:///etc/cassandra/cassandra.yaml"
            + " -Dcassandra-rackdc.properties=file:///etc/cassandra/rackdc.properties").endEnv()
        .addNewVolumeMount().withName("config").withMountPath("/etc/cassandra").endVolumeMount()
        .addNewVolumeMount().withName("tls").withMountPath("/etc/ringkeeper/tls").withReadOnly(true).endVolumeMount()
        .withNewReadinessProbe().withPeriodSeconds(1).withNewHttpGet().withPath("/readyz")
        .withPort(new IntOrString(probePort)).withScheme("HTTPS").endHttpGet().endReadinessProbe()
        .endContainer()
        .addNewVolume().withName("config").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
        .addNewVolume().withName("tls").withNewSecret().withSecretName("node-tls").endSecret().endVolume()
        .endSpec().build();
  }

  private static boolean ready(KubernetesClient client) {
    Pod pod = client.pods().inNamespace("default").withName("node").get();
    return pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Test
  void anHttpsReadinessProbeMakesThePodReadyAndAChangedSecretReachesTheRunningPodsVolume() throws Exception {
    // a self-signed certificate for another name: a kubelet's probe does not verify it, nor does local mode's
    TestCertificates.Issued cert = TestCertificates.selfSigned("agent", "somewhere.else");
    HttpsServer agent = HttpsServer.create(new InetSocketAddress(ADDRESS, 0), 10);
    agent.setHttpsConfigurator(new HttpsConfigurator(cert.serverContext()));
    AtomicInteger probes = new AtomicInteger();
    agent.createContext("/readyz", exchange -> {
      probes.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    agent.start();
    Path work = dir.resolve("work");
    try (EmbeddedKube kube = EmbeddedKube.start("127.0.0.1", 0); KubernetesClient client = kube.client("test");
        ProcessKubelet kubelet = new ProcessKubelet(kube.client("kubelet"), work, new CassandraLauncher(sleeper()),
            new PodTranslator("5.0.9", dir.resolve("lib/agent.jar"), List.of(), "256M",
                new AddressPool("127.63.1.0", null)),
            Duration.ofSeconds(1)).start()) {
      client.resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace("default").endMetadata()
          .withData(Map.of("cassandra.yaml", "cluster_name: x\n", "rackdc.properties", "dc=dc1\n")).build())
          .create();
      client.resource(new SecretBuilder().withNewMetadata().withName("node-tls").withNamespace("default")
          .endMetadata().withData(Map.of("tls.crt", b64("first certificate"), "ca.crt", b64("ca one"))).build())
          .create();
      client.resource(pod(agent.getAddress().getPort())).create();

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ready(client));
      assertThat(probes.get()).isPositive();

      Path tls = kubelet.podDir("default", "node").resolve("volumes").resolve("tls");
      assertThat(tls.resolve("tls.crt")).hasContent("first certificate");
      long pid = Long.parseLong(Files.readString(kubelet.podDir("default", "node").resolve("pid")).trim());

      client.secrets().inNamespace("default").withName("node-tls").edit(s -> {
        s.setData(Map.of("tls.crt", b64("renewed certificate"), "ca.crt", b64("ca one")));
        return s;
      });
      long changed = System.nanoTime();
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.readString(tls.resolve("tls.crt")).equals("renewed certificate"));
      assertThat(Duration.ofNanos(System.nanoTime() - changed)).isLessThan(Duration.ofSeconds(5));
      assertThat(tls.resolve("ca.crt")).hasContent("ca one");
      // no restart: the same process runs, and nothing temporary is left in the volume
      assertThat(Long.parseLong(Files.readString(kubelet.podDir("default", "node").resolve("pid")).trim()))
          .isEqualTo(pid);
      try (var files = Files.list(tls)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tls.crt", "ca.crt");
      }

      // ConfigMaps are not refreshed in a running pod (a restart picks them up)
      client.configMaps().inNamespace("default").withName("cfg").edit(c -> {
        c.setData(Map.of("cassandra.yaml", "cluster_name: changed\n", "rackdc.properties", "dc=dc1\n"));
        return c;
      });
      Thread.sleep(1500);
      assertThat(kubelet.podDir("default", "node").resolve("volumes/config/cassandra.yaml"))
          .hasContent("cluster_name: x\n");
    } finally {
      agent.stop(0);
    }
  }

  @Test
  void aVolumeIsRewrittenFileByFileAndKeysGoneFromTheSecretGoToo() throws Exception {
    Path volume = dir.resolve("v");
    assertThat(ProcessKubelet.writeVolume(volume, Map.of("a", "1".getBytes(), "b", "2".getBytes()))).isTrue();
    assertThat(ProcessKubelet.writeVolume(volume, Map.of("a", "1".getBytes(), "b", "2".getBytes()))).isFalse();
    assertThat(ProcessKubelet.writeVolume(volume, Map.of("a", "3".getBytes()))).isTrue();
    assertThat(volume.resolve("a")).hasContent("3");
    assertThat(volume.resolve("b")).doesNotExist();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProcessKubelet.writeVolume(volume,
        Map.of("../escape", "x".getBytes()))).hasMessageContaining("leaves its volume");
  }
}
