package io.ringkeeper.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running container's memory and CPU figures as its cgroup counts them (v1 or v2), read on the host from the
 * container's init process: what a kubelet and the OOM killer go by, not what the JVM says of itself.
 */
record ContainerCgroup(Path memory, Path cpu, boolean v2) {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  static ContainerCgroup of(long pid) {
    List<String> lines = read(Path.of("/proc/" + pid + "/cgroup")).lines().toList();
    String memory = null;
    String cpu = null;
    String unified = null;
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      for (String controller : parts[1].split(",")) {
        if (controller.equals("memory")) {
          memory = parts[2];
        } else if (controller.equals("cpuacct")) {
          cpu = parts[2];
        }
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        unified = parts[2];
      }
    }
    if (memory != null && cpu != null) {
      return new ContainerCgroup(ROOT.resolve("memory" + memory), ROOT.resolve("cpuacct" + cpu), false);
    }
    if (unified != null) {
      Path dir = ROOT.resolve(unified.substring(1));
      return new ContainerCgroup(dir, dir, true);
    }
    throw new IllegalStateException("no memory and cpu cgroup of pid " + pid + " in " + lines);
  }

  /** The memory limit the engine set (bytes). */
  long memoryLimit() {
    return v2 ? Long.parseLong(read(memory.resolve("memory.max")).strip())
        : Long.parseLong(read(memory.resolve("memory.limit_in_bytes")).strip());
  }

  /** Memory charged to the container now (page cache included), bytes. */
  long memoryUsage() {
    return Long.parseLong(read(memory.resolve(v2 ? "memory.current" : "memory.usage_in_bytes")).strip());
  }

  /** The highest memory usage seen since the container started (bytes), -1 where the kernel does not keep it. */
  long memoryPeak() {
    Path file = memory.resolve(v2 ? "memory.peak" : "memory.max_usage_in_bytes");
    return Files.exists(file) ? Long.parseLong(read(file).strip()) : -1;
  }

  /** Anonymous memory (the processes' resident heap and stacks, no page cache): the container's RSS, bytes. */
  long rss() {
    Map<String, Long> stat = stat(memory.resolve("memory.stat"));
    return v2 ? stat.get("anon") : stat.get("total_rss");
  }

  /** CPU time used by the container so far, nanoseconds. */
  long cpuNanos() {
    if (v2) {
      return stat(cpu.resolve("cpu.stat")).get("usage_usec") * 1000;
    }
    return Long.parseLong(read(cpu.resolve("cpuacct.usage")).strip());
  }

  private static Map<String, Long> stat(Path file) {
    Map<String, Long> values = new HashMap<>();
    for (String line : read(file).lines().toList()) {
      String[] kv = line.split(" ");
      values.put(kv[0], Long.parseLong(kv[1]));
    }
    return values;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
