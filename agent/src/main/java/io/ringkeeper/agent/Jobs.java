package io.ringkeeper.agent;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.management.Notification;

/**
 * Starts long operations as jobs and keeps their state for {@code GET /v1/jobs/{id}}.
 *
 * <p>A request is validated before a job exists (unknown keyspace or table, malformed range, missing
 * field: 400), so a job id always names an operation Cassandra was really asked to do. Each job runs the
 * blocking MBean call on its own daemon thread. Rules: at most one running job per kind (409), and nothing
 * starts while a decommission or drain runs (409), because both end with a node that serves nothing.
 * Ids carry a random part, so an id from before a restart never names a different job after it.
 * The last {@value #KEEP_FINISHED} finished jobs are kept.
 */
final class Jobs {
  static final int KEEP_FINISHED = 100;
  /** How often a repair's status is polled. */
  private static final long REPAIR_POLL_MILLIS = 500;
  /** A repair Cassandra reports nothing about for this long is declared lost. */
  private static final long REPAIR_UNKNOWN_LIMIT_MILLIS = TimeUnit.MINUTES.toMillis(10);
  /** Keyspace and table names Cassandra accepts (it allows at most 48 characters). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,48}");
  /** Parallel sstable jobs for cleanup, garbagecollect: nodetool's default. */
  private static final int SSTABLE_JOBS = 2;

  /** URL segment -> job kind, in the order the docs list them. */
  static final Map<String, String> KINDS;

  static {
    Map<String, String> kinds = new LinkedHashMap<>();
    kinds.put("decommission", "DECOMMISSION");
    kinds.put("drain", "DRAIN");
    kinds.put("cleanup", "CLEANUP");
    kinds.put("compact", "COMPACT");
    kinds.put("garbagecollect", "GARBAGE_COLLECT");
    kinds.put("upgradesstables", "UPGRADE_SSTABLES");
    kinds.put("repair", "REPAIR");
    kinds.put("rebuild", "REBUILD");
    KINDS = kinds;
  }

  private final Cassandra cassandra;
  private final ExecutorService threads;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<String, Job> repairsBySource = new java.util.concurrent.ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile boolean listening;

  Jobs(Cassandra cassandra) {
    this.cassandra = cassandra;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "ringkeeper-agent-job-" + n.incrementAndGet());
      t.setDaemon(true); // a running job must never keep a stopping JVM alive
      return t;
    });
  }

  Job get(String id) {
    synchronized (jobs) {
      return jobs.get(id);
    }
  }

  List<Job> all() {
    synchronized (jobs) {
      return new ArrayList<>(jobs.values());
    }
  }

  /** Validates the request, starts the job and returns it (already running). */
  Job start(String segment, Map<String, Object> body) throws ApiException {
    String kind = KINDS.get(segment);
    if (kind == null) {
      throw ApiException.notFound("unknown operation '" + segment + "'; known: " + String.join(", ", KINDS.keySet()));
    }
    if (!cassandra.started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    switch (kind) {
      case "DECOMMISSION":
      case "DRAIN":
        allowOnly(body, kind);
        return launch(kind, job -> {
          if (kind.equals("DECOMMISSION")) {
            // force=false: Cassandra refuses when a keyspace would fall below its replication factor.
            cassandra.invoke(Cassandra.STORAGE_SERVICE, "decommission", new Object[] {false},
                new String[] {boolean.class.getName()});
          } else {
            cassandra.invoke(Cassandra.STORAGE_SERVICE, "drain", new Object[0], new String[0]);
          }
          job.succeed("node is " + cassandra.operationMode());
        });
      case "CLEANUP":
      case "COMPACT":
      case "GARBAGE_COLLECT":
      case "UPGRADE_SSTABLES":
        return startTableJob(kind, body);
      case "REPAIR":
        return startRepair(body);
      case "REBUILD":
        return startRebuild(body);
      default:
        throw new IllegalStateException(kind);
    }
  }

  private Job startTableJob(String kind, Map<String, Object> body) throws ApiException {
    allowOnly(body, kind, "keyspace", "tables");
    String keyspace = optionalKeyspace(body);
    List<String> tables = tables(body, keyspace);
    List<String> keyspaces;
    if (keyspace != null) {
      keyspaces = List.of(keyspace);
    } else if (kind.equals("CLEANUP") || kind.equals("GARBAGE_COLLECT")) {
      // As nodetool does: local-strategy keyspaces have no ranges to clean or tombstones to share.
      keyspaces = cassandra.nonLocalStrategyKeyspaces();
    } else {
      keyspaces = cassandra.keyspaceNames();
    }
    String[] tableArray = tables.toArray(new String[0]);
    return launch(kind, job -> {
      int done = 0;
      for (String ks : keyspaces) {
        job.progress((double) done / keyspaces.size(), "keyspace " + ks);
        Object result;
        switch (kind) {
          case "CLEANUP":
            result = cassandra.invoke(Cassandra.STORAGE_SERVICE, "forceKeyspaceCleanup",
                new Object[] {SSTABLE_JOBS, ks, tableArray},
                new String[] {int.class.getName(), String.class.getName(), String[].class.getName()});
            break;
          case "COMPACT":
            result = cassandra.invoke(Cassandra.STORAGE_SERVICE, "forceKeyspaceCompaction",
                new Object[] {false, ks, tableArray},
                new String[] {boolean.class.getName(), String.class.getName(), String[].class.getName()});
            break;
          case "GARBAGE_COLLECT":
            result = cassandra.invoke(Cassandra.STORAGE_SERVICE, "garbageCollect",
                new Object[] {"ROW", SSTABLE_JOBS, ks, tableArray},
                new String[] {String.class.getName(), int.class.getName(), String.class.getName(),
                    String[].class.getName()});
            break;
          default:
            // excludeCurrentVersion=true: only sstables of an older format are rewritten, like nodetool's default
            result = cassandra.invoke(Cassandra.STORAGE_SERVICE, "upgradeSSTables",
                new Object[] {ks, true, tableArray},
                new String[] {String.class.getName(), boolean.class.getName(), String[].class.getName()});
            break;
        }
        if (result instanceof Integer && (Integer) result != 0) {
          // AllSSTableOpStatus: 1 ABORTED, 2 UNABLE_TO_CANCEL (another operation holds the sstables)
          int status = (Integer) result;
          job.fail(kind.toLowerCase(Locale.ROOT) + " of keyspace " + ks + " did not complete: "
              + (status == 1 ? "aborted" : status == 2 ? "unable to cancel other compactions" : "status " + status));
          return;
        }
        done++;
      }
      job.succeed(kind.toLowerCase(Locale.ROOT) + " done: " + String.join(", ", keyspaces));
    });
  }

  private Job startRepair(Map<String, Object> body) throws ApiException {
    allowOnly(body, "REPAIR", "keyspace", "tables", "ranges", "parallelism");
    String keyspace = optionalKeyspace(body);
    if (keyspace == null) {
      throw ApiException.badRequest("repair needs \"keyspace\": the keyspace to repair");
    }
    List<String> tables = tables(body, keyspace);
    String parallelism = parallelism(body.get("parallelism"));
    List<long[]> ranges = ranges(body.get("ranges"));

    Map<String, String> options = new LinkedHashMap<>();
    options.put("parallelism", parallelism);
    options.put("incremental", "false"); // the operator runs full subrange repairs, like Reaper does
    options.put("primaryRange", "false");
    options.put("jobThreads", "1");
    options.put("trace", "false");
    if (!tables.isEmpty()) {
      options.put("columnFamilies", String.join(",", tables));
    }
    if (!ranges.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (long[] r : ranges) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(r[0]).append(':').append(r[1]);
      }
      options.put("ranges", sb.toString());
    }
    synchronized (jobs) {
      checkConflicts("REPAIR");
      listenForProgress();
      // repairAsync validates the options and returns at once; a refusal here is the caller's 4xx.
      int command = (Integer) cassandra.invoke(Cassandra.STORAGE_SERVICE, "repairAsync",
          new Object[] {keyspace, options}, new String[] {String.class.getName(), Map.class.getName()});
      Job job = register("REPAIR");
      if (command <= 0) {
        job.succeed("nothing to repair in keyspace " + keyspace + " (replication factor 1 or no ranges)");
        return job;
      }
      job.progress(0, "repair command " + command + " on keyspace " + keyspace);
      repairsBySource.put("repair:" + command, job);
      threads.execute(() -> followRepair(job, command));
      return job;
    }
  }

  private void followRepair(Job job, int command) {
    long started = System.currentTimeMillis();
    try {
      while (true) {
        Object status = cassandra.invoke(Cassandra.STORAGE_SERVICE, "getParentRepairStatus",
            new Object[] {command}, new String[] {int.class.getName()});
        List<String> lines = Cassandra.stringList(status);
        if (!lines.isEmpty()) {
          String state = lines.get(0);
          String details = String.join("; ", lines.subList(1, lines.size()));
          if (state.equals("COMPLETED")) {
            job.succeed("repair command " + command + " completed" + (details.isEmpty() ? "" : ": " + details));
            return;
          }
          if (state.equals("FAILED")) {
            job.fail("repair command " + command + " failed" + (details.isEmpty() ? "" : ": " + details));
            return;
          }
        } else if (System.currentTimeMillis() - started > REPAIR_UNKNOWN_LIMIT_MILLIS) {
          job.fail("Cassandra reports no status for repair command " + command);
          return;
        }
        Thread.sleep(REPAIR_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.fail("agent stopped while following repair command " + command);
    } catch (ApiException e) {
      job.fail(e.getMessage());
    } catch (RuntimeException e) {
      job.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      repairsBySource.remove("repair:" + command);
    }
  }

  /** Repair progress arrives as StorageService notifications of type "progress" from source "repair:N". */
  private void listenForProgress() throws ApiException {
    if (listening) {
      return;
    }
    cassandra.addStorageServiceListener((Notification n, Object handback) -> {
      try {
        if (!"progress".equals(n.getType()) || !(n.getSource() instanceof String)) {
          return;
        }
        Job job = repairsBySource.get((String) n.getSource());
        if (job != null && n.getUserData() instanceof Map) {
          Map<?, ?> data = (Map<?, ?>) n.getUserData();
          Object count = data.get("progressCount");
          Object total = data.get("total");
          if (count instanceof Number && total instanceof Number && ((Number) total).intValue() > 0) {
            double fraction = ((Number) count).doubleValue() / ((Number) total).doubleValue();
            job.progress(Math.min(0.99, fraction), n.getMessage());
          }
        }
      } catch (RuntimeException ignored) {
        // a notification we cannot read must not disturb Cassandra's notification thread
      }
    });
    listening = true;
  }

  private Job startRebuild(Map<String, Object> body) throws ApiException {
    allowOnly(body, "REBUILD", "sourceDatacenter", "keyspace");
    Object source = body.get("sourceDatacenter");
    if (!(source instanceof String) || ((String) source).isEmpty()) {
      throw ApiException.badRequest("rebuild needs \"sourceDatacenter\": the datacenter to stream from");
    }
    String sourceDc = (String) source;
    Set<String> known = new LinkedHashSet<>();
    Object dcs = cassandra.nodeInfo().get("endpointDatacenters");
    known.addAll(Cassandra.stringMap(dcs).values());
    if (!known.contains(sourceDc)) {
      throw ApiException.badRequest("unknown source datacenter '" + sourceDc + "'; the ring has " + known);
    }
    String keyspace = optionalKeyspace(body);
    return launch("REBUILD", job -> {
      cassandra.invoke(Cassandra.STORAGE_SERVICE, "rebuild", new Object[] {sourceDc, keyspace, null, null},
          new String[] {String.class.getName(), String.class.getName(), String.class.getName(),
              String.class.getName()});
      job.succeed("rebuilt from " + sourceDc);
    });
  }

  // ---- running ----------------------------------------------------------------------------------

  interface Work {
    void run(Job job) throws Exception;
  }

  private Job launch(String kind, Work work) throws ApiException {
    synchronized (jobs) {
      checkConflicts(kind);
      Job job = register(kind);
      threads.execute(() -> {
        try {
          work.run(job);
          job.succeed(null); // no-op when the work already finished the job
        } catch (Throwable t) {
          Throwable cause = Cassandra.unwrap(t);
          String message = cause instanceof ApiException
              ? cause.getMessage()
              : cause.getClass().getSimpleName() + ": " + cause.getMessage();
          job.fail(message);
        }
      });
      return job;
    }
  }

  private void checkConflicts(String kind) throws ApiException {
    for (Job job : jobs.values()) {
      if (job.state() != Job.State.RUNNING) {
        continue;
      }
      if (job.kind().equals(kind)) {
        throw ApiException.conflict("a " + kind + " job is already running: " + job.id());
      }
      if (job.kind().equals("DECOMMISSION") || job.kind().equals("DRAIN")) {
        throw ApiException.conflict("a " + job.kind() + " job is running (" + job.id() + "); nothing else may start");
      }
    }
  }

  private Job register(String kind) {
    String id;
    do {
      id = kind.toLowerCase(Locale.ROOT).replace("_", "") + "-" + Long.toHexString(random.nextLong() >>> 16);
    } while (jobs.containsKey(id));
    Job job = new Job(id, kind, System.currentTimeMillis());
    jobs.put(id, job);
    prune();
    return job;
  }

  private void prune() {
    int finished = 0;
    for (Job job : jobs.values()) {
      if (job.state() != Job.State.RUNNING) {
        finished++;
      }
    }
    Iterator<Job> it = jobs.values().iterator();
    while (finished > KEEP_FINISHED && it.hasNext()) {
      if (it.next().state() != Job.State.RUNNING) {
        it.remove();
        finished--;
      }
    }
  }

  // ---- request validation -------------------------------------------------------------------------

  private static void allowOnly(Map<String, Object> body, String kind, String... fields) throws ApiException {
    Set<String> allowed = new LinkedHashSet<>(List.of(fields));
    for (String key : body.keySet()) {
      if (!allowed.contains(key)) {
        throw ApiException.badRequest("unknown field \"" + key + "\" for " + kind
            + (allowed.isEmpty() ? "; it takes no fields" : "; allowed: " + allowed));
      }
    }
  }

  private String optionalKeyspace(Map<String, Object> body) throws ApiException {
    Object value = body.get("keyspace");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) || !NAME.matcher((String) value).matches()) {
      throw ApiException.badRequest("\"keyspace\" must be a keyspace name (letters, digits, _; at most 48)");
    }
    String keyspace = (String) value;
    if (!cassandra.keyspaceNames().contains(keyspace)) {
      throw ApiException.badRequest("unknown keyspace '" + keyspace + "'");
    }
    return keyspace;
  }

  private List<String> tables(Map<String, Object> body, String keyspace) throws ApiException {
    Object value = body.get("tables");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw ApiException.badRequest("\"tables\" must be a list of table names");
    }
    if (keyspace == null) {
      throw ApiException.badRequest("\"tables\" needs \"keyspace\": tables are named within one keyspace");
    }
    Set<String> known = cassandra.tableNames(keyspace);
    List<String> tables = new ArrayList<>();
    for (Object t : (Collection<?>) value) {
      if (!(t instanceof String) || !NAME.matcher((String) t).matches()) {
        throw ApiException.badRequest("\"tables\" must hold table names (letters, digits, _; at most 48)");
      }
      if (!known.contains(t)) {
        throw ApiException.badRequest("unknown table '" + t + "' in keyspace '" + keyspace + "'");
      }
      tables.add((String) t);
    }
    return tables;
  }

  static String parallelism(Object value) throws ApiException {
    if (value == null) {
      return "sequential";
    }
    String p = String.valueOf(value).trim().toUpperCase(Locale.ROOT);
    switch (p) {
      case "SEQUENTIAL":
        return "sequential";
      case "PARALLEL":
        return "parallel";
      case "DATACENTER_AWARE":
        return "dc_parallel";
      default:
        throw ApiException.badRequest(
            "\"parallelism\" must be SEQUENTIAL, PARALLEL or DATACENTER_AWARE, not '" + value + "'");
    }
  }

  /** [{"start": "-10", "end": "20"}, ...] with tokens as strings or integers; ranges are (start, end]. */
  static List<long[]> ranges(Object value) throws ApiException {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw ApiException.badRequest("\"ranges\" must be a list of {\"start\": token, \"end\": token}");
    }
    List<long[]> out = new ArrayList<>();
    int i = 0;
    for (Object item : (List<?>) value) {
      if (!(item instanceof Map)) {
        throw ApiException.badRequest("ranges[" + i + "] must be an object {\"start\": token, \"end\": token}");
      }
      Map<?, ?> range = (Map<?, ?>) item;
      for (Object key : range.keySet()) {
        if (!"start".equals(key) && !"end".equals(key)) {
          throw ApiException.badRequest("ranges[" + i + "] has unknown field \"" + key + "\"");
        }
      }
      long start = token(range.get("start"), "ranges[" + i + "].start");
      long end = token(range.get("end"), "ranges[" + i + "].end");
      if (start == end) {
        throw ApiException.badRequest("ranges[" + i + "] is empty: start equals end (" + start + ")");
      }
      out.add(new long[] {start, end});
      i++;
    }
    return out;
  }

  private static long token(Object value, String field) throws ApiException {
    if (value instanceof Long) {
      return (Long) value;
    }
    if (value instanceof String) {
      try {
        return Long.parseLong(((String) value).trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw ApiException.badRequest(field + " must be a Murmur3 token (a 64-bit integer), not " + Json.write(value));
  }
}
