package io.ringkeeper.local.cassandra;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What it takes to run a Cassandra node locally: a JDK 17 {@code java}, the directory of Cassandra's jars
 * (copied by local/pom.xml, never on our own classpath) and the node agent's jar.
 *
 * @param java the {@code java} executable; Cassandra 5.0 refuses to start on JDK 25, so this is a JDK 17
 * @param libDir directory holding cassandra-all and its runtime dependencies
 * @param agentJar the ringkeeper agent jar, for {@code -javaagent}
 */
public record CassandraDistribution(Path java, Path libDir, Path agentJar) {
  public static final String LIB_PROPERTY = "ringkeeper.cassandra.lib";
  public static final String AGENT_PROPERTY = "ringkeeper.agent.jar";
  public static final String JAVA_PROPERTY = "ringkeeper.cassandra.java";

  public CassandraDistribution {
    Objects.requireNonNull(java, "java");
    Objects.requireNonNull(libDir, "libDir");
    Objects.requireNonNull(agentJar, "agentJar");
  }

  /**
   * Finds the distribution from system properties ({@value #LIB_PROPERTY}, {@value #AGENT_PROPERTY},
   * {@value #JAVA_PROPERTY}), else from the build directories of the local module relative to the working
   * directory, and checks that it is complete; the message says how to build what is missing.
   */
  public static CassandraDistribution locate() {
    Path lib = firstExisting(System.getProperty(LIB_PROPERTY), "target/cassandra-lib", "local/target/cassandra-lib");
    Path agent = firstExisting(System.getProperty(AGENT_PROPERTY), "target/agent/ringkeeper-agent.jar",
        "local/target/agent/ringkeeper-agent.jar");
    if (lib == null || !hasCassandraJar(lib)) {
      throw new IllegalStateException("Cassandra's jars are not found (looked at -D" + LIB_PROPERTY
          + " and target/cassandra-lib): build them with `mvn -pl local -am verify`");
    }
    if (agent == null || !Files.isRegularFile(agent)) {
      throw new IllegalStateException("the agent jar is not found (looked at -D" + AGENT_PROPERTY
          + " and target/agent/ringkeeper-agent.jar): build it with `mvn -pl local -am verify`");
    }
    return new CassandraDistribution(java17(), lib, agent);
  }

  /** The classpath of a node: every jar of the lib directory, in a stable order. */
  public String classpath() throws IOException {
    List<String> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(libDir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted()
          .forEach(p -> jars.add(p.toAbsolutePath().toString()));
    }
    return String.join(File.pathSeparator, jars);
  }

  /**
   * The JDK 17 {@code java}: the property when set, else the running JVM when it is 17, else the Debian
   * location of OpenJDK 17.
   */
  static Path java17() {
    String configured = System.getProperty(JAVA_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured);
    }
    if (Runtime.version().feature() == 17) {
      return Paths.get(System.getProperty("java.home"), "bin", "java");
    }
    Path debian = Paths.get("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    if (Files.isExecutable(debian)) {
      return debian;
    }
    throw new IllegalStateException("Cassandra 5.0 needs JDK 17; this JVM is " + Runtime.version()
        + ": set -D" + JAVA_PROPERTY + "=/path/to/jdk17/bin/java");
  }

  private static boolean hasCassandraJar(Path lib) {
    try (Stream<Path> files = Files.list(lib)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("cassandra-all-"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Path firstExisting(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank() && Files.exists(Paths.get(candidate))) {
        return Paths.get(candidate).toAbsolutePath();
      }
    }
    return null;
  }
}
