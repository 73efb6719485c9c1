package io.ringkeeper.cli;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.NodeStatus;
import io.ringkeeper.operator.reconciler.observe.AccessFacts;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.Names;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubectl ringkeeper report}: one tar.gz with what a maintainer needs to understand a cluster's state, and no
 * secret value. Secrets are listed with their keys and sizes only; the {@code last-applied-configuration}
 * annotation (which can hold a Secret's data) is dropped from every object.
 */
final class ClusterReport {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** What was written, and what could not be read (shown as notes on stderr and in the report's README). */
  record Result(List<String> entries, List<String> notes) {}

  private ClusterReport() {}

  static Result write(KubernetesClient client, CassandraCluster cr, Optional<Agents> reachable, Path target,
      int logLines) throws IOException {
    String ns = cr.getMetadata().getNamespace();
    String name = cr.getMetadata().getName();
    Map<String, String> entries = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    String prefix = "report-" + ns + "-" + name + "/";

    entries.put("cluster.yaml", yaml(clean(cr)));
    List<Pod> pods = RingkeeperPlugin.pods(client, ns, name);
    entries.put("events.yaml", yaml(list(RingkeeperPlugin.events(client, cr, pods))));
    entries.put("pods.yaml", yaml(list(pods)));
    Map<String, String> selector = Map.of(Labels.CLUSTER, name);
    read(entries, notes, "pvcs.yaml", () -> list(client.persistentVolumeClaims().inNamespace(ns).withLabels(selector)
        .list().getItems()));
    read(entries, notes, "services.yaml", () -> list(client.services().inNamespace(ns).withLabels(selector).list()
        .getItems()));
    read(entries, notes, "configmaps.yaml", () -> list(client.configMaps().inNamespace(ns).withLabels(selector)
        .list().getItems()));
    read(entries, notes, "poddisruptionbudgets.yaml", () -> list(client.policy().v1().podDisruptionBudget()
        .inNamespace(ns).withLabels(selector).list().getItems()));

    List<Object> secrets = new ArrayList<>();
    for (String secretName : referencedSecrets(cr, pods)) {
      try {
        Secret secret = client.secrets().inNamespace(ns).withName(secretName).get();
        secrets.add(secret == null ? Map.of("name", secretName, "missing", true) : redacted(secret));
      } catch (RuntimeException e) {
        notes.add("Secret " + secretName + ": " + RingkeeperPlugin.describe(e));
      }
    }
    entries.put("secrets-redacted.yaml", Serialization.asYaml(secrets));

    reachable.ifPresentOrElse(agents -> {
      for (NodeStatus node : cr.getStatus() == null ? List.<NodeStatus>of() : cr.getStatus().getNodes()) {
        if (node.getPodIP() == null) {
          continue;
        }
        entries.put("agents/" + node.getName() + "-node.json", ask(() -> agents.client()
            .nodeInfo(agents.endpoint(node)).get(3, TimeUnit.SECONDS)));
        entries.put("agents/" + node.getName() + "-metrics.json", ask(() -> agents.client()
            .metrics(agents.endpoint(node)).get(3, TimeUnit.SECONDS)));
      }
    }, () -> notes.add("agents not asked: the Secret " + Names.agentTokenSecret(name) + " cannot be read"));

    if (logLines > 0) {
      for (Pod pod : pods) {
        try {
          entries.put("logs/" + pod.getMetadata().getName() + ".log", log(client, pod, Names.CASSANDRA_CONTAINER,
              logLines, false));
        } catch (RuntimeException e) {
          notes.add("log of " + pod.getMetadata().getName() + ": " + RingkeeperPlugin.describe(e));
        }
      }
    }

    StringBuilder readme = new StringBuilder("Ringkeeper report of CassandraCluster " + ns + "/" + name
        + ", written " + Instant.now() + " by kubectl-ringkeeper 0.1.0.\nSecret values are never included: "
        + "secrets-redacted.yaml lists each referenced Secret's keys and sizes.\n");
    notes.forEach(n -> readme.append("note: ").append(n).append('\n'));
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream file = Files.newOutputStream(target); Tar tar = new Tar(file,
        Instant.now().getEpochSecond())) {
      tar.add(prefix + "README.txt", readme.toString());
      for (Map.Entry<String, String> e : entries.entrySet()) {
        tar.add(prefix + e.getKey(), e.getValue());
      }
    }
    List<String> names = new ArrayList<>();
    names.add(prefix + "README.txt");
    entries.keySet().forEach(k -> names.add(prefix + k));
    return new Result(names, notes);
  }

  /** A pod's log of one container; tail < 0: all of it. */
  static String log(KubernetesClient client, Pod pod, String container, int tail, boolean previous) {
    var op = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .inContainer(container);
    var run = previous ? op.terminated() : op;
    String log = tail >= 0 ? run.tailingLines(tail).getLog() : run.getLog();
    return log == null ? "" : log;
  }

  /** Streams a pod's log to {@code out} until the server ends it (the container stopped) or the user stops us. */
  static int follow(KubernetesClient client, Pod pod, String container, int tail, java.io.PrintStream out) {
    var op = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .inContainer(container);
    try (var watch = tail >= 0 ? op.tailingLines(tail).watchLog(out) : op.watchLog(out)) {
      Throwable failure = watch.onClose().toCompletableFuture().join();
      out.flush();
      if (failure != null) {
        throw new RingkeeperPlugin.Failure("log of " + pod.getMetadata().getName() + " ended: "
            + RingkeeperPlugin.describe(failure));
      }
      return 0;
    }
  }

  /** Secrets the cluster names (superuser, agent token) and those its pods mount, read or pull with. */
  static Set<String> referencedSecrets(CassandraCluster cr, List<Pod> pods) {
    Set<String> names = new LinkedHashSet<>();
    names.add(AccessFacts.superuserSecret(cr));
    names.add(Names.agentTokenSecret(cr.getMetadata().getName()));
    for (Pod pod : pods) {
      if (pod.getSpec() == null) {
        continue;
      }
      for (LocalObjectReference ref : pod.getSpec().getImagePullSecrets()) {
        names.add(ref.getName());
      }
      for (Volume v : pod.getSpec().getVolumes()) {
        if (v.getSecret() != null) {
          names.add(v.getSecret().getSecretName());
        }
      }
      List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
      containers.addAll(pod.getSpec().getInitContainers());
      for (Container c : containers) {
        for (EnvVar env : c.getEnv()) {
          if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
            names.add(env.getValueFrom().getSecretKeyRef().getName());
          }
        }
        for (EnvFromSource from : c.getEnvFrom()) {
          if (from.getSecretRef() != null) {
            names.add(from.getSecretRef().getName());
          }
        }
      }
    }
    names.remove(null);
    return names;
  }

  /** A Secret's metadata, type and keys, each value replaced by its size. */
  static Map<String, Object> redacted(Secret secret) {
    Map<String, Object> out = new LinkedHashMap<>();
    ObjectMeta meta = secret.getMetadata();
    out.put("name", meta.getName());
    out.put("type", secret.getType());
    if (meta.getLabels() != null) {
      out.put("labels", meta.getLabels());
    }
    if (meta.getAnnotations() != null) {
      Map<String, String> annotations = new TreeMap<>(meta.getAnnotations());
      annotations.remove(LAST_APPLIED);
      out.put("annotations", annotations);
    }
    if (meta.getOwnerReferences() != null && !meta.getOwnerReferences().isEmpty()) {
      out.put("ownerReferences", meta.getOwnerReferences().stream().map(o -> o.getKind() + "/" + o.getName())
          .toList());
    }
    Map<String, String> keys = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> keys.put(k, "<redacted, " + (v == null ? 0
          : Base64.getDecoder().decode(v).length) + " bytes>"));
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> keys.put(k, "<redacted, " + (v == null ? 0
          : v.getBytes(StandardCharsets.UTF_8).length) + " bytes>"));
    }
    out.put("data", keys);
    return out;
  }

  private interface Read {
    Object get() throws Exception;
  }

  private static void read(Map<String, String> entries, List<String> notes, String entry, Read read) {
    try {
      entries.put(entry, yaml(read.get()));
    } catch (Exception e) {
      notes.add(entry + ": " + RingkeeperPlugin.describe(e));
    }
  }

  private static String ask(Read read) {
    try {
      return Serialization.asJson(read.get()) + "\n";
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return Serialization.asJson(Map.of("error", RingkeeperPlugin.describe(cause))) + "\n";
    }
  }

  private static KubernetesList list(List<? extends HasMetadata> items) {
    items.forEach(ClusterReport::clean);
    return new KubernetesListBuilder().withItems(new ArrayList<>(items)).build();
  }

  private static <T extends HasMetadata> T clean(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
      if (object.getMetadata().getAnnotations() != null) {
        object.getMetadata().getAnnotations().remove(LAST_APPLIED);
      }
    }
    return object;
  }

  private static String yaml(Object object) {
    return Serialization.asYaml(object);
  }
}
