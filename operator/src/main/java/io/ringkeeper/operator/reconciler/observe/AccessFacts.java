package io.ringkeeper.operator.reconciler.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.ringkeeper.api.v1alpha1.AccessStatus;
import io.ringkeeper.api.v1alpha1.CassandraCluster;
import io.ringkeeper.api.v1alpha1.RoleSpec;
import io.ringkeeper.operator.domain.plan.Access;
import io.ringkeeper.operator.domain.plan.Held;
import io.ringkeeper.operator.resources.Names;
import io.ringkeeper.operator.resources.Secrets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The roles a cluster's spec asks for, read from their Secrets, and what status says was set ({@link Access}).
 * A Secret that is missing or malformed is a problem naming the Secret, the key and the fix; the superuser's is
 * needed before anything is set, another role's only holds that role back.
 */
public final class AccessFacts {
  /** Role names the agent accepts. */
  public static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}");
  public static final int MAX_PASSWORD = 512;

  private AccessFacts() {}

  /** The name of the Secret holding the superuser's credentials (the user's or the generated one). */
  public static String superuserSecret(CassandraCluster cr) {
    String ref = cr.getSpec().getAuth() == null ? null : cr.getSpec().getAuth().getSuperuserSecretRef();
    return ref == null || ref.isBlank() ? Names.superuserSecret(cr.getMetadata().getName()) : ref;
  }

  /** Whether the operator generates the superuser's Secret (spec.auth.superuserSecretRef is empty). */
  public static boolean generatesSuperuser(CassandraCluster cr) {
    String ref = cr.getSpec().getAuth() == null ? null : cr.getSpec().getAuth().getSuperuserSecretRef();
    return ref == null || ref.isBlank();
  }

  /** Every Secret the spec names for roles: the superuser's and spec.auth.roles[].secretRef. */
  public static Set<String> referencedSecrets(CassandraCluster cr) {
    Set<String> names = new LinkedHashSet<>();
    names.add(superuserSecret(cr));
    for (RoleSpec role : roles(cr)) {
      if (role.getSecretRef() != null) {
        names.add(role.getSecretRef());
      }
    }
    return names;
  }

  private static List<RoleSpec> roles(CassandraCluster cr) {
    return cr.getSpec().getAuth() == null || cr.getSpec().getAuth().getRoles() == null ? List.of()
        : cr.getSpec().getAuth().getRoles();
  }

  /**
   * @param secrets the Secrets of the cluster by name, including the user's Secrets the spec names
   */
  public static Access of(CassandraCluster cr, Map<String, Secret> secrets) {
    List<Access.Role> wanted = new ArrayList<>();
    List<Held> problems = new ArrayList<>();
    String superuserSecret = superuserSecret(cr);
    boolean generated = generatesSuperuser(cr);
    String field = generated ? "the generated superuser Secret" : "spec.auth.superuserSecretRef";
    Secret superuser = secrets.get(superuserSecret);
    if (superuser == null && generated) {
      // Created by this reconcile (the operator writes it with the shared objects): set from the next one.
    } else if (superuser == null) {
      problems.add(Held.rechecked("SecretMissing", "Secret " + superuserSecret + " (" + field + ") not found:"
          + " create it with keys username and password, or clear the field to let the operator generate one;"
          + " until then the cluster keeps its current roles"));
    } else {
      String username = read(superuser, "username", superuserSecret, field, problems);
      String password = read(superuser, "password", superuserSecret, field, problems);
      if (username != null && !ROLE.matcher(username).matches()) {
        problems.add(new Held("SecretInvalid", "Secret " + superuserSecret + " (" + field + "), key username: '"
            + printable(username) + "' is not a role name (letters, digits, _ . @ -; at most 128); change the key"));
      } else if (username != null && password != null) {
        wanted.add(new Access.Role(username, superuserSecret, superuser.getMetadata().getResourceVersion(), true,
            true));
      }
    }
    if (!wanted.isEmpty()) {
      for (int i = 0; i < roles(cr).size(); i++) {
        RoleSpec role = roles(cr).get(i);
        String where = "spec.auth.roles[" + i + "].secretRef";
        Secret secret = role.getSecretRef() == null ? null : secrets.get(role.getSecretRef());
        if (secret == null) {
          problems.add(Held.rechecked("SecretMissing", "Secret " + role.getSecretRef() + " (" + where + ", role "
              + role.getName() + ") not found: create it with key password; the other roles are set without it"));
          continue;
        }
        String password = read(secret, "password", role.getSecretRef(), where, problems);
        if (password != null) {
          wanted.add(new Access.Role(role.getName(), role.getSecretRef(), secret.getMetadata().getResourceVersion(),
              Boolean.TRUE.equals(role.getSuperuser()), !Boolean.FALSE.equals(role.getLogin())));
        }
      }
    }
    return new Access(wanted, problems, applied(cr));
  }

  private static String read(Secret secret, String key, String name, String field, List<Held> problems) {
    String value;
    try {
      value = Secrets.value(secret, key);
    } catch (IllegalArgumentException e) {
      problems.add(new Held("SecretInvalid", "Secret " + name + " (" + field + "), key " + key
          + ": not valid base64; write the value again (kubectl create secret generic ... --from-literal)"));
      return null;
    }
    if (value == null || value.isEmpty()) {
      problems.add(new Held("SecretInvalid", "Secret " + name + " (" + field + ") has no key " + key
          + " (or it is empty); add it"));
      return null;
    }
    if (key.equals("password") && (value.length() > MAX_PASSWORD || value.indexOf('\0') >= 0)) {
      problems.add(new Held("SecretInvalid", "Secret " + name + " (" + field + "), key password: at most "
          + MAX_PASSWORD + " characters and no NUL; change it"));
      return null;
    }
    return value;
  }

  private static String printable(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** What status says was last set. */
  public static Access.Applied applied(CassandraCluster cr) {
    AccessStatus status = cr.getStatus() == null ? null : cr.getStatus().getAccess();
    if (status == null) {
      return Access.Applied.NONE;
    }
    List<Access.Role> roles = new ArrayList<>();
    if (status.getRoles() != null) {
      for (AccessStatus.AppliedRole r : status.getRoles()) {
        if (r.getName() != null && r.getSecret() != null) {
          roles.add(new Access.Role(r.getName(), r.getSecret(), r.getSecretVersion(),
              Boolean.TRUE.equals(r.getSuperuser()), !Boolean.FALSE.equals(r.getLogin())));
        }
      }
    }
    Instant last = null;
    try {
      last = status.getLastAttempt() == null ? null : Instant.parse(status.getLastAttempt());
    } catch (java.time.format.DateTimeParseException e) {
      last = null; // a hand-edited time: retried now
    }
    return new Access.Applied(roles, status.getDefaultSuperuser(),
        status.getSystemReplication() == null ? Map.of() : new TreeMap<>(status.getSystemReplication()),
        status.getAttempts() == null ? 0 : Math.max(0, status.getAttempts()), last);
  }
}
