package io.ringkeeper.operator.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoints: {@code /healthz} (the process serves requests) and {@code /readyz} (the operator
 * started and its informers are connected) for the Deployment's probes, and {@code /metrics} (Prometheus text
 * format) for scraping.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  /** Prometheus' text exposition format, version 0.0.4. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  public HealthServer(int port, BooleanSupplier ready) {
    this(port, ready, null);
  }

  /** @param metrics renders the metrics in Prometheus' text format; null: no {@code /metrics} */
  public HealthServer(int port, BooleanSupplier ready, Supplier<String> metrics) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port + " (--http-port)", e);
    }
    server.createContext("/healthz", exchange -> respond(exchange, 200, "ok"));
    server.createContext("/readyz", exchange -> {
      boolean ok = ready.getAsBoolean();
      respond(exchange, ok ? 200 : 503, ok ? "ready" : "not ready");
    });
    if (metrics != null) {
      server.createContext("/metrics", exchange -> send(exchange, 200, PROMETHEUS_TEXT, metrics.get()));
    }
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    }));
  }

  public HealthServer start() {
    server.start();
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body + "\n");
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(1);
  }
}
