package io.ringkeeper.agent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * This node's gossip view of its peers, for one thing Cassandra's MBeans do not show: a peer left in status
 * {@code hibernate} by a replacement at the same address that failed.
 *
 * <p>A replacement at the address of the node it replaces announces itself as hibernating, a dead state. Its peers
 * never start a gossip round with a node in a dead state, and the replacement learns of them only from such a
 * round: if its first attempt fails, every later start finds no seed ("Unable to contact any seeds") and the node
 * crash-loops for good (CASSANDRA-19580, open for 5.0; seen here in ChaosE2E). Cassandra's own fix announces a
 * shutdown when the replacement fails; {@link #endHibernation} does on a peer what that announcement would: the
 * peer marks the replacement shut down (not a dead state, its tokens kept, as after any clean shutdown), so the
 * next start is gossiped with again.
 */
final class Gossip {
  static final String HIBERNATE = "hibernate";
  static final String SHUTDOWN = "shutdown";
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  /** How long a hibernating peer's heartbeat is watched before it is taken for stopped. */
  static final long WATCH_MILLIS = 6000;

  private final Cassandra cassandra;
  private final long watchMillis;
  private volatile Reflect reflect;

  Gossip(Cassandra cassandra) {
    this(cassandra, WATCH_MILLIS);
  }

  Gossip(Cassandra cassandra, long watchMillis) {
    this.cassandra = cassandra;
    this.watchMillis = watchMillis;
  }

  /** Addresses of the peers this node's gossip holds in status hibernate, sorted; empty while starting. */
  List<String> hibernating() {
    List<String> out = new ArrayList<>();
    try {
      Reflect r = reflect();
      for (Object endpoint : r.endpoints()) {
        if (HIBERNATE.equals(r.status(endpoint))) {
          out.add(address(endpoint));
        }
      }
    } catch (ApiException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  /**
   * {@code POST /v1/gossip/end-hibernation {"endpoint": "10.0.0.7"}}: marks a peer that hibernates in this node's
   * view, and whose heartbeat does not move for {@link #WATCH_MILLIS}, as shut down.
   */
  Map<String, Object> endHibernation(Map<String, Object> body) throws ApiException {
    String wanted = parseEndpoint(body);
    if (!cassandra.started()) {
      throw ApiException.starting("starting: Cassandra has not registered StorageService yet");
    }
    Reflect r = reflect();
    Object endpoint = null;
    for (Object e : r.endpoints()) {
      if (address(e).equals(wanted)) {
        endpoint = e;
      }
    }
    if (endpoint == null) {
      throw ApiException.notFound("no peer " + wanted + " in this node's gossip");
    }
    if (r.isSelf(endpoint)) {
      throw ApiException.conflict(wanted + " is this node; ask one of its peers");
    }
    String status = r.status(endpoint);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("endpoint", wanted);
    if (SHUTDOWN.equals(status)) {
      answer.put("status", SHUTDOWN);
      answer.put("changed", false);
      return answer;
    }
    if (!HIBERNATE.equals(status)) {
      throw ApiException.conflict("peer " + wanted + " is " + (status.isEmpty() ? "without a status" : status)
          + " here; only a peer left hibernating by a failed replacement is marked shut down");
    }
    // The caller found the replacement's process gone; its heartbeat must agree. A running replacement's
    // heartbeat advances every second (it reaches this node with its own gossip rounds).
    long before = r.heartbeat(endpoint);
    long deadline = System.nanoTime() + watchMillis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "interrupted while watching the heartbeat of " + wanted);
      }
      String now = r.status(endpoint);
      if (SHUTDOWN.equals(now)) {
        // Marked by another peer meanwhile, and gossiped here (with the highest version: its heartbeat moved).
        answer.put("status", SHUTDOWN);
        answer.put("changed", false);
        return answer;
      }
      if (!HIBERNATE.equals(now)) {
        throw ApiException.conflict("peer " + wanted + " is " + (now.isEmpty() ? "without a status" : now)
            + " here now; only a peer left hibernating by a failed replacement is marked shut down");
      }
      if (r.heartbeat(endpoint) != before && !SHUTDOWN.equals(r.status(endpoint))) {
        throw ApiException.conflict("peer " + wanted + " hibernates but its heartbeat is advancing: its"
            + " replacement is running; it is never marked shut down while it runs");
      }
    }
    r.markShutdown(endpoint);
    String now = r.status(endpoint);
    answer.put("status", now);
    answer.put("changed", SHUTDOWN.equals(now));
    return answer;
  }

  /** The peer's address the request names, normalized; every field is checked before anything changes. */
  static String parseEndpoint(Map<String, Object> body) throws ApiException {
    for (String key : body.keySet()) {
      if (!key.equals("endpoint")) {
        throw ApiException.badRequest("unknown field \"" + key + "\"; the body is {\"endpoint\": \"<IP address>\"}");
      }
    }
    Object value = body.get("endpoint");
    if (!(value instanceof String) || !literalAddress((String) value)) {
      throw ApiException.badRequest("endpoint must be the peer's IP address (as in /v1/node unreachableNodes),"
          + " not " + (value == null ? "missing" : "\"" + value + "\""));
    }
    return normalized((String) value);
  }

  static boolean literalAddress(String value) {
    if (value.length() > 45) {
      return false;
    }
    java.util.regex.Matcher m = IPV4.matcher(value);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    return value.indexOf(':') >= 0 && IPV6.matcher(value).matches();
  }

  /** A literal address as InetAddress prints it (never a DNS lookup: the value is checked literal first). */
  private static String normalized(String literal) throws ApiException {
    try {
      return InetAddress.getByName(literal).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw ApiException.badRequest("endpoint \"" + literal + "\" is not an IP address");
    }
  }

  private static String address(Object endpoint) {
    return ((InetSocketAddress) endpoint).getAddress().getHostAddress();
  }

  private Reflect reflect() throws ApiException {
    Reflect r = reflect;
    if (r == null) {
      try {
        r = new Reflect();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new ApiException(500, "this Cassandra has no gossiper the agent knows: " + e);
      }
      reflect = r;
    }
    return r;
  }

  /** Cassandra's Gossiper, reached in-process (it has no MBean for a peer's status). */
  private static final class Reflect {
    final Object gossiper;
    final Method getEndpoints;
    final Method stateOf;
    final Method gossipStatus;
    final Method heartBeatState;
    final Method heartBeatVersion;
    final Method generation;
    final Method markAsShutdown;
    final Method inGossipStage;
    final Method broadcastAddress;

    Reflect() throws ReflectiveOperationException {
      Class<?> type = load("org.apache.cassandra.gms.Gossiper");
      Class<?> endpointType = load("org.apache.cassandra.locator.InetAddressAndPort");
      Class<?> stateType = load("org.apache.cassandra.gms.EndpointState");
      gossiper = type.getField("instance").get(null);
      getEndpoints = type.getMethod("getEndpoints");
      stateOf = type.getMethod("getEndpointStateForEndpoint", endpointType);
      gossipStatus = type.getMethod("getGossipStatus", stateType);
      heartBeatState = stateType.getMethod("getHeartBeatState");
      Class<?> heartBeatType = heartBeatState.getReturnType();
      heartBeatVersion = heartBeatType.getMethod("getHeartBeatVersion");
      generation = heartBeatType.getMethod("getGeneration");
      // What GossipShutdownVerbHandler calls when a peer announces its shutdown; it must run in the gossip stage.
      markAsShutdown = type.getDeclaredMethod("markAsShutdown", endpointType);
      markAsShutdown.setAccessible(true);
      inGossipStage = type.getMethod("runInGossipStageBlocking", Runnable.class);
      broadcastAddress = load("org.apache.cassandra.utils.FBUtilities").getMethod("getBroadcastAddressAndPort");
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
      return Class.forName(name, true, Gossip.class.getClassLoader());
    }

    Collection<?> endpoints() throws ApiException {
      return (Collection<?>) call(getEndpoints, gossiper);
    }

    /** The peer's gossip status ("NORMAL", "hibernate", "shutdown", ...), "" when it has none. */
    String status(Object endpoint) throws ApiException {
      Object state = call(stateOf, gossiper, endpoint);
      return state == null ? "" : (String) call(gossipStatus, null, state);
    }

    /** Generation and heartbeat version together: either moves while the peer runs. */
    long heartbeat(Object endpoint) throws ApiException {
      Object state = call(stateOf, gossiper, endpoint);
      if (state == null) {
        return -1;
      }
      Object beat = call(heartBeatState, state);
      return ((long) (Integer) call(generation, beat) << 32) | ((Integer) call(heartBeatVersion, beat) & 0xffffffffL);
    }

    boolean isSelf(Object endpoint) throws ApiException {
      return endpoint.equals(call(broadcastAddress, null));
    }

    void markShutdown(Object endpoint) throws ApiException {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Runnable mark = () -> {
        try {
          markAsShutdown.invoke(gossiper, endpoint);
        } catch (InvocationTargetException e) {
          failure.set(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
          failure.set(e);
        }
      };
      call(inGossipStage, null, mark);
      if (failure.get() != null) {
        throw new ApiException(500, "marking the peer shut down failed: " + failure.get());
      }
    }

    private static Object call(Method method, Object target, Object... args) throws ApiException {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw new ApiException(500, method.getName() + " failed: " + e.getCause());
      } catch (IllegalAccessException | RuntimeException e) {
        throw new ApiException(500, method.getName() + " failed: " + e);
      }
    }
  }
}
