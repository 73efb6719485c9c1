package io.ringkeeper.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;
import javax.management.RuntimeOperationsException;

/**
 * Cassandra as seen through its MBeans, called in-process on the platform MBeanServer (no remote JMX).
 *
 * <p>Every method throws {@link ApiException} 503 "starting" while the MBeans it needs are not registered
 * yet, because the agent starts before Cassandra does. Endpoints are reported as IP addresses without the
 * storage port (Cassandra's {@code *WithPort} attributes are read and the port is stripped): every node of
 * a cluster listens on the same storage port, and the operator matches nodes by pod IP.
 */
final class Cassandra {
  static final ObjectName STORAGE_SERVICE = name("org.apache.cassandra.db:type=StorageService");
  static final ObjectName SNITCH = name("org.apache.cassandra.db:type=EndpointSnitchInfo");
  /** Holds reloadSslCertificates in Cassandra 4.0..5.0 (the operation nodetool reloadssl calls), not StorageService. */
  static final ObjectName MESSAGING_SERVICE = name("org.apache.cassandra.net:type=MessagingService");
  static final ObjectName STORAGE_PROXY = name("org.apache.cassandra.db:type=StorageProxy");
  static final ObjectName HINTS = name("org.apache.cassandra.hints:type=HintsService");
  static final ObjectName READ_LATENCY = name("org.apache.cassandra.metrics:type=ClientRequest,scope=Read,name=Latency");
  static final ObjectName WRITE_LATENCY =
      name("org.apache.cassandra.metrics:type=ClientRequest,scope=Write,name=Latency");
  static final ObjectName PENDING_COMPACTIONS = name("org.apache.cassandra.metrics:type=Compaction,name=PendingTasks");
  static final ObjectName LOAD = name("org.apache.cassandra.metrics:type=Storage,name=Load");
  static final ObjectName DROPPED = name("org.apache.cassandra.metrics:type=DroppedMessage,scope=*,name=Dropped");
  static final ObjectName THREAD_POOLS = name("org.apache.cassandra.metrics:type=ThreadPools,*");
  static final ObjectName COMPACTION_MANAGER = name("org.apache.cassandra.db:type=CompactionManager");
  static final ObjectName COMPLETED_COMPACTIONS =
      name("org.apache.cassandra.metrics:type=Compaction,name=CompletedTasks");

  /** Keyspaces Cassandra owns (SchemaConstants' local and replicated system keyspaces). */
  static final Set<String> SYSTEM_KEYSPACES = Collections.unmodifiableSet(new HashSet<>(List.of(
      "system", "system_schema", "system_auth", "system_distributed", "system_traces", "system_views",
      "system_virtual_schema")));

  private volatile MBeanServer server;
  private volatile Set<ObjectName> droppedNames;
  private volatile long droppedNamesAt;

  /**
   * The platform MBeanServer, looked up on first use rather than in premain so that the agent never
   * initialises JMX before Cassandra's own start-up code does.
   */
  MBeanServer server() {
    MBeanServer s = server;
    if (s == null) {
      s = ManagementFactory.getPlatformMBeanServer();
      server = s;
    }
    return s;
  }

  /** Whether StorageService is registered: before that the node is still loading and nothing can be asked. */
  boolean started() {
    return server().isRegistered(STORAGE_SERVICE);
  }

  Object attribute(ObjectName name, String attribute) throws ApiException {
    try {
      return server().getAttribute(name, attribute);
    } catch (InstanceNotFoundException e) {
      throw ApiException.starting("starting: " + name + " is not registered yet");
    } catch (Exception e) {
      throw failure("reading " + attribute + " of " + name, e);
    }
  }

  Object invoke(ObjectName name, String operation, Object[] params, String[] signature) throws ApiException {
    try {
      return server().invoke(name, operation, params, signature);
    } catch (InstanceNotFoundException e) {
      throw ApiException.starting("starting: " + name + " is not registered yet");
    } catch (Exception e) {
      throw failure(operation, e);
    }
  }

  /**
   * Turns what Cassandra threw into an API error: IllegalArgumentException and IllegalStateException are
   * Cassandra refusing the input or the node's state (4xx), anything else is a failure of the node (500).
   */
  static ApiException failure(String what, Throwable e) {
    Throwable cause = unwrap(e);
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    if (cause instanceof IllegalArgumentException) {
      return new ApiException(400, message);
    }
    if (cause instanceof IllegalStateException || cause instanceof UnsupportedOperationException) {
      return new ApiException(409, message);
    }
    return new ApiException(500, what + " failed: " + cause.getClass().getSimpleName() + ": " + message);
  }

  /** The exception Cassandra threw, without the JMX wrappers around it. */
  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10; i++) {
      Throwable next = null;
      if (t instanceof RuntimeMBeanException) {
        next = ((RuntimeMBeanException) t).getTargetException();
      } else if (t instanceof MBeanException) {
        next = ((MBeanException) t).getTargetException();
      } else if (t instanceof ReflectionException) {
        next = ((ReflectionException) t).getTargetException();
      } else if (t instanceof RuntimeOperationsException) {
        next = ((RuntimeOperationsException) t).getTargetException();
      } else if (t instanceof java.lang.reflect.InvocationTargetException) {
        next = ((java.lang.reflect.InvocationTargetException) t).getTargetException();
      } else if (t instanceof java.util.concurrent.ExecutionException) {
        next = t.getCause();
      }
      if (next == null) {
        return t;
      }
      t = next;
    }
    return t;
  }

  // ---- node state -------------------------------------------------------------------------------

  String operationMode() throws ApiException {
    return (String) attribute(STORAGE_SERVICE, "OperationMode");
  }

  boolean nativeTransportRunning() throws ApiException {
    return (Boolean) attribute(STORAGE_SERVICE, "NativeTransportRunning");
  }

  Map<String, Object> nodeInfo() throws ApiException {
    if (!started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    String hostId = (String) attribute(STORAGE_SERVICE, "LocalHostId");
    Map<String, String> hostIdToEndpoint = stringMap(attribute(STORAGE_SERVICE, "HostIdToEndpointWithPort"));
    String self = hostId == null ? null : hostIdToEndpoint.get(hostId);
    out.put("operationMode", operationMode());
    out.put("hostId", hostId);
    out.put("endpoint", self == null ? null : host(self));
    out.put("datacenter", attribute(SNITCH, "Datacenter"));
    out.put("rack", attribute(SNITCH, "Rack"));
    out.put("releaseVersion", attribute(STORAGE_SERVICE, "ReleaseVersion"));
    out.put("nativeTransportRunning", nativeTransportRunning());
    out.put("gossipRunning", attribute(STORAGE_SERVICE, "GossipRunning"));
    out.put("tokens", sortedTokens(stringList(attribute(STORAGE_SERVICE, "Tokens"))));
    out.put("loadBytes", ((Number) attribute(LOAD, "Count")).longValue());

    List<String> live = hosts(attribute(STORAGE_SERVICE, "LiveNodesWithPort"));
    List<String> unreachable = hosts(attribute(STORAGE_SERVICE, "UnreachableNodesWithPort"));
    out.put("liveNodes", live);
    out.put("unreachableNodes", unreachable);
    out.put("joiningNodes", hosts(attribute(STORAGE_SERVICE, "JoiningNodesWithPort")));
    out.put("leavingNodes", hosts(attribute(STORAGE_SERVICE, "LeavingNodesWithPort")));
    out.put("movingNodes", hosts(attribute(STORAGE_SERVICE, "MovingNodesWithPort")));

    // Tokens as strings: 64-bit values lose precision in JSON readers that use doubles (jq, JavaScript).
    Map<String, String> withPort = stringMap(attribute(STORAGE_SERVICE, "TokenToEndpointWithPortMap"));
    Map<Long, String> sortedRing = new TreeMap<>();
    Set<String> endpointsWithPort = new TreeSet<>();
    for (Map.Entry<String, String> e : withPort.entrySet()) {
      sortedRing.put(Long.parseLong(e.getKey()), host(e.getValue()));
      endpointsWithPort.add(e.getValue());
    }
    Map<String, String> ring = new LinkedHashMap<>();
    sortedRing.forEach((token, endpoint) -> ring.put(Long.toString(token), endpoint));
    out.put("ring", ring);

    Map<String, String> hostIds = new TreeMap<>();
    for (Map.Entry<String, String> e : stringMap(attribute(STORAGE_SERVICE, "EndpointWithPortToHostId")).entrySet()) {
      hostIds.put(host(e.getKey()), e.getValue());
      endpointsWithPort.add(e.getKey());
    }
    Map<String, String> dcs = new TreeMap<>();
    Map<String, String> racks = new TreeMap<>();
    for (String endpoint : endpointsWithPort) {
      Object[] args = {endpoint};
      String[] sig = {String.class.getName()};
      dcs.put(host(endpoint), (String) invoke(SNITCH, "getDatacenter", args, sig));
      racks.put(host(endpoint), (String) invoke(SNITCH, "getRack", args, sig));
    }
    out.put("endpointDatacenters", dcs);
    out.put("endpointRacks", racks);
    out.put("hostIds", hostIds);
    out.put("maxHintWindowMs", ((Number) attribute(STORAGE_PROXY, "MaxHintWindow")).longValue());
    out.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    return out;
  }

  // ---- metrics ----------------------------------------------------------------------------------

  Map<String, Object> metrics() throws ApiException {
    if (!started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("read", latency(READ_LATENCY));
    out.put("write", latency(WRITE_LATENCY));
    out.put("pendingCompactions", ((Number) attribute(PENDING_COMPACTIONS, "Value")).longValue());
    out.put("pendingHints", pendingHintFiles());
    long dropped = 0;
    for (ObjectName name : droppedMessageMBeans()) {
      try {
        dropped += ((Number) server().getAttribute(name, "Count")).longValue();
      } catch (InstanceNotFoundException gone) {
        droppedNames = null; // re-query next time
      } catch (Exception e) {
        throw failure("reading Count of " + name, e);
      }
    }
    out.put("droppedMessages", dropped);
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    out.put("heapUsedBytes", heap.getUsed());
    out.put("heapMaxBytes", heap.getMax());
    out.put("compactionThroughputMibPerSec", compactionThroughput());
    return out;
  }

  // ---- thread pools and compactions (nodetool tpstats, compactionstats) -----------------------

  /**
   * What {@code nodetool tpstats} shows, from the ThreadPools metrics ({@code path=request|internal|transport,
   * scope=<pool>, name=ActiveTasks|PendingTasks|CompletedTasks|CurrentlyBlockedTasks|TotalBlockedTasks}): one entry
   * per pool, by name, and the dropped messages per verb. Read only; asked on demand (one pattern query, about
   * 20 ms on an idle 5.0 node), never polled.
   */
  Map<String, Object> threadPools() throws ApiException {
    if (!started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Map<String, Map<String, Object>> pools = new java.util.TreeMap<>();
    for (ObjectName name : server().queryNames(THREAD_POOLS, null)) {
      String pool = name.getKeyProperty("scope");
      String metric = name.getKeyProperty("name");
      String field = metric == null ? null : TPSTATS_FIELDS.get(metric);
      if (pool == null || field == null) {
        continue;
      }
      Long value = gaugeOrCount(name);
      if (value == null) {
        continue; // unregistered meanwhile
      }
      Map<String, Object> entry = pools.computeIfAbsent(pool, p -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", p);
        e.put("path", name.getKeyProperty("path"));
        return e;
      });
      entry.put(field, value);
    }
    Map<String, Long> dropped = new java.util.TreeMap<>();
    for (ObjectName name : droppedMessageMBeans()) {
      Long count = gaugeOrCount(name);
      if (count != null && name.getKeyProperty("scope") != null) {
        dropped.put(name.getKeyProperty("scope"), count);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pools", new ArrayList<>(pools.values()));
    out.put("droppedMessages", dropped);
    return out;
  }

  /** ThreadPools metric name -> field of {@link #threadPools}. */
  private static final Map<String, String> TPSTATS_FIELDS = Map.of("ActiveTasks", "active", "PendingTasks",
      "pending", "CompletedTasks", "completed", "CurrentlyBlockedTasks", "blocked", "TotalBlockedTasks",
      "allTimeBlocked");

  /** A gauge's Value or a counter's Count; null when the MBean is gone. */
  private Long gaugeOrCount(ObjectName name) throws ApiException {
    for (String attribute : new String[] {"Value", "Count"}) {
      try {
        Object v = server().getAttribute(name, attribute);
        return v instanceof Number ? ((Number) v).longValue() : null;
      } catch (InstanceNotFoundException gone) {
        return null;
      } catch (javax.management.AttributeNotFoundException tryCount) {
        // a counter: Count
      } catch (Exception e) {
        throw failure("reading " + attribute + " of " + name, e);
      }
    }
    return null;
  }

  /**
   * What {@code nodetool compactionstats} shows: pending and completed compaction tasks, the throughput limit, and
   * each compaction running now (CompactionManager's {@code Compactions}: keyspace, table, kind, bytes or keys done
   * of the total).
   */
  Map<String, Object> compactions() throws ApiException {
    if (!started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pendingTasks", ((Number) attribute(PENDING_COMPACTIONS, "Value")).longValue());
    out.put("completedTasks", ((Number) attribute(COMPLETED_COMPACTIONS, "Value")).longValue());
    out.put("throughputMibPerSec", compactionThroughput());
    List<Object> active = new ArrayList<>();
    Object running = attribute(COMPACTION_MANAGER, "Compactions");
    if (running instanceof Collection) {
      for (Object row : (Collection<?>) running) {
        if (!(row instanceof Map)) {
          continue;
        }
        Map<?, ?> c = (Map<?, ?>) row;
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", str(c.get("compactionId")));
        entry.put("kind", str(c.get("taskType")));
        entry.put("keyspace", str(c.get("keyspace")));
        entry.put("table", str(c.get("columnfamily")));
        entry.put("completed", number(c.get("completed")));
        entry.put("total", number(c.get("total")));
        entry.put("unit", str(c.get("unit")));
        active.add(entry);
      }
    }
    out.put("active", active);
    return out;
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static Long number(Object o) {
    if (o instanceof Number) {
      return ((Number) o).longValue();
    }
    try {
      return o == null ? null : Long.parseLong(String.valueOf(o).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The per-verb DroppedMessage MBeans. A pattern query scans every registered MBean (about 12,000 on an
   * idle 5.0 node, 20 ms measured), so the names are cached and refreshed once a minute.
   */
  private Set<ObjectName> droppedMessageMBeans() {
    long now = System.nanoTime();
    Set<ObjectName> names = droppedNames;
    if (names == null || names.isEmpty() || now - droppedNamesAt > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
      names = server().queryNames(DROPPED, null);
      droppedNames = names;
      droppedNamesAt = now;
    }
    return names;
  }

  private Map<String, Object> latency(ObjectName name) throws ApiException {
    String unit = String.valueOf(attribute(name, "DurationUnit"));
    double toMicros = microsPer(unit);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50Micros", ((Number) attribute(name, "50thPercentile")).doubleValue() * toMicros);
    out.put("p95Micros", ((Number) attribute(name, "95thPercentile")).doubleValue() * toMicros);
    out.put("p99Micros", ((Number) attribute(name, "99thPercentile")).doubleValue() * toMicros);
    out.put("count", ((Number) attribute(name, "Count")).longValue());
    return out;
  }

  static double microsPer(String durationUnit) {
    switch (durationUnit.toLowerCase(java.util.Locale.ROOT)) {
      case "nanoseconds":
        return 0.001;
      case "milliseconds":
        return 1000;
      case "seconds":
        return 1_000_000;
      default:
        return 1; // Cassandra 4.0+ reports client request latency in microseconds
    }
  }

  /** Hint files waiting for delivery, summed over peers: the unit HintsService exposes. */
  private long pendingHintFiles() throws ApiException {
    // A getter without parameters is a JMX attribute, not an operation.
    Object pending = attribute(HINTS, "PendingHints");
    long files = 0;
    if (pending instanceof Collection) {
      for (Object row : (Collection<?>) pending) {
        if (row instanceof Map) {
          Object total = ((Map<?, ?>) row).get("totalFiles");
          if (total != null) {
            try {
              files += Long.parseLong(total.toString());
            } catch (NumberFormatException ignored) {
              // a row we cannot read counts as nothing rather than failing the whole metrics call
            }
          }
        }
      }
    }
    return files;
  }

  int compactionThroughput() throws ApiException {
    return ((Number) attribute(STORAGE_SERVICE, "CompactionThroughputMbPerSec")).intValue();
  }

  void setCompactionThroughput(int mibPerSecond) throws ApiException {
    try {
      server().setAttribute(STORAGE_SERVICE, new javax.management.Attribute("CompactionThroughputMbPerSec", mibPerSecond));
    } catch (InstanceNotFoundException e) {
      throw ApiException.starting("starting: StorageService is not registered yet");
    } catch (Exception e) {
      throw failure("setting CompactionThroughputMbPerSec", e);
    }
  }

  // ---- schema -----------------------------------------------------------------------------------

  List<String> keyspaceNames() throws ApiException {
    return stringList(attribute(STORAGE_SERVICE, "Keyspaces"));
  }

  List<String> nonLocalStrategyKeyspaces() throws ApiException {
    return stringList(attribute(STORAGE_SERVICE, "NonLocalStrategyKeyspaces"));
  }

  /** Table names of a keyspace, from the per-table MBeans Cassandra registers. */
  Set<String> tableNames(String keyspace) throws ApiException {
    Set<String> tables = new TreeSet<>();
    for (ObjectName name : server().queryNames(name("org.apache.cassandra.db:type=Tables,keyspace=" + keyspace
        + ",table=*"), null)) {
      tables.add(name.getKeyProperty("table"));
    }
    return tables;
  }

  /**
   * Keyspaces with replication, tables and the smallest gc_grace_seconds.
   *
   * <p>No MBean exposes replication options or gc_grace_seconds, so this reads the schema tables with
   * Cassandra's in-process query path ({@code QueryProcessor.executeInternal}), found by reflection: the
   * agent is compiled against the JDK only. The system_schema tables have kept these columns since 3.0.
   */
  List<Map<String, Object>> keyspaces() throws ApiException {
    if (!started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Map<String, Map<String, Object>> byName = new TreeMap<>();
    for (Row row : query("SELECT keyspace_name, replication FROM system_schema.keyspaces")) {
      String name = row.string("keyspace_name");
      Map<String, String> replication = row.textMap("replication");
      Map<String, Object> ks = new LinkedHashMap<>();
      ks.put("name", name);
      ks.put("system", SYSTEM_KEYSPACES.contains(name));
      String strategy = replication.getOrDefault("class", "");
      ks.put("replicationStrategy", strategy.substring(strategy.lastIndexOf('.') + 1));
      Map<String, Object> factors = new TreeMap<>();
      for (Map.Entry<String, String> option : replication.entrySet()) {
        if (option.getKey().equals("class")) {
          continue;
        }
        Integer rf = replicationFactor(option.getValue());
        if (rf == null) {
          continue;
        }
        factors.put(option.getKey().equals("replication_factor") ? "*" : option.getKey(), rf);
      }
      ks.put("replicationFactors", factors);
      ks.put("tables", new ArrayList<String>());
      ks.put("minGcGraceSeconds", -1);
      byName.put(name, ks);
    }
    for (Row row : query("SELECT keyspace_name, table_name, gc_grace_seconds FROM system_schema.tables")) {
      Map<String, Object> ks = byName.get(row.string("keyspace_name"));
      if (ks == null) {
        continue;
      }
      @SuppressWarnings("unchecked")
      List<String> tables = (List<String>) ks.get("tables");
      tables.add(row.string("table_name"));
      int gcGrace = row.integer("gc_grace_seconds");
      int current = (Integer) ks.get("minGcGraceSeconds");
      ks.put("minGcGraceSeconds", current < 0 ? gcGrace : Math.min(current, gcGrace));
    }
    for (Map<String, Object> ks : byName.values()) {
      @SuppressWarnings("unchecked")
      List<String> tables = (List<String>) ks.get("tables");
      Collections.sort(tables);
      if ((Integer) ks.get("minGcGraceSeconds") < 0) {
        ks.put("minGcGraceSeconds", 0); // a keyspace without tables holds no tombstones
      }
    }
    return new ArrayList<>(byName.values());
  }

  /** "3" -> 3; transient replication "3/1" -> 3 (full replicas count as the factor); other options -> null. */
  static Integer replicationFactor(String value) {
    String v = value.trim();
    int slash = v.indexOf('/');
    if (slash > 0) {
      v = v.substring(0, slash);
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** One row of an internal query, read through the row's public accessors. */
  private static final class Row {
    private final Object row;

    Row(Object row) {
      this.row = row;
    }

    String string(String column) throws ApiException {
      return (String) call("getString", column);
    }

    int integer(String column) throws ApiException {
      return (Integer) call("getInt", column);
    }

    @SuppressWarnings("unchecked")
    Map<String, String> textMap(String column) throws ApiException {
      return (Map<String, String>) call("getFrozenTextMap", column);
    }

    private Object call(String method, String column) throws ApiException {
      try {
        Method m = row.getClass().getMethod(method, String.class);
        return m.invoke(row, column);
      } catch (Exception e) {
        throw failure("reading column " + column, e);
      }
    }
  }

  private List<Row> query(String cql) throws ApiException {
    try {
      Class<?> qp = Class.forName("org.apache.cassandra.cql3.QueryProcessor");
      Method execute = qp.getMethod("executeInternal", String.class, Object[].class);
      Object result = execute.invoke(null, cql, new Object[0]);
      List<Row> rows = new ArrayList<>();
      for (Object row : (Iterable<?>) result) {
        rows.add(new Row(row));
      }
      return rows;
    } catch (ClassNotFoundException e) {
      throw new ApiException(500, "not running inside Cassandra: QueryProcessor not found");
    } catch (Exception e) {
      throw failure("query " + cql, e);
    }
  }

  // ---- jobs' MBean calls -----------------------------------------------------------------------

  void addStorageServiceListener(NotificationListener listener) throws ApiException {
    try {
      server().addNotificationListener(STORAGE_SERVICE, listener, null, null);
    } catch (InstanceNotFoundException e) {
      throw ApiException.starting("starting: StorageService is not registered yet");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** "10.0.0.5:7000" -> "10.0.0.5", "[::1]:7000" -> "::1", "/10.0.0.5" -> "10.0.0.5". */
  static String host(String endpoint) {
    String e = endpoint.startsWith("/") ? endpoint.substring(1) : endpoint;
    if (e.startsWith("[")) {
      int close = e.indexOf(']');
      return close > 0 ? e.substring(1, close) : e;
    }
    int colon = e.indexOf(':');
    if (colon > 0 && colon == e.lastIndexOf(':')) {
      return e.substring(0, colon);
    }
    return e; // IPv6 without brackets carries no port
  }

  private static List<String> hosts(Object endpoints) {
    List<String> out = new ArrayList<>();
    for (String e : stringList(endpoints)) {
      out.add(host(e));
    }
    Collections.sort(out);
    return out;
  }

  private static List<String> sortedTokens(List<String> tokens) {
    List<Long> sorted = new ArrayList<>();
    for (String t : tokens) {
      sorted.add(Long.parseLong(t));
    }
    Collections.sort(sorted);
    List<String> out = new ArrayList<>();
    for (Long t : sorted) {
      out.add(Long.toString(t));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<String> stringList(Object value) {
    if (value == null) {
      return new ArrayList<>();
    }
    List<String> out = new ArrayList<>();
    for (Object o : (Collection<Object>) value) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> stringMap(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value != null) {
      for (Map.Entry<Object, Object> e : ((Map<Object, Object>) value).entrySet()) {
        out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
      }
    }
    return out;
  }

  static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException(name, e);
    }
  }
}
