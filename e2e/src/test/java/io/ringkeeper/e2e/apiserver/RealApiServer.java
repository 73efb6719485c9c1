package io.ringkeeper.e2e.apiserver;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Kubernetes API server for custom resources: etcd and k8s.io/apiextensions-apiserver, built by
 * {@code .ci/apiserver-toolchain} (run here when the binaries are missing), with a CA, a serving certificate and an
 * admin client certificate (group system:masters) made by openssl. Binds 127.0.0.1 ports 17570-17572 only.
 *
 * <p>Anything that keeps it from starting throws with the reason: the real tier fails, it never skips.
 */
public final class RealApiServer implements AutoCloseable {
  /** The first of the three ports (etcd client, etcd peer, API server); {@code -Dringkeeper.apiserver.ports=N}. */
  private static final int PORT_BASE = Integer.getInteger("ringkeeper.apiserver.ports", 17570);
  public static final int ETCD_CLIENT_PORT = PORT_BASE;
  public static final int ETCD_PEER_PORT = PORT_BASE + 1;
  public static final int SECURE_PORT = PORT_BASE + 2;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration TOOLCHAIN_TIMEOUT = Duration.ofMinutes(45);

  private final Path dir;
  private final Path kubeconfig;
  private final List<Process> processes = new ArrayList<>();
  private KubernetesClient client;

  private RealApiServer(Path dir) {
    this.dir = dir;
    this.kubeconfig = dir.resolve("kubeconfig");
  }

  /** Starts etcd and the API server in a fresh directory under {@code workDir}. */
  public static RealApiServer start(Path repoRoot, Path workDir) {
    RealApiServer server = null;
    try {
      Path bin = toolchain(repoRoot);
      Files.createDirectories(workDir);
      server = new RealApiServer(Files.createTempDirectory(workDir, "apiserver-"));
      server.certificates();
      server.startEtcd(bin.resolve("etcd"));
      server.startApiServer(bin.resolve("apiextensions-apiserver"));
      return server;
    } catch (IOException | RuntimeException e) {
      String logs = server == null ? "" : server.logTails();
      if (server != null) {
        server.close();
      }
      throw new IllegalStateException("the real API server could not start: " + e.getMessage() + logs, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the real API server", e);
    }
  }

  /** The fabric8 client, authenticated as the admin. */
  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig for this server (admin client certificate). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  private static Path toolchain(Path repoRoot) throws IOException, InterruptedException {
    String home = System.getenv().getOrDefault("RINGKEEPER_APISERVER_HOME",
        System.getProperty("user.home") + "/.cache/ringkeeper/apiserver");
    Path bin = Path.of(home, "bin");
    if (Files.isExecutable(bin.resolve("etcd")) && Files.isExecutable(bin.resolve("apiextensions-apiserver"))) {
      return bin;
    }
    Path script = repoRoot.resolve(".ci/apiserver-toolchain");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(bin + " holds no etcd/apiextensions-apiserver and " + script + " is missing");
    }
    Path log = Files.createTempFile("apiserver-toolchain", ".log");
    System.out.println("[RealApiServer] building the toolchain (" + script + "), log " + log);
    Process p = new ProcessBuilder(script.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(TOOLCHAIN_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(script + " did not finish within " + TOOLCHAIN_TIMEOUT + "; log " + log);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "):\n" + tail(log, 20));
    }
    return bin;
  }

  private void certificates() throws IOException, InterruptedException {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ringkeeper-test-ca",
        "-keyout", "ca.key", "-out", "ca.crt");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key",
        "-out", "server.csr");
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=system:masters/CN=admin", "-keyout",
        "admin.key", "-out", "admin.csr");
    openssl("x509", "-req", "-in", "admin.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "2", "-out", "admin.crt");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: real
          cluster:
            server: https://127.0.0.1:%d
            certificate-authority-data: %s
        users:
        - name: admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: real
          context: {cluster: real, user: admin, namespace: default}
        current-context: real
        """.formatted(SECURE_PORT, base64("ca.crt"), base64("admin.crt"), base64("admin.key")));
  }

  private void startEtcd(Path etcd) throws IOException, InterruptedException {
    String client = "http://127.0.0.1:" + ETCD_CLIENT_PORT;
    String peer = "http://127.0.0.1:" + ETCD_PEER_PORT;
    launch("etcd", etcd.toString(), "--name", "ringkeeper", "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer, "--initial-cluster", "ringkeeper=" + peer, "--unsafe-no-fsync",
        "--log-level", "warn");
    await("etcd answering " + client + "/health", () -> httpOk(client + "/health"));
  }

  private void startApiServer(Path binary) throws IOException, InterruptedException {
    String k = kubeconfig.toString();
    launch("apiserver", binary.toString(),
        "--etcd-servers=http://127.0.0.1:" + ETCD_CLIENT_PORT,
        "--bind-address=127.0.0.1", "--secure-port=" + SECURE_PORT,
        "--cert-dir=" + dir.resolve("certs"),
        "--tls-cert-file=" + dir.resolve("server.crt"), "--tls-private-key-file=" + dir.resolve("server.key"),
        "--client-ca-file=" + dir.resolve("ca.crt"),
        "--kubeconfig=" + k, "--authentication-kubeconfig=" + k, "--authorization-kubeconfig=" + k,
        "--authentication-skip-lookup",
        "--authorization-always-allow-paths=/healthz,/readyz,/livez,/version",
        "--enable-priority-and-fairness=false",
        "--disable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,"
            + "ValidatingAdmissionPolicy,MutatingAdmissionPolicy");
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    // /readyz stays 500 on a bare apiextensions-apiserver; the group answering is what the tests need.
    await("the API server serving apiextensions.k8s.io/v1 on 127.0.0.1:" + SECURE_PORT, () -> {
      try {
        return client.getApiGroup("apiextensions.k8s.io") != null;
      } catch (RuntimeException e) {
        return false;
      }
    });
  }

  private void launch(String name, String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    processes.add(p);
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!condition.getAsBoolean()) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException(p.info().command().orElse("a process") + " exited with "
              + p.exitValue() + " while waiting for " + what);
        }
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("no " + what + " after " + START_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  private static boolean httpOk(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + tail(log, 10));
    }
  }

  private String base64(String file) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(file)));
  }

  private String logTails() {
    StringBuilder s = new StringBuilder();
    for (String name : List.of("etcd", "apiserver")) {
      Path log = dir.resolve(name + ".log");
      if (Files.exists(log)) {
        s.append("\n--- ").append(log).append(" (last lines) ---\n").append(tail(log, 15));
      }
    }
    return s.toString();
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(" + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the API server, then etcd (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    processes.clear();
  }
}
