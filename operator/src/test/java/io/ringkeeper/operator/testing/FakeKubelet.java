package io.ringkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ringkeeper.operator.resources.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Plays the kubelet for the mock API server: every Cassandra pod that appears is "started" — given a pod IP,
 * phase Running and a Ready condition — by a status patch from its own client (user agent
 * {@value MockKube#KUBELET_AGENT}, so its writes are not counted as the operator's). Deleted pods stop running.
 * With {@link #hold(boolean)} new pods stay Pending, as on a cluster without room; with
 * {@link #readyAtStart(boolean)} they start without passing their readiness probe until {@link #markReady}.
 *
 * <p>The pods it runs are what {@link FakeNodeFleet} answers for, just as real agents run inside real pods.
 */
public final class FakeKubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;
  private final Map<String, Pod> running = new ConcurrentHashMap<>();
  private final AtomicInteger podCount = new AtomicInteger();
  private final Map<String, java.util.Set<String>> assigned = new ConcurrentHashMap<>();
  private final List<Started> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A pod the kubelet started: its namespace, name, IP and when. */
  public record Started(String namespace, String name, String ip, Instant at) {}
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fake-kubelet");
    t.setDaemon(true);
    return t;
  });
  private final IntFunction<String> addresses;
  private volatile boolean hold;
  private volatile boolean readyAtStart = true;

  public FakeKubelet(MockKube kube) {
    this(kube, n -> "10.0." + (n / 250) + "." + (n % 250 + 1));
  }

  /**
   * @param addresses the IP of the n-th pod started (n from 1); must be unique. The benchmarks give pods
   *     loopback addresses where real HTTP agents listen.
   */
  public FakeKubelet(MockKube kube, IntFunction<String> addresses) {
    this.addresses = addresses;
    this.client = kube.client(MockKube.KUBELET_AGENT);
    this.informer = client.pods().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGER)
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            worker.execute(() -> start(pod));
          }

          @Override
          public void onUpdate(Pod before, Pod pod) {
            if (pod.getStatus() != null && pod.getStatus().getPodIP() != null) {
              running.put(key(pod), pod);
            } else {
              worker.execute(() -> start(pod));
            }
          }

          @Override
          public void onDelete(Pod pod, boolean unknown) {
            running.remove(key(pod));
          }
        });
  }

  /** While true, new pods stay Pending without an IP. Releasing starts the held ones. */
  public void hold(boolean value) {
    this.hold = value;
    if (!value) {
      informer.getStore().list().forEach(p -> worker.execute(() -> start(p)));
    }
  }

  /**
   * While false, pods start Running with their Ready condition False, as if their readiness probe had not passed
   * yet; {@link #markReady} then makes one Ready.
   */
  public void readyAtStart(boolean value) {
    this.readyAtStart = value;
  }

  /** Sets a running pod's Ready condition True, as its passing readiness probe would. */
  public void markReady(String namespace, String name) {
    String now = Instant.now().toString();
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    client.resource(pod).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\""
            + now + "\"}]}}");
  }

  /**
   * Reports the pod's Cassandra container as a kubelet does after it exited again: waiting in CrashLoopBackOff,
   * with {@code restarts} and the last terminated state (exit code, reason, message). The pod keeps its IP; its
   * agent stops answering, as {@link FakeNodeFleet#down} makes it.
   */
  public void crashLoop(String namespace, String name, int exitCode, String reason, String message, int restarts) {
    String now = Instant.now().toString();
    Map<String, Object> terminated = new java.util.LinkedHashMap<>();
    terminated.put("exitCode", exitCode);
    terminated.put("reason", reason);
    terminated.put("message", message);
    terminated.put("finishedAt", now);
    Map<String, Object> container = Map.of("name", "cassandra", "image", "cassandra", "imageID", "", "ready", false,
        "restartCount", restarts, "state", Map.of("waiting", Map.of("reason", "CrashLoopBackOff",
            "message", "back-off restarting failed container")), "lastState", Map.of("terminated", terminated));
    writeStatus(namespace, name, Map.of("containerStatuses", List.of(container),
        "conditions", List.of(Map.of("type", "Ready", "status", "False", "lastTransitionTime", now))));
  }

  /** Reports a held (Pending) pod as a scheduler that found no node for it: PodScheduled False, Unschedulable. */
  public void unschedulable(String namespace, String name, String message) {
    writeStatus(namespace, name, Map.of("phase", "Pending", "conditions", List.of(Map.of("type", "PodScheduled",
        "status", "False", "reason", "Unschedulable", "message", message,
        "lastTransitionTime", Instant.now().toString()))));
  }

  private void writeStatus(String namespace, String name, Map<String, Object> fields) {
    Pod pod = client.pods().inNamespace(namespace).withName(name).get();
    // A JSON patch replaces the arrays whole (the mock server merges arrays of a merge patch element by element).
    List<Map<String, Object>> ops = new java.util.ArrayList<>();
    fields.forEach((k, v) -> ops.add(Map.of("op", "add", "path", "/status/" + k, "value", v)));
    if (pod.getStatus() == null) {
      ops.add(0, Map.of("op", "add", "path", "/status", "value", Map.of()));
    }
    client.resource(pod).subresource("status").patch(PatchContext.of(PatchType.JSON),
        Serialization.asJson(ops));
  }

  /** The running pod of that name in that namespace, with its IP. */
  public Optional<Pod> running(String namespace, String name) {
    return Optional.ofNullable(running.get(namespace + "/" + name));
  }

  /** Every pod started in the namespace, in order. */
  public List<Started> started(String namespace) {
    return started.stream().filter(s -> s.namespace().equals(namespace)).toList();
  }

  /** Every IP ever given to a pod of the namespace. */
  public java.util.Set<String> addressesOf(String namespace) {
    return assigned.getOrDefault(namespace, java.util.Set.of());
  }

  /** The running pod with that IP (IPs are unique across namespaces, like a real pod network). */
  public Optional<Pod> runningAt(String ip) {
    return running.values().stream().filter(p -> ip.equals(p.getStatus().getPodIP())).findFirst();
  }

  /** Every running pod of a cluster. */
  public List<Pod> runningPods(String namespace, String cluster) {
    return running.values().stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(p -> cluster.equals(p.getMetadata().getLabels().get(Labels.CLUSTER)))
        .toList();
  }

  private void start(Pod pod) {
    if (hold || (pod.getStatus() != null && pod.getStatus().getPodIP() != null)) {
      return;
    }
    String ip = addresses.apply(podCount.incrementAndGet());
    String now = Instant.now().toString();
    String patch = "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + ip + "\",\"startTime\":\"" + now + "\","
        + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + (readyAtStart ? "True" : "False") + "\","
        + "\"lastTransitionTime\":\"" + now + "\"}]}}";
    try {
      Pod started = client.resource(pod).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      running.put(key(started), started);
      assigned.computeIfAbsent(pod.getMetadata().getNamespace(), k -> ConcurrentHashMap.newKeySet()).add(ip);
      this.started.add(new Started(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), ip, Instant.now()));
    } catch (RuntimeException e) {
      // The pod was deleted meanwhile.
    }
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    informer.close();
    worker.shutdownNow();
    client.close();
  }
}
