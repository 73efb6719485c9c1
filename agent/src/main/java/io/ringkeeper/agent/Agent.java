package io.ringkeeper.agent;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The {@code -javaagent} entry point: serves the agent's HTTP API from inside the Cassandra JVM.
 *
 * <p>{@link #premain} returns at once. The server is bound on a daemon thread, so the agent never delays
 * Cassandra's start-up, and every thread it creates is a daemon, so it never keeps a stopping JVM alive
 * (the HTTP server's dispatcher inherits the daemon flag from the thread that starts it). Nothing the agent
 * does throws into Cassandra: a bad argument or a busy port is logged to stderr and the node runs on
 * without the agent (its readiness probe then fails, which is how the problem shows).
 */
public final class Agent {
  /** Seconds between attempts to bind when the address is taken or not configured on the host yet. */
  static final long BIND_RETRY_SECONDS = 5;

  private final HttpServer server;
  private final ExecutorService workers;
  private final TlsReloader tls;

  private Agent(HttpServer server, ExecutorService workers, TlsReloader tls) {
    this.server = server;
    this.workers = workers;
    this.tls = tls;
  }

  public static void premain(String args, Instrumentation instrumentation) {
    launchInBackground(args);
  }

  /** Also loadable into a running JVM (e.g. with jcmd's JVMTI.agent_load); behaves as at start-up. */
  public static void agentmain(String args, Instrumentation instrumentation) {
    launchInBackground(args);
  }

  private static void launchInBackground(String args) {
    try {
      AgentConfig config = AgentConfig.parse(args);
      Thread starter = new Thread(() -> bindUntilDone(config), "ringkeeper-agent-start");
      starter.setDaemon(true);
      starter.start();
    } catch (IllegalArgumentException e) {
      log("not started: " + e.getMessage());
    } catch (Throwable t) {
      log("not started: " + t);
    }
  }

  private static void bindUntilDone(AgentConfig config) {
    for (long attempt = 0; ; attempt++) {
      try {
        start(config);
        return;
      } catch (IOException e) {
        // First failure, then once a minute: a port that stays taken must not flood the node's log.
        if (attempt % (60 / BIND_RETRY_SECONDS) == 0) {
          log("cannot listen on " + config.address() + ":" + config.port() + " (" + e.getMessage()
              + "); retrying every " + BIND_RETRY_SECONDS + " s");
        }
      } catch (Throwable t) {
        log("not started: " + t);
        return;
      }
      try {
        TimeUnit.SECONDS.sleep(BIND_RETRY_SECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Binds and starts the server now. Call it from a daemon thread: the server's dispatcher thread inherits
   * the daemon flag of the caller.
   */
  /** How long a client may take to send a request, headers and body. */
  static final long MAX_REQUEST_SECONDS = 10;

  public static Agent start(AgentConfig config) throws IOException {
    // The JDK server writes response headers and body separately; with Nagle's algorithm on, the body then
    // waits for the client's delayed ACK (~40 ms per request, measured). This property is read once by
    // the JDK's HTTP server only, which Cassandra does not use; an explicit setting is left alone.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // A client that sends its headers, or a body, slowly or never held a worker thread forever: with as many such
    // clients as threads, even /healthz went unanswered and the kubelet would restart a healthy node (found by
    // HttpApiFuzzTest). The JDK server closes a connection whose request (headers and body) is not read within
    // this many seconds, which frees the thread. Read once by the JDK's HTTP server only.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(config.threads(), r -> {
      Thread t = new Thread(r, "ringkeeper-agent-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Cassandra cassandra = new Cassandra();
    TlsReloader tls = null;
    HttpServer server;
    try {
      InetSocketAddress address = new InetSocketAddress(config.address(), config.port());
      if (config.tlsDir() == null) {
        server = HttpServer.create(address, 16);
      } else {
        // A bad pair at start-up throws IllegalArgumentException naming the file: the agent does not start.
        tls = new TlsReloader(config.tlsDir(), cassandra, config.tlsReloadSeconds() * 1000L);
        HttpsServer https = HttpsServer.create(address, 16);
        https.setHttpsConfigurator(configurator(tls.sslContext()));
        server = https;
      }
    } catch (IOException | RuntimeException e) {
      workers.shutdownNow();
      throw e;
    } catch (GeneralSecurityException e) {
      workers.shutdownNow();
      throw new IllegalStateException("the JDK cannot set up TLS: " + e, e);
    }
    server.createContext("/", new HttpApi(cassandra, new Jobs(cassandra), new BearerToken(config.tokenFile()),
        config.maxBodyBytes(), tls));
    server.setExecutor(workers);
    server.start();
    if (tls != null) {
      tls.startPolling();
      log("serving HTTPS with " + tls.certificate().getSubjectX500Principal().getName() + " (notAfter "
          + tls.certificate().getNotAfter().toInstant() + ")");
    }
    log("listening on " + server.getAddress() + " (" + config + ")");
    return new Agent(server, workers, tls);
  }

  /** TLS 1.2 and 1.3 only, the JDK's default cipher suites, no client certificate (the bearer token stays). */
  static HttpsConfigurator configurator(SSLContext context) {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
        List<String> protocols = new ArrayList<>();
        for (String p : Arrays.asList(getSSLContext().getSupportedSSLParameters().getProtocols())) {
          if (p.equals("TLSv1.3") || p.equals("TLSv1.2")) {
            protocols.add(p);
          }
        }
        ssl.setProtocols(protocols.toArray(new String[0]));
        ssl.setNeedClientAuth(false);
        ssl.setWantClientAuth(false);
        params.setSSLParameters(ssl);
      }
    };
  }

  /** The bound address (the real port when the configuration asked for port 0 in tests). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The TLS state, or null when the agent serves plain HTTP. */
  TlsReloader tls() {
    return tls;
  }

  public void stop() {
    if (tls != null) {
      tls.stop();
    }
    server.stop(0);
    workers.shutdownNow();
  }

  static void log(String message) {
    // stderr: it reaches the container log and Cassandra's logging setup cannot swallow it.
    System.err.println("[ringkeeper-agent] " + message);
  }
}
