package io.ringkeeper.agent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Who may log in to the node's cluster: roles and the replication of the keyspaces that hold them, set in-process
 * ({@code POST /v1/access}, see docs/agent.md).
 *
 * <p>Roles are created and altered through Cassandra's own role manager ({@code IRoleManager}, as the system user,
 * the way Cassandra creates its default {@code cassandra} role), so they need no login: this is how the first
 * superuser comes to exist. The password is hashed by Cassandra (bcrypt) and never stored or logged by the agent.
 * The replication of {@code system_auth}, {@code system_distributed} and {@code system_traces} is changed by an
 * {@code ALTER KEYSPACE} run with the authority of the request's superuser (logged in, so Cassandra's own
 * authorization applies). Each part is idempotent: a role that already has the options is altered to the same ones,
 * a keyspace that already replicates as asked is left alone.
 *
 * <p>Request: {@code {"roles":[{"name","password","superuser","login"}], "disableDefaultSuperuser":bool,
 * "as":"<superuser role>", "replication":{"keyspaces":[...],"factors":{"dc1":3}}}}. Every field is validated
 * before anything changes (400 names the field).
 */
final class Access {
  /** Keyspaces whose replication this endpoint may set: Cassandra's replicated system keyspaces. */
  static final Set<String> REPLICATED_SYSTEM_KEYSPACES = Set.of("system_auth", "system_distributed", "system_traces");
  static final String DEFAULT_SUPERUSER = "cassandra";
  /** Role names the operator uses (Secret values): printable, no quotes, no spaces. */
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}");
  private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
  private static final int MAX_PASSWORD = 512;
  private static final int MAX_ROLES = 64;
  private static final int MAX_FACTOR = 20;

  private final Cassandra cassandra;

  Access(Cassandra cassandra) {
    this.cassandra = cassandra;
  }

  static final class Role {
    final String name;
    final String password;
    final boolean superuser;
    final boolean login;

    Role(String name, String password, boolean superuser, boolean login) {
      this.name = name;
      this.password = password;
      this.superuser = superuser;
      this.login = login;
    }
  }

  static final class Request {
    final List<Role> roles;
    final boolean disableDefault;
    final String as;
    final List<String> keyspaces;
    final Map<String, Integer> factors;

    Request(List<Role> roles, boolean disableDefault, String as, List<String> keyspaces,
        Map<String, Integer> factors) {
      this.roles = roles;
      this.disableDefault = disableDefault;
      this.as = as;
      this.keyspaces = keyspaces;
      this.factors = factors;
    }
  }

  /** Validates the whole body first: nothing is changed when any field is wrong. */
  static Request parse(Map<String, Object> body) throws ApiException {
    for (String key : body.keySet()) {
      if (!Set.of("roles", "disableDefaultSuperuser", "as", "replication").contains(key)) {
        throw ApiException.badRequest("unknown field \"" + key + "\" for access; allowed: roles,"
            + " disableDefaultSuperuser, as, replication");
      }
    }
    List<Role> roles = new ArrayList<>();
    Object rolesValue = body.get("roles");
    if (rolesValue != null) {
      if (!(rolesValue instanceof List) || ((List<?>) rolesValue).size() > MAX_ROLES) {
        throw ApiException.badRequest("\"roles\" must be a list of at most " + MAX_ROLES + " roles");
      }
      for (Object item : (List<?>) rolesValue) {
        if (!(item instanceof Map)) {
          throw ApiException.badRequest("\"roles\" must hold objects {name, password, superuser, login}");
        }
        Map<?, ?> role = (Map<?, ?>) item;
        for (Object key : role.keySet()) {
          if (!Set.of("name", "password", "superuser", "login").contains(key)) {
            throw ApiException.badRequest("unknown field \"" + key + "\" in roles[]; allowed: name, password,"
                + " superuser, login");
          }
        }
        String name = role.get("name") instanceof String ? (String) role.get("name") : null;
        if (name == null || !ROLE.matcher(name).matches()) {
          throw ApiException.badRequest("roles[].name must be a role name (letters, digits, _ . @ -; at most 128)");
        }
        String password = role.get("password") instanceof String ? (String) role.get("password") : null;
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD
            || password.chars().anyMatch(c -> c == 0)) {
          throw ApiException.badRequest("roles[" + name + "].password must be a non-empty string of at most "
              + MAX_PASSWORD + " characters");
        }
        roles.add(new Role(name, password, bool(role.get("superuser"), "roles[" + name + "].superuser", false),
            bool(role.get("login"), "roles[" + name + "].login", true)));
      }
    }
    boolean disable = bool(body.get("disableDefaultSuperuser"), "disableDefaultSuperuser", false);
    String as = null;
    if (body.get("as") != null) {
      as = body.get("as") instanceof String && ROLE.matcher((String) body.get("as")).matches()
          ? (String) body.get("as") : null;
      if (as == null) {
        throw ApiException.badRequest("\"as\" must be a role name (the superuser the schema change runs as)");
      }
    }
    List<String> keyspaces = new ArrayList<>();
    Map<String, Integer> factors = new TreeMap<>();
    Object replication = body.get("replication");
    if (replication != null) {
      if (!(replication instanceof Map)) {
        throw ApiException.badRequest("\"replication\" must be an object {keyspaces, factors}");
      }
      Map<?, ?> r = (Map<?, ?>) replication;
      for (Object key : r.keySet()) {
        if (!Set.of("keyspaces", "factors").contains(key)) {
          throw ApiException.badRequest("unknown field \"" + key + "\" in replication; allowed: keyspaces, factors");
        }
      }
      if (!(r.get("keyspaces") instanceof List) || ((List<?>) r.get("keyspaces")).isEmpty()) {
        throw ApiException.badRequest("replication.keyspaces must list keyspaces");
      }
      for (Object k : (List<?>) r.get("keyspaces")) {
        if (!(k instanceof String) || !REPLICATED_SYSTEM_KEYSPACES.contains(k)) {
          throw ApiException.badRequest("replication.keyspaces may only name " + new java.util.TreeSet<>(
              REPLICATED_SYSTEM_KEYSPACES) + ", not " + Json.write(k));
        }
        keyspaces.add((String) k);
      }
      if (!(r.get("factors") instanceof Map) || ((Map<?, ?>) r.get("factors")).isEmpty()) {
        throw ApiException.badRequest("replication.factors must map datacenters to replication factors");
      }
      for (Map.Entry<?, ?> e : ((Map<?, ?>) r.get("factors")).entrySet()) {
        if (!(e.getKey() instanceof String) || !DATACENTER.matcher((String) e.getKey()).matches()) {
          throw ApiException.badRequest("replication.factors: " + Json.write(e.getKey())
              + " is not a datacenter name");
        }
        String dc = (String) e.getKey();
        Long n = e.getValue() instanceof Long ? (Long) e.getValue() : null;
        if (n == null || n < 1 || n > MAX_FACTOR) {
          throw ApiException.badRequest("replication.factors." + dc + " must be an integer from 1 to " + MAX_FACTOR);
        }
        factors.put(dc, n.intValue());
      }
      if (as == null) {
        throw ApiException.badRequest("\"replication\" needs \"as\": the superuser the schema change runs as");
      }
    }
    return new Request(roles, disable, as, keyspaces, factors);
  }

  private static boolean bool(Object value, String field, boolean otherwise) throws ApiException {
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    throw ApiException.badRequest(field + " must be true or false");
  }

  /**
   * Applies the request. The replication comes first, so that the roles created next are written to every replica
   * (run as the request's superuser when it exists, else as Cassandra itself: that is how the first formation gets
   * its replication before any role of ours exists). Then the roles: created when missing, altered only where an
   * option differs; a password is set only when it does not already log in (Cassandra refuses a second change of
   * one role's password within 5 s). Last, the default superuser is disabled.
   */
  Map<String, Object> apply(Map<String, Object> body) throws ApiException {
    Request request = parse(body);
    if (!cassandra.started() || !"NORMAL".equals(cassandra.operationMode())) {
      throw ApiException.starting("starting: roles are set once the node is up and normal");
    }
    Reflect c = Reflect.get();
    Map<String, Object> answer = new LinkedHashMap<>();

    List<Object> keyspaces = new ArrayList<>();
    if (!request.keyspaces.isEmpty()) {
      Map<String, Map<String, Object>> current = new TreeMap<>();
      for (Map<String, Object> ks : cassandra.keyspaces()) {
        current.put((String) ks.get("name"), ks);
      }
      String as = request.as != null && c.exists(c.role(request.as)) ? request.as : null;
      for (String keyspace : request.keyspaces) {
        Map<String, Object> ks = current.get(keyspace);
        boolean same = ks != null && "NetworkTopologyStrategy".equals(ks.get("replicationStrategy"))
            && new TreeMap<>(request.factors).equals(factors(ks.get("replicationFactors")));
        if (!same) {
          StringBuilder cql = new StringBuilder("ALTER KEYSPACE ").append(keyspace)
              .append(" WITH replication = {'class': 'NetworkTopologyStrategy'");
          request.factors.forEach((dc, rf) -> cql.append(", '").append(dc).append("': '").append(rf).append('\''));
          cql.append('}');
          c.processAs(as, cql.toString());
        }
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("name", keyspace);
        k.put("changed", !same);
        keyspaces.add(k);
      }
    }

    List<Object> roles = new ArrayList<>();
    for (Role role : request.roles) {
      Object resource = c.role(role.name);
      boolean existed = c.exists(resource);
      boolean passwordChanged = false;
      if (!existed) {
        c.call(c.createRole, c.roleManager(), c.systemUser, resource,
            c.options(role.password, role.superuser, role.login));
      } else {
        boolean passwordHolds = c.passwordHolds(role.name, role.password);
        boolean flagsHold = (Boolean) c.call(c.isSuper, c.roleManager(), resource) == role.superuser
            && (Boolean) c.call(c.canLogin, c.roleManager(), resource) == role.login;
        if (!passwordHolds || !flagsHold) {
          c.call(c.alterRole, c.roleManager(), c.systemUser, resource, passwordHolds
              ? c.flags(role.superuser, role.login) : c.options(role.password, role.superuser, role.login));
          passwordChanged = !passwordHolds;
        }
      }
      c.forgetCredentials(role.name);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("name", role.name);
      r.put("created", !existed);
      r.put("passwordChanged", passwordChanged);
      roles.add(r);
    }
    answer.put("roles", roles);

    String defaultState = "absent";
    boolean defaultIsOurs = request.roles.stream().anyMatch(r -> r.name.equals(DEFAULT_SUPERUSER));
    Object cassandraRole = c.role(DEFAULT_SUPERUSER);
    if (defaultIsOurs) {
      defaultState = "managed";
    } else if (c.exists(cassandraRole)) {
      boolean open = (Boolean) c.call(c.isSuper, c.roleManager(), cassandraRole)
          || (Boolean) c.call(c.canLogin, c.roleManager(), cassandraRole);
      if (open && request.disableDefault) {
        c.call(c.alterRole, c.roleManager(), c.systemUser, cassandraRole, c.flags(false, false));
        c.forgetCredentials(DEFAULT_SUPERUSER);
        defaultState = "disabled";
      } else {
        defaultState = open ? "enabled" : "disabled";
      }
    } else if (request.disableDefault) {
      // Absent here is not absent for good: a node that has not seen our roles yet (its schema still gives
      // system_auth one replica, which holds none of them) creates cassandra/cassandra on its own, written USING
      // TIMESTAMP 0. Created now, disabled and with a password nobody knows, it is written with the current time,
      // so that late default insert can never make it a superuser that logs in again.
      c.call(c.createRole, c.roleManager(), c.systemUser, cassandraRole,
          c.options(unguessablePassword(), false, false));
      c.forgetCredentials(DEFAULT_SUPERUSER);
      defaultState = "disabled";
    }
    answer.put("defaultSuperuser", defaultState);
    answer.put("keyspaces", keyspaces);
    return answer;
  }

  private static String unguessablePassword() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Map<String, Integer> factors(Object value) {
    Map<String, Integer> result = new TreeMap<>();
    if (value instanceof Map) {
      ((Map<?, ?>) value).forEach((k, v) -> result.put(String.valueOf(k), ((Number) v).intValue()));
    }
    return result;
  }

  /** Cassandra's auth and query classes, looked up once (the agent is compiled against the JDK only). */
  static final class Reflect {
    private static volatile Reflect instance;

    final Class<?> roleManagerType;
    final Method getRoleManager;
    final Method roleOf;
    final Method createRole;
    final Method alterRole;
    final Method isExisting;
    final Method isSuper;
    final Method canLogin;
    final Class<?> optionsType;
    final Method setOption;
    @SuppressWarnings("rawtypes")
    final Class<? extends Enum> optionType;
    final Object systemUser;
    final Class<?> userType;
    final Method forInternalCalls;
    final Method login;
    final Class<?> queryStateType;
    final Class<?> clientStateType;
    final Method process;
    final Object one;
    final Method immediately;
    final Method getAuthenticator;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Reflect() throws ReflectiveOperationException {
      Class<?> dd = load("org.apache.cassandra.config.DatabaseDescriptor");
      getRoleManager = dd.getMethod("getRoleManager");
      getAuthenticator = dd.getMethod("getAuthenticator");
      roleManagerType = load("org.apache.cassandra.auth.IRoleManager");
      Class<?> resource = load("org.apache.cassandra.auth.RoleResource");
      roleOf = resource.getMethod("role", String.class);
      userType = load("org.apache.cassandra.auth.AuthenticatedUser");
      optionsType = load("org.apache.cassandra.auth.RoleOptions");
      optionType = (Class<? extends Enum>) load("org.apache.cassandra.auth.IRoleManager$Option");
      setOption = optionsType.getMethod("setOption", optionType, Object.class);
      createRole = roleManagerType.getMethod("createRole", userType, resource, optionsType);
      alterRole = roleManagerType.getMethod("alterRole", userType, resource, optionsType);
      isExisting = roleManagerType.getMethod("isExistingRole", resource);
      isSuper = roleManagerType.getMethod("isSuper", resource);
      canLogin = roleManagerType.getMethod("canLogin", resource);
      systemUser = userType.getField("SYSTEM_USER").get(null);
      clientStateType = load("org.apache.cassandra.service.ClientState");
      forInternalCalls = clientStateType.getMethod("forInternalCalls");
      login = clientStateType.getMethod("login", userType);
      queryStateType = load("org.apache.cassandra.service.QueryState");
      Class<?> cl = load("org.apache.cassandra.db.ConsistencyLevel");
      one = Enum.valueOf((Class<? extends Enum>) cl, "ONE");
      Class<?> requestTime = load("org.apache.cassandra.transport.Dispatcher$RequestTime");
      immediately = requestTime.getMethod("forImmediateExecution");
      process = load("org.apache.cassandra.cql3.QueryProcessor").getMethod("process", String.class, cl,
          queryStateType, requestTime);
    }

    static Reflect get() throws ApiException {
      Reflect r = instance;
      if (r == null) {
        try {
          r = new Reflect();
        } catch (ReflectiveOperationException | LinkageError e) {
          throw new ApiException(500, "this Cassandra has no role manager the agent knows: " + e);
        }
        instance = r;
      }
      return r;
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
      return Class.forName(name, true, Access.class.getClassLoader());
    }

    Object roleManager() throws ApiException {
      return call(getRoleManager, null);
    }

    Object role(String name) throws ApiException {
      return call(roleOf, null, name);
    }

    boolean exists(Object resource) throws ApiException {
      return (Boolean) call(isExisting, roleManager(), resource);
    }

    @SuppressWarnings("unchecked")
    Object options(String password, boolean superuser, boolean login) throws ApiException {
      Object options = flags(superuser, login);
      call(setOption, options, Enum.valueOf(optionType, "PASSWORD"), password);
      return options;
    }

    @SuppressWarnings("unchecked")
    Object flags(boolean superuser, boolean login) throws ApiException {
      try {
        Object options = optionsType.getConstructor().newInstance();
        call(setOption, options, Enum.valueOf(optionType, "SUPERUSER"), superuser);
        call(setOption, options, Enum.valueOf(optionType, "LOGIN"), login);
        return options;
      } catch (ReflectiveOperationException e) {
        throw new ApiException(500, "RoleOptions: " + e);
      }
    }

    /** Whether the password logs the role in now (Cassandra's own check of the stored bcrypt hash). */
    boolean passwordHolds(String role, String password) {
      try {
        Object authenticator = getAuthenticator.invoke(null);
        authenticator.getClass().getMethod("legacyAuthenticate", Map.class)
            .invoke(authenticator, Map.of("username", role, "password", password));
        return true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return false; // refused (or unknown): set it
      }
    }

    /** Drops the role's cached credentials, so a changed password holds at once on this node. */
    void forgetCredentials(String role) {
      try {
        Object authenticator = getAuthenticator.invoke(null);
        Object cache = authenticator.getClass().getMethod("getCredentialsCache").invoke(authenticator);
        cache.getClass().getMethod("invalidateCredentials", String.class).invoke(cache, role);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // another authenticator, or no cache: its entries expire by themselves (credentials_validity)
      }
    }

    /**
     * Runs a CQL statement logged in as {@code role} (which must exist and be able to log in), or as Cassandra
     * itself (an internal client state) when {@code role} is null.
     */
    void processAs(String role, String cql) throws ApiException {
      try {
        Object state = forInternalCalls.invoke(null);
        if (role != null) {
          login.invoke(state, userType.getConstructor(String.class).newInstance(role));
        }
        Object queryState = queryStateType.getConstructor(clientStateType).newInstance(state);
        process.invoke(null, cql, one, queryState, immediately.invoke(null));
      } catch (InvocationTargetException e) {
        throw Cassandra.failure(cql, e.getTargetException());
      } catch (ReflectiveOperationException e) {
        throw new ApiException(500, cql + ": " + e);
      }
    }

    Object call(Method method, Object target, Object... args) throws ApiException {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw Cassandra.failure(method.getName(), e.getTargetException());
      } catch (ReflectiveOperationException e) {
        throw new ApiException(500, method.getName() + ": " + e);
      }
    }
  }
}
