package io.ringkeeper.local.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.JvmSpec;
import io.ringkeeper.api.v1alpha1.PodTemplate;
import io.ringkeeper.local.cassandra.CassandraDistribution;
import io.ringkeeper.local.cassandra.CassandraVersions;
import io.ringkeeper.operator.config.OperatorConfig;
import io.ringkeeper.operator.domain.model.NodeId;
import io.ringkeeper.operator.resources.CassandraYaml;
import io.ringkeeper.operator.resources.ConfigMaps;
import io.ringkeeper.operator.resources.DesiredNode;
import io.ringkeeper.operator.resources.JvmOptions;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.NodePods;
import io.ringkeeper.operator.resources.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod the operator builds (NodePods, ConfigMaps, Secrets), translated into a local node. */
class PodTranslatorTest {
  static final List<Long> TOKENS = List.of(-9000L, -3000L, 3000L, 9000L);
  @TempDir
  Path dir;
  Path agentJar;
  CassandraCluster cr;
  NodeId id = new NodeId("demo", "dc1", "r2", 0);
  AddressPool pool = new AddressPool("127.30.0.0", null);
  Map<String, Object> objects;

  @BeforeEach
  void setUp() throws IOException {
    agentJar = Files.writeString(dir.resolve("agent.jar"), "jar bytes");
    cr = Serialization.unmarshal(Files.readString(Path.of("../examples/minimal.yaml")), CassandraCluster.class);
    cr.getMetadata().setNamespace("default");
    cr.getMetadata().setUid("uid-1");
    // Plain text: these cases are about the translation, not the TLS Secret (ProcessKubeletTlsTest covers it).
    io.ringkeeper.api.v1alpha1.TlsSpec off = new io.ringkeeper.api.v1alpha1.TlsSpec();
    off.setEnabled(false);
    cr.getSpec().setTls(off);
    NodeId seed = new NodeId("demo", "dc1", "r1", 0);
    String yaml = CassandraYaml.render(cr, List.of(Names.nodeAddress(seed, "default")));
    ConfigMap config = ConfigMaps.desired(cr, yaml, List.of());
    Secret token = Secrets.agentToken(cr, "s3cret");
    PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder().withNewMetadata().withName(id.name())
        .endMetadata().build();
    objects = Map.of("cm/" + Names.configMap("demo"), config, "secret/" + Names.agentTokenSecret("demo"), token,
        "pvc/" + id.name(), claim);
  }

  PodTranslator translator() {
    return new PodTranslator("5.0.9", agentJar, List.of("-XX:+UseSerialGC"), "256M", pool);
  }

  PodTranslator.Lookup lookup() {
    return new PodTranslator.Lookup() {
      @Override
      public ConfigMap configMap(String namespace, String name) {
        return (ConfigMap) objects.get("cm/" + name);
      }

      @Override
      public Secret secret(String namespace, String name) {
        return (Secret) objects.get("secret/" + name);
      }

      @Override
      public PersistentVolumeClaim claim(String namespace, String name) {
        return (PersistentVolumeClaim) objects.get("pvc/" + name);
      }
    };
  }

  Pod pod() {
    return NodePods.desired(cr, new DesiredNode(id, TOKENS, true, false), "hash", OperatorConfig.defaults());
  }

  PodTranslator.Translation translate(Pod pod) throws PodTranslator.Refusal {
    return translator().translate(pod, lookup(), dir.resolve("pod"), claim -> dir.resolve("volumes").resolve(claim));
  }

  @Test
  void aCollectorThePodChoosesReplacesLocalModesSoTheJvmSeesOnlyOne() throws Exception {
    cr.getSpec().setJvm(new JvmSpec());
    cr.getSpec().getJvm().setHeapSize("512Mi");
    cr.getSpec().getJvm().setExtraOptions(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300"));
    List<String> options = translate(pod()).spec().jvmOptions();
    assertThat(options).doesNotContain("-XX:+UseSerialGC", "-Xms256M")
        .contains("-Xms512M", "-Xmx512M", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=300");
    assertThat(options.stream().filter(o -> JvmOptions.selectedCollector(o).isPresent())).containsExactly(
        "-XX:+UseG1GC");
  }

  @Test
  void theOperatorsPodBecomesANodeWithItsTokensAddressAgentAndHeap() throws Exception {
    PodTranslator.Translation t = translate(pod());

    String address = pool.addressOf("default", id.name());
    assertThat(t.address()).isEqualTo(address).startsWith("127.30.0.");
    assertThat(t.spec().dataDir()).isEqualTo(dir.resolve("volumes").resolve(id.name()));
    List<String> options = t.spec().jvmOptions();
    assertThat(options).startsWith("-XX:+UseSerialGC").contains("-Xms256M", "-Xmx256M")
        .contains("-Dcassandra.settings.listen_address=" + address, "-Dcassandra.settings.rpc_address=" + address)
        .contains("-Dcassandra.initial_token=-9000,-3000,3000,9000", "-Dcassandra.settings.auto_bootstrap=false");
    Path config = dir.resolve("pod/volumes/config");
    assertThat(options).contains("-Dcassandra.config=file://" + config.resolve("cassandra.yaml"),
        "-Dcassandra-rackdc.properties=file://" + config.resolve("rackdc-dc1-r2.properties"));
    assertThat(options).contains("-javaagent:" + dir.resolve("pod/volumes/agent/ringkeeper-agent.jar")
        + "=address=" + address + ",port=8778,tokenFile=" + dir.resolve("pod/volumes/agent-token/token"));
    assertThat(options).noneMatch(o -> o.contains("/etc/ringkeeper") || o.contains("/opt/ringkeeper")
        || o.contains("$(POD_IP)"));
    assertThat(t.readiness()).isEqualTo(new PodTranslator.ReadinessProbe("/readyz", 8778,
        java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(5), 3));
    assertThat(t.gracePeriod()).hasSeconds(NodePods.TERMINATION_GRACE_SECONDS);
  }

  @Test
  void configMapFilesPointAtTheVolumeAndSeedNamesBecomeTheSeedsAddresses() throws Exception {
    PodTranslator.Translation t = translate(pod());

    String yaml = new String(t.files().get(dir.resolve("pod/volumes/config/cassandra.yaml")), StandardCharsets.UTF_8);
    String seedAddress = pool.addressOf("default", "demo-dc1-r1-0");
    assertThat(yaml).contains("seeds: " + seedAddress)
        .contains(dir.resolve("volumes").resolve(id.name()) + "/data")
        .contains("commitlog_directory: " + dir.resolve("volumes").resolve(id.name()) + "/commitlog")
        .doesNotContain("/var/lib/cassandra").doesNotContain(".svc");
    assertThat(new String(t.files().get(dir.resolve("pod/volumes/agent-token/token")), StandardCharsets.UTF_8))
        .isEqualTo("s3cret");
    assertThat(t.files().get(dir.resolve("pod/volumes/agent/ringkeeper-agent.jar")))
        .isEqualTo("jar bytes".getBytes(StandardCharsets.UTF_8));
    assertThat(t.files()).containsKey(dir.resolve("pod/volumes/config/rackdc-dc1-r2.properties"));
  }

  @Test
  void aPodKeepsItsAddressAndTheSeedGetsTheAddressItsNameWasGiven() throws Exception {
    String first = translate(pod()).address();
    assertThat(translate(pod()).address()).isEqualTo(first);
    assertThat(pool.addressOf("default", "demo-dc1-r1-0")).isNotEqualTo(first);
  }

  @Test
  void aReadinessProbeOverHttpsIsRunOverHttpsAndAnUnknownSchemeIsRefusedNamingIt() throws Exception {
    Pod https = new PodBuilder(pod()).editSpec().editFirstContainer().editReadinessProbe().editHttpGet()
        .withScheme("HTTPS").endHttpGet().endReadinessProbe().endContainer().endSpec().build();
    assertThat(translate(https).readiness().https()).isTrue();
    assertThat(translate(pod()).readiness().https()).isFalse();
    Pod ftp = new PodBuilder(pod()).editSpec().editFirstContainer().editReadinessProbe().editHttpGet()
        .withScheme("FTP").endHttpGet().endReadinessProbe().endContainer().endSpec().build();
    assertThatThrownBy(() -> translate(ftp)).isInstanceOf(PodTranslator.Refusal.class)
        .hasMessageContaining("scheme is FTP").hasMessageContaining("HTTP or HTTPS");
  }

  @Test
  void anImageOtherThanTheLocalCassandraIsRefusedNamingTheFieldAndTheFix() {
    Pod pod = new PodBuilder(pod()).editSpec().editFirstContainer().withImage("cassandra:4.1.5").endContainer()
        .endSpec().build();
    assertThatThrownBy(() -> translate(pod)).isInstanceOf(PodTranslator.Refusal.class)
        .hasMessageContaining("cassandra:4.1.5").hasMessageContaining("spec.cassandraVersion: \"5.0.9\"")
        .satisfies(e -> assertThat(((PodTranslator.Refusal) e).waiting()).isFalse())
        .satisfies(e -> assertThat(((PodTranslator.Refusal) e).reason()).isEqualTo("UnsupportedImage"));
    assertThat(translator().knowsImage("docker.io/library/cassandra:5.0.9")).isTrue();
    assertThat(translator().knowsImage("cassandra:5.0")).isFalse();
  }

  @Test
  void aPodOnAnotherFiveZeroReleaseRunsThatReleasesJarsFromTheCache() throws Exception {
    CassandraDistribution bundled = new CassandraDistribution(dir.resolve("java"), dir.resolve("lib-5.0.9"), agentJar);
    Path cached = Files.createDirectories(dir.resolve("cache").resolve("5.0.8"));
    Files.writeString(cached.resolve(".complete"), "5.0.8\n");
    PodTranslator translator = new PodTranslator(CassandraVersions.fetching(bundled, "5.0.9", dir.resolve("cache")),
        agentJar, List.of(), "256M", pool);
    Pod pod = new PodBuilder(pod()).editSpec().editFirstContainer().withImage("cassandra:5.0.8").endContainer()
        .endSpec().build();
    PodTranslator.Translation t = translator.translate(pod, lookup(), dir.resolve("pod"),
        claim -> dir.resolve("volumes").resolve(claim));
    assertThat(t.distribution().libDir()).isEqualTo(cached);
    assertThat(translate(pod()).distribution()).isNull(); // the bundled release: the launcher's own jars
    Pod old = new PodBuilder(pod()).editSpec().editFirstContainer().withImage("cassandra:4.1.10").endContainer()
        .endSpec().build();
    assertThatThrownBy(() -> translator.translate(old, lookup(), dir.resolve("pod"), c -> dir.resolve(c)))
        .isInstanceOf(PodTranslator.Refusal.class).hasMessageContaining("cassandra:4.1.10")
        .hasMessageContaining("JDK 8 or 11");
  }

  @Test
  void aPodWhoseConfigMapDoesNotExistYetWaitsForIt() {
    objects = Map.of("pvc/" + id.name(), objects.get("pvc/" + id.name()));
    assertThatThrownBy(() -> translate(pod())).isInstanceOf(PodTranslator.Refusal.class)
        .satisfies(e -> assertThat(((PodTranslator.Refusal) e).waiting()).isTrue())
        .hasMessageContaining("demo-config");
  }

  @Test
  void aPodTemplatesSidecarsAndInitContainersAreLeftOutAndNamedWhileTheNodeStartsWithItsEnvAndMounts()
      throws Exception {
    cr.getSpec().setPodTemplate(Serialization.unmarshal("""
        env: [{name: TZ, value: UTC}]
        volumes:
          - {name: logs, emptyDir: {}}
          - {name: host-logs, hostPath: {path: /var/log/pods}}
        volumeMounts: [{name: logs, mountPath: /var/log/extra}]
        containers:
          - {name: log-shipper, image: fluent/fluent-bit:3.0, volumeMounts: [{name: host-logs, mountPath: /h}]}
        initContainers: [{name: prep, image: busybox:1.36, command: [sh, -c, "true"]}]
        """, PodTemplate.class));
    PodTranslator.Translation t = translate(pod());
    assertThat(t.notRun()).containsExactly(
        "container log-shipper (image fluent/fluent-bit:3.0) is not run: local mode runs only the Cassandra"
            + " container, as a JVM process",
        "volume host-logs is not provided: local mode cannot provide its kind, and only containers it does not"
            + " run mount it",
        "init container prep (image busybox:1.36) is not run: local mode runs only the operator's agent copy");
    assertThat(t.files()).containsKey(dir.resolve("pod/volumes/agent/ringkeeper-agent.jar"));
    assertThat(t.spec().jvmOptions()).contains("-Dcassandra.initial_token=-9000,-3000,3000,9000");
    assertThat(translate(pod()).notRun()).as("the same pod, the same notes").isEqualTo(t.notRun());
  }

  @Test
  void securityContextsAreAcceptedAndIgnoredSinceLocalModeRunsEveryNodeAsTheCurrentUser() throws Exception {
    cr.getSpec().setPodTemplate(Serialization.unmarshal("""
        securityContext:
          runAsUser: 1001
          fsGroup: 2000
          seccompProfile: {type: Localhost, localhostProfile: profiles/cassandra.json}
        """, PodTemplate.class));
    Pod locked = pod();
    assertThat(locked.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(locked.getSpec().getContainers().get(0).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(locked.getSpec().getInitContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    Pod stripped = new PodBuilder(locked).editSpec().withSecurityContext(null).endSpec().build();
    stripped.getSpec().getContainers().forEach(c -> c.setSecurityContext(null));
    stripped.getSpec().getInitContainers().forEach(c -> c.setSecurityContext(null));

    PodTranslator.Translation t = translate(locked);
    assertThat(t.notRun()).isEmpty();
    assertThat(t.spec()).isEqualTo(translate(stripped).spec());
  }

  @Test
  void aPodWithoutATemplateLeavesNothingOut() throws Exception {
    assertThat(translate(pod()).notRun()).isEmpty();
  }

  @Test
  void aVolumeLocalModeCannotProvideIsRefusedWhenTheCassandraContainerMountsIt() {
    cr.getSpec().setPodTemplate(Serialization.unmarshal("""
        volumes: [{name: host-logs, hostPath: {path: /var/log/pods}}]
        volumeMounts: [{name: host-logs, mountPath: /var/log/extra}]
        """, PodTemplate.class));
    assertThatThrownBy(() -> translate(pod())).isInstanceOf(PodTranslator.Refusal.class)
        .hasMessageContaining("volume host-logs is neither a persistentVolumeClaim")
        .satisfies(e -> assertThat(((PodTranslator.Refusal) e).reason()).isEqualTo("UnsupportedVolume"));
  }

  @Test
  void aPodOfSeveralContainersNoneNamedCassandraIsRefused() {
    Pod pod = new PodBuilder(pod()).editSpec().editFirstContainer().withName("db").endContainer()
        .addNewContainer().withName("other").withImage("busybox").endContainer().endSpec().build();
    assertThatThrownBy(() -> translate(pod)).isInstanceOf(PodTranslator.Refusal.class)
        .hasMessageContaining("none of that name")
        .satisfies(e -> assertThat(((PodTranslator.Refusal) e).reason()).isEqualTo("UnsupportedPod"));
  }

  @Test
  void aContainerCommandIsRefused() {
    Pod pod = new PodBuilder(pod()).editSpec().editFirstContainer().withCommand("sleep", "1").endContainer()
        .endSpec().build();
    assertThatThrownBy(() -> translate(pod)).isInstanceOf(PodTranslator.Refusal.class)
        .hasMessageContaining("entrypoint");
  }

  @Test
  void mountPathsAreRewrittenOnlyAsWholePathSegments() {
    List<Map.Entry<String, Path>> mounts = List.of(Map.entry("/etc/ringkeeper/agent", Path.of("/x/token")));
    assertThat(PodTranslator.rewritePaths("tokenFile=/etc/ringkeeper/agent/token", mounts))
        .isEqualTo("tokenFile=/x/token/token");
    assertThat(PodTranslator.rewritePaths("/etc/ringkeeper/agent-token/x /etc/ringkeeper/agents", mounts))
        .isEqualTo("/etc/ringkeeper/agent-token/x /etc/ringkeeper/agents");
  }

  @Test
  void envReferencesExpandLikeKubernetes() {
    assertThat(PodTranslator.expand("a=$(POD_IP),b=$(OTHER)", Map.of("POD_IP", "127.0.0.9")))
        .isEqualTo("a=127.0.0.9,b=$(OTHER)");
  }

  @Test
  void anAddressBaseOutsideLoopbackIsRefused() {
    assertThatThrownBy(() -> new AddressPool("10.0.0.0", null)).hasMessageContaining("127.x.y.0");
  }
}
