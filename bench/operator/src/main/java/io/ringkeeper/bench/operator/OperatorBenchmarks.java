package io.ringkeeper.bench.operator;

import java.util.List;
import java.util.Set;

/**
 * Runs the operator benchmarks of issue 10 and prints their results as Markdown on stdout (progress goes to
 * stderr). Argument: {@code all} or a comma-separated subset of {@code requests,polling,latency,startup,scale,isolation}.
 * Every figure is measured, never assumed; where a measurement is repeated, min / median / max are printed.
 */
public final class OperatorBenchmarks {
  private OperatorBenchmarks() {}

  public static void main(String[] args) throws Exception {
    Set<String> only = Set.copyOf(List.of((args.length == 0 ? "all" : args[0]).split(",")));
    System.out.println("## Operator benchmarks: results");
    System.out.println();
    System.out.println("JDK " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
        + " cores.");
    System.out.println();
    if (run(only, "requests")) {
      ApiRequestsBenchmark.run();
    }
    if (run(only, "polling")) {
      PollingBenchmark.run();
    }
    if (run(only, "latency")) {
      ReconcileLatencyBenchmark.run();
    }
    if (run(only, "startup")) {
      StartupBenchmark.run();
    }
    if (run(only, "scale")) {
      ScaleBenchmark.run();
    }
    if (run(only, "isolation")) {
      IsolationBenchmark.run();
    }
    System.exit(0); // informer and HTTP threads of the fakes are not all daemons
  }

  private static boolean run(Set<String> only, String name) {
    return only.contains("all") || only.contains(name);
  }

  static void progress(String message) {
    System.err.println("[bench] " + message);
  }
}
