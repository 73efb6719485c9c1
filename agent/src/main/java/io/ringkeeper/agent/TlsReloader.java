package io.ringkeeper.agent;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves the agent's certificate and follows changes of the TLS directory without a restart.
 *
 * <p>Every {@code pollSeconds} the files are hashed (content, not modification times: Kubernetes updates a
 * Secret volume by swapping a {@code ..data} symlink). On a change the pair is parsed and checked; a pair
 * whose key does not match its certificate (e.g. half written) is ignored with one log line until the
 * files change again. A good pair becomes the one new handshakes use (the key manager reads the current pair
 * on every handshake), and, once Cassandra runs, Cassandra is asked to reload its own certificates
 * ({@code reloadSslCertificates} of the MessagingService MBean, the operation {@code nodetool reloadssl} calls: it
 * makes Cassandra re-check its keystore and truststore files, for internode and client TLS).
 */
final class TlsReloader {
  private static final String ALIAS = "ringkeeper-agent-";

  private final Path dir;
  private final Cassandra cassandra;
  private final long pollMillis;
  private final KeyManager keyManager = new CurrentKeyManager();
  private volatile TlsMaterial current;
  /** The current pair under its alias, and the one before: a handshake that chose its alias just before a swap still
   * gets the key and the chain of one pair. */
  private volatile Slot slot;
  private volatile Slot previousSlot;
  private volatile String rejectedHash;
  private volatile Instant loadedAt;
  private volatile Instant lastReloadAt;
  private volatile String lastError;
  private volatile Instant cassandraReloadedAt;
  private volatile String lastCassandraError;
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong cassandraReloads = new AtomicLong();
  private final AtomicLong cassandraFailures = new AtomicLong();
  private ScheduledExecutorService poller;

  /** Loads the pair now: a bad pair at start-up is an {@link IllegalArgumentException} naming the file. */
  TlsReloader(Path dir, Cassandra cassandra, long pollMillis) {
    this.dir = dir;
    this.cassandra = cassandra;
    this.pollMillis = pollMillis;
    this.current = TlsMaterial.load(dir);
    this.slot = new Slot(ALIAS + 0, current);
    this.loadedAt = Instant.now();
  }

  SSLContext sslContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {keyManager}, null, null);
    return context;
  }

  synchronized void startPolling() {
    if (poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ringkeeper-agent-tls-reload");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::checkSafely, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  synchronized void stop() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }

  private void checkSafely() {
    try {
      check();
    } catch (Throwable t) {
      // Never let the poller die (a dead scheduled task is never run again), never throw into Cassandra.
      Agent.log("TLS reload check failed: " + t);
    }
  }

  /** One poll: true when a new pair was taken. */
  synchronized boolean check() {
    String hash = TlsMaterial.currentHash(dir);
    if (hash == null || hash.equals(current.hash) || hash.equals(rejectedHash)) {
      return false;
    }
    TlsMaterial next;
    try {
      next = TlsMaterial.load(dir);
    } catch (IllegalArgumentException e) {
      rejectedHash = hash;
      failures.incrementAndGet();
      lastError = e.getMessage();
      Agent.log("TLS files in " + dir + " changed but are not used (yet): " + e.getMessage()
          + "; the agent keeps serving " + describe(current.certificate()));
      return false;
    }
    boolean newCertificate = !next.certificate().equals(current.certificate());
    previousSlot = slot;
    slot = new Slot(ALIAS + (reloads.get() + 1), next);
    current = next;
    rejectedHash = null;
    lastError = null;
    loadedAt = Instant.now();
    lastReloadAt = loadedAt;
    reloads.incrementAndGet();
    Agent.log("TLS files in " + dir + " changed; now serving " + describe(next.certificate())
        + (newCertificate ? "" : " (same certificate)"));
    reloadCassandra();
    return true;
  }

  /** Asks Cassandra to re-read its keystore and truststore files; skipped while it starts (it reads them then). */
  private void reloadCassandra() {
    if (!cassandra.started()) {
      return;
    }
    try {
      cassandra.invoke(Cassandra.MESSAGING_SERVICE, "reloadSslCertificates", new Object[0], new String[0]);
      cassandraReloads.incrementAndGet();
      cassandraReloadedAt = Instant.now();
      lastCassandraError = null;
      Agent.log("asked Cassandra to reload its certificates (MessagingService.reloadSslCertificates)");
    } catch (ApiException | RuntimeException e) {
      cassandraFailures.incrementAndGet();
      lastCassandraError = e.getMessage();
      Agent.log("Cassandra did not reload its certificates: " + e.getMessage());
    }
  }

  private static String describe(X509Certificate c) {
    return c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16) + ", notAfter "
        + c.getNotAfter().toInstant() + ")";
  }

  X509Certificate certificate() {
    return current.certificate();
  }

  /** What GET /v1/node reports under "agentTls". */
  Map<String, Object> status() {
    X509Certificate c = current.certificate();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("enabled", true);
    out.put("subject", c.getSubjectX500Principal().getName());
    out.put("serial", c.getSerialNumber().toString(16));
    out.put("notAfter", c.getNotAfter().toInstant().toString());
    out.put("loadedAt", loadedAt.toString());
    out.put("lastReloadAt", lastReloadAt == null ? null : lastReloadAt.toString());
    out.put("reloads", reloads.get());
    out.put("reloadFailures", failures.get());
    out.put("lastReloadError", lastError);
    out.put("cassandraReloads", cassandraReloads.get());
    out.put("cassandraReloadFailures", cassandraFailures.get());
    out.put("lastCassandraReloadAt", cassandraReloadedAt == null ? null : cassandraReloadedAt.toString());
    out.put("lastCassandraReloadError", lastCassandraError);
    return out;
  }

  private static final class Slot {
    final String alias;
    final TlsMaterial material;

    Slot(String alias, TlsMaterial material) {
      this.alias = alias;
      this.material = material;
    }
  }

  /** Hands out whatever pair is current when a handshake asks: the swap is one volatile write. */
  private final class CurrentKeyManager extends X509ExtendedKeyManager {
    private boolean fits(String keyType) {
      if (keyType == null) {
        return false;
      }
      // TLS 1.2 may ask for "EC_EC"/"EC_RSA" (key type, then the signer's type); the key's type comes first.
      int underscore = keyType.indexOf('_');
      String type = underscore < 0 ? keyType : keyType.substring(0, underscore);
      return type.equals(slot.material.key.getAlgorithm());
    }

    /** The pair an alias names: the key and the chain of one handshake always come from the same pair. */
    private TlsMaterial byAlias(String alias) {
      if (alias == null) {
        return null;
      }
      Slot now = slot;
      if (alias.equals(now.alias)) {
        return now.material;
      }
      Slot before = previousSlot;
      return before != null && alias.equals(before.alias) ? before.material : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return fits(keyType) ? slot.alias : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return fits(keyType) ? slot.alias : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {slot.alias} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      TlsMaterial m = byAlias(alias);
      return m == null ? null : m.chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      TlsMaterial m = byAlias(alias);
      return m == null ? null : m.key;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return null;
    }
  }
}
