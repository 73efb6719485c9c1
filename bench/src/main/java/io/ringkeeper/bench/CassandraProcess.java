package io.ringkeeper.bench;

import io.ringkeeper.operator.domain.tokens.RingNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code io.ringkeeper.bench.cassandra.CassandraSide} in a separate JVM on cassandra-all's classpath and
 * parses its output. Cassandra's classes never load into this JVM.
 */
final class CassandraProcess {

  /**
   * Nodes Cassandra allocated (node i in rack r(i mod racks)), growth CPU time of the JVM and of the allocating
   * thread, and a refusal if any.
   */
  record Allocation(List<RingNode> nodes, long millis, long threadMillis, String refusal) {}

  private final String classpath;
  private final Path logbackConfig;

  CassandraProcess(Path benchClasses, Path cassandraClasspathFile) throws IOException {
    this.classpath = benchClasses + java.io.File.pathSeparator + Files.readString(cassandraClasspathFile).trim();
    this.logbackConfig = benchClasses.resolve("cassandra-logback.xml");
  }

  /** Nodes joining one at a time, each allocating as a bootstrapping Cassandra node does. */
  Allocation bootstrap(int racks, int numTokens, int nodes, int rf) throws IOException {
    return parseAllocation(run("bootstrap", racks, numTokens, nodes, rf));
  }

  /** The whole datacenter through OfflineTokenAllocator, as tools/bin/generatetokens does. */
  Allocation offline(int racks, int numTokens, int nodes, int rf) throws IOException {
    return parseAllocation(run("offline", racks, numTokens, nodes, rf));
  }

  /** NetworkTopologyStrategy's replicas of the range ending at each token of {@code ring}. */
  Map<Long, List<String>> replicas(List<RingNode> ring, int rf) throws IOException {
    Path file = Files.createTempFile("ring", ".txt");
    try {
      StringBuilder text = new StringBuilder();
      for (RingNode node : ring) {
        text.append(node.name()).append(' ').append(node.rack());
        node.tokens().forEach(t -> text.append(' ').append(t));
        text.append('\n');
      }
      Files.writeString(file, text);
      Map<Long, List<String>> out = new HashMap<>();
      for (String line : run("replicas", rf, file)) {
        String[] parts = line.split(" ");
        if (parts[0].equals("range")) {
          out.put(Long.parseLong(parts[1]), List.of(Arrays.copyOfRange(parts, 2, parts.length)));
        }
      }
      return out;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static Allocation parseAllocation(List<String> lines) {
    List<RingNode> nodes = new ArrayList<>();
    long millis = -1;
    long threadMillis = -1;
    String refusal = null;
    for (String line : lines) {
      String[] parts = line.split(" ");
      switch (parts[0]) {
        case "node" -> {
          List<Long> tokens = new ArrayList<>();
          for (int k = 3; k < parts.length; k++) {
            tokens.add(Long.parseLong(parts[k]));
          }
          nodes.add(new RingNode("n" + parts[1], parts[2], tokens));
        }
        case "millis" -> {
          millis = Long.parseLong(parts[1]);
          threadMillis = Long.parseLong(parts[2]);
        }
        case "refused" -> refusal = "node n" + parts[1] + ": " + line.substring(line.indexOf(' ', "refused ".length()) + 1);
        default -> { }
      }
    }
    return new Allocation(nodes, millis, threadMillis, refusal);
  }

  private List<String> run(Object... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dlogback.configurationFile=" + logbackConfig.toUri(),
        "-cp", classpath, "io.ringkeeper.bench.cassandra.CassandraSide"));
    for (Object a : args) {
      command.add(a.toString());
    }
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int code = process.waitFor();
      if (code != 0) {
        throw new IOException("Cassandra's JVM exited with " + code + " for " + Arrays.toString(args));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out.lines().toList();
  }
}
