package io.ringkeeper.bench.cassandra;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.cassandra.config.DatabaseDescriptor;
import org.apache.cassandra.dht.Murmur3Partitioner;
import org.apache.cassandra.dht.Token;
import org.apache.cassandra.dht.tokenallocator.OfflineTokenAllocator;
import org.apache.cassandra.dht.tokenallocator.TokenAllocation;
import org.apache.cassandra.exceptions.ConfigurationException;
import org.apache.cassandra.locator.InetAddressAndPort;
import org.apache.cassandra.locator.NetworkTopologyStrategy;
import org.apache.cassandra.locator.Replica;
import org.apache.cassandra.locator.SimpleSnitch;
import org.apache.cassandra.locator.TokenMetadata;
import org.apache.cassandra.utils.OutputHandler;

/**
 * Cassandra 5.0's own token allocator and NetworkTopologyStrategy, driven from the command line. Runs in a JVM
 * of its own on cassandra-all's classpath (started by {@code CassandraProcess}), so none of Cassandra's
 * dependencies meet the operator's. Output is plain lines on stdout:
 *
 * <ul>
 *   <li>{@code bootstrap <racks> <numTokens> <nodes> <rf>}: nodes join one at a time as a real cluster does
 *       with {@code allocate_tokens_for_local_replication_factor: rf}: each joining node runs
 *       {@link TokenAllocation#allocateTokens} on the ring of the nodes before it. Node {@code i} is in rack
 *       {@code i mod racks}. The sequence runs for 3 s (at least twice) as JIT warm-up, then 5 timed times; prints
 *       {@code node <i> <rack> <tokens...>} per node, then {@code millis <JVM CPU time> <allocating thread's CPU time>}, medians of the timed runs of growing from 3 to n nodes, or
 *       {@code refused <i> <message>} when Cassandra refuses to allocate for node {@code i}.
 *   <li>{@code offline <racks> <numTokens> <nodes> <rf>}: the same through {@link OfflineTokenAllocator}, the
 *       allocator behind {@code tools/bin/generatetokens}.
 *   <li>{@code replicas <rf> <ring file>}: for a ring given as lines {@code <node> <rack> <tokens...>}, prints
 *       {@code range <token> <replicas...>} with NetworkTopologyStrategy's replicas of the range ending at
 *       every token, in Cassandra's order.
 * </ul>
 */
public final class CassandraSide {

  /** Allocation time is CPU time, not wall time: of this JVM (all threads) and of the allocating thread. */
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

  /** The same sequence runs for this long (and at least twice) before timing, so the JIT has done its work. */
  private static final long WARM_UP_NANOS = 3_000_000_000L;
  /** Timed runs; the median is reported. */
  private static final int TIMED_RUNS = 5;

  private static int refusedAt;
  private static String refusal;

  private CassandraSide() {}

  public static void main(String[] args) throws Exception {
    DatabaseDescriptor.clientInitialization();
    DatabaseDescriptor.setPartitionerUnsafe(Murmur3Partitioner.instance);
    switch (args[0]) {
      case "bootstrap" -> {
        int racks = Integer.parseInt(args[1]);
        int numTokens = Integer.parseInt(args[2]);
        int nodes = Integer.parseInt(args[3]);
        int rf = Integer.parseInt(args[4]);
        long warmUntil = System.nanoTime() + WARM_UP_NANOS;
        for (int run = 0; run < 2 || System.nanoTime() < warmUntil; run++) {
          if (bootstrap(racks, numTokens, nodes, rf, false) == null) {
            System.out.println("refused " + refusedAt + " " + refusal);
            return; // nothing to time
          }
        }
        long[][] times = new long[TIMED_RUNS][];
        for (int run = 0; run < TIMED_RUNS; run++) {
          times[run] = bootstrap(racks, numTokens, nodes, rf, run == TIMED_RUNS - 1);
        }
        System.out.println("millis " + median(times, 0) + " " + median(times, 1));
      }
      case "offline" -> offline(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      case "replicas" -> replicas(Integer.parseInt(args[1]), Path.of(args[2]));
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
    System.out.flush();
  }

  /** A snitch that knows each fake endpoint's rack; one datacenter, SimpleSnitch's. */
  private static final class RackSnitch extends SimpleSnitch {
    final Map<InetAddressAndPort, String> rackOf = new HashMap<>();

    @Override
    public String getRack(InetAddressAndPort endpoint) {
      return rackOf.get(endpoint);
    }
  }

  private static InetAddressAndPort endpoint(int i) throws IOException {
    return InetAddressAndPort.getByAddressOverrideDefaults(InetAddress.getByName("127.0.0.1"), 10000 + i);
  }

  /** One growth run; returns {JVM CPU ms, thread CPU ms} of nodes 4..n, or null when Cassandra refused. */
  private static long[] bootstrap(int racks, int numTokens, int nodes, int rf, boolean print) throws IOException {
    RackSnitch snitch = new RackSnitch();
    DatabaseDescriptor.setEndpointSnitch(snitch);
    TokenMetadata metadata = new TokenMetadata(snitch);
    Map<String, String> replication = Map.of(snitch.getLocalDatacenter(), Integer.toString(rf));
    StringBuilder out = new StringBuilder();
    long growthStart = 0;
    long threadStart = 0;
    for (int i = 0; i < nodes; i++) {
      if (i == 3) {
        growthStart = CPU.getProcessCpuTime();
        threadStart = THREAD.getCurrentThreadCpuTime();
      }
      InetAddressAndPort endpoint = endpoint(i);
      String rack = "r" + (i % racks);
      snitch.rackOf.put(endpoint, rack);
      Collection<Token> tokens;
      try {
        // What a joining node does: allocate against the ring it sees (the nodes that joined before it).
        NetworkTopologyStrategy strategy = new NetworkTopologyStrategy("bench", metadata, snitch, replication);
        tokens = TokenAllocation.allocateTokens(metadata, strategy, endpoint, numTokens);
      } catch (ConfigurationException e) {
        refusedAt = i;
        refusal = e.getMessage().replace('\n', ' ');
        return null;
      }
      metadata.updateNormalTokens(tokens, endpoint);
      out.append(nodeLine(i, rack, tokens));
    }
    long millis = (CPU.getProcessCpuTime() - growthStart) / 1_000_000;
    long threadMillis = (THREAD.getCurrentThreadCpuTime() - threadStart) / 1_000_000;
    if (print) {
      System.out.print(out);
    }
    return new long[] {millis, threadMillis};
  }

  private static long median(long[][] times, int column) {
    long[] values = new long[times.length];
    for (int i = 0; i < times.length; i++) {
      values[i] = times[i][column];
    }
    java.util.Arrays.sort(values);
    return values[values.length / 2];
  }

  private static void offline(int racks, int numTokens, int nodes, int rf) {
    int[] perRack = new int[racks];
    for (int i = 0; i < nodes; i++) {
      perRack[i % racks]++;
    }
    long start = CPU.getProcessCpuTime();
    var fakeNodes = OfflineTokenAllocator.allocate(rf, numTokens, perRack, new OutputHandler.SystemOutput(false,
        false), Murmur3Partitioner.instance);
    long millis = (CPU.getProcessCpuTime() - start) / 1_000_000;
    long threadMillis = 0; // not measured for the offline allocator
    StringBuilder out = new StringBuilder();
    for (var node : fakeNodes) {
      out.append(nodeLine(node.nodeId(), "r" + node.rackId(), node.tokens()));
    }
    System.out.print(out);
    System.out.println("millis " + millis + " " + threadMillis);
  }

  private static String nodeLine(int i, String rack, Collection<Token> tokens) {
    StringBuilder line = new StringBuilder("node ").append(i).append(' ').append(rack);
    for (Token t : tokens) {
      line.append(' ').append((long) t.getTokenValue());
    }
    return line.append('\n').toString();
  }

  private static void replicas(int rf, Path ringFile) throws IOException {
    RackSnitch snitch = new RackSnitch();
    DatabaseDescriptor.setEndpointSnitch(snitch);
    TokenMetadata metadata = new TokenMetadata(snitch);
    Map<InetAddressAndPort, String> names = new HashMap<>();
    List<Long> allTokens = new ArrayList<>();
    int i = 0;
    for (String line : Files.readAllLines(ringFile)) {
      String[] parts = line.trim().split("\\s+");
      InetAddressAndPort endpoint = endpoint(i++);
      names.put(endpoint, parts[0]);
      snitch.rackOf.put(endpoint, parts[1]);
      List<Token> tokens = new ArrayList<>();
      for (int k = 2; k < parts.length; k++) {
        long t = Long.parseLong(parts[k]);
        tokens.add(new Murmur3Partitioner.LongToken(t));
        allTokens.add(t);
      }
      metadata.updateNormalTokens(tokens, endpoint);
    }
    NetworkTopologyStrategy strategy = new NetworkTopologyStrategy("bench", metadata, snitch,
        Map.of(snitch.getLocalDatacenter(), Integer.toString(rf)));
    StringBuilder out = new StringBuilder();
    for (long t : allTokens) {
      out.append("range ").append(t);
      for (Replica replica : strategy.calculateNaturalReplicas(new Murmur3Partitioner.LongToken(t), metadata)) {
        out.append(' ').append(names.get(replica.endpoint()));
      }
      out.append('\n');
    }
    System.out.print(out);
  }
}
