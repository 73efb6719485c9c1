package io.ringkeeper.local.cassandra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One running (or finished) Cassandra JVM. Every process started is also stopped by a JVM shutdown hook if
 * it is still alive when this JVM exits, so no node outlives a test run that failed or was interrupted: killed at
 * once by default, or first sent SIGTERM and given {@link #setExitGrace a grace period} to drain (local mode's
 * server, stopped by `ringkeeper local down`).
 */
public final class CassandraProcess {
  private static final Set<Process> LIVE = Collections.newSetFromMap(new ConcurrentHashMap<>());
  private static volatile Duration exitGrace = Duration.ZERO;

  static {
    Thread hook = new Thread(CassandraProcess::reap, "cassandra-process-reaper");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** How long nodes still running when this JVM exits may drain after SIGTERM before SIGKILL (default: none). */
  public static void setExitGrace(Duration grace) {
    exitGrace = grace;
  }

  private static void reap() {
    long deadline = System.nanoTime() + exitGrace.toNanos();
    if (!exitGrace.isZero()) {
      LIVE.forEach(Process::destroy);
      for (Process process : LIVE) {
        try {
          process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
    LIVE.forEach(Process::destroyForcibly);
  }

  private final CassandraNodeSpec spec;
  private final Process process;
  private final Path stdout;

  CassandraProcess(CassandraNodeSpec spec, Process process, Path stdout) {
    this.spec = spec;
    this.process = process;
    this.stdout = stdout;
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }

  public CassandraNodeSpec spec() {
    return spec;
  }

  public String name() {
    return spec.name();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code once the process ended (143 after SIGTERM, 137 after SIGKILL), else empty. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  public CompletableFuture<CassandraProcess> onExit() {
    return process.onExit().thenApply(p -> this);
  }

  /** Cassandra's own log (written by the launcher's logback.xml). */
  public Path logFile() {
    return spec.logDir().resolve("system.log");
  }

  /** The process's stdout and stderr, where the JVM and the agent report problems before logging starts. */
  public Path stdoutFile() {
    return stdout;
  }

  /**
   * Stops the node as the kubelet does: SIGTERM (Cassandra drains in its shutdown hook), then SIGKILL if it
   * has not exited within the grace period. Returns the exit code.
   */
  public int stop(Duration gracePeriod) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(gracePeriod.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  /** SIGKILL, as when a node crashes; waits for the exit and returns the exit code. */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Waits for the process to exit on its own. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return spec.name() + "(pid " + process.pid() + (process.isAlive() ? ", running)" : ", exited " + process.exitValue() + ")");
  }
}
