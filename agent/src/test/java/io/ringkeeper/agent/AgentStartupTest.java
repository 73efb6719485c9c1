package io.ringkeeper.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** premain as the JVM calls it: it must return at once, never throw, and leave only daemon threads. */
class AgentStartupTest {

  @Test
  void badArgumentsAreReportedNotThrown() {
    Agent.premain("port=http", null);
    Agent.premain(null, null);
    Agent.agentmain("tokenFile=/t,colour=blue", null);
  }

  @Test
  void premainReturnsAtOnceAndBindsOnceThePortIsFree(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "secret-token-value");
    java.io.PrintStream originalErr = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      bindsOnceThePortIsFree(token);
    } finally {
      System.setErr(originalErr);
    }
    String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
    originalErr.print(log);
    assertThat(log).contains("cannot listen on 127.0.0.1:").contains("listening on").doesNotContain("secret-token-value");
  }

  private static void bindsOnceThePortIsFree(Path token) throws Exception {
    ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    int port = taken.getLocalPort();

    long started = System.nanoTime();
    Agent.premain("address=127.0.0.1,port=" + port + ",tokenFile=" + token, null);
    long premainMillis = (System.nanoTime() - started) / 1_000_000;
    // Generous: premain only parses its argument and starts a thread; binding happens on that thread.
    assertThat(premainMillis).isLessThan(2000);

    Thread.sleep(1000); // the agent's first attempt fails while the port is taken
    taken.close();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build();
    int status = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(4 * Agent.BIND_RETRY_SECONDS).toNanos();
    while (status != 200 && System.nanoTime() < deadline) {
      try {
        status = http.send(healthz, HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (java.io.IOException notYet) {
        Thread.sleep(200);
      }
    }
    assertThat(status).as("the agent bound the port after it was freed").isEqualTo(200);

    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("ringkeeper-agent") || t.getName().startsWith("HTTP-Dispatcher")) {
        assertThat(t.isDaemon()).as(t.getName() + " must not keep the JVM alive").isTrue();
      }
    }
  }
}
