package io.ringkeeper.local.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/** Shared bits of the real-Cassandra tests. */
final class ItSupport {
  private ItSupport() {}

  /** An empty directory for one test class's nodes, under target/ (left in place for post-mortems). */
  static Path freshWorkDir(String name) {
    Path root = Paths.get(System.getProperty("ringkeeper.work.dir", "target/cassandra-nodes"));
    Path dir = root.resolve(name).toAbsolutePath();
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
