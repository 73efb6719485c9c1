package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Who may log in, as the operator last set it on the nodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AccessStatus {
  @JsonPropertyDescription("The roles set from their Secrets, each with the Secret's version that was applied.")
  private List<AppliedRole> roles;

  @JsonPropertyDescription(
      "Cassandra's default cassandra role: disabled (cannot log in, not superuser), managed (it is one of the"
          + " operator's roles) or absent.")
  private String defaultSuperuser;

  @JsonPropertyDescription(
      "Replication factor per datacenter set on system_auth, system_distributed and system_traces"
          + " (NetworkTopologyStrategy, min(3, nodes) per datacenter).")
  private Map<String, Integer> systemReplication;

  @JsonPropertyDescription(
      "When the replication of system_auth last grew on a cluster that already had roles (RFC 3339): a repair of"
          + " system_auth follows once, so the roles written before reach the new replicas.")
  private String replicationChangedAt;

  @JsonPropertyDescription("Failed attempts in a row to set access; 0 or absent when the last one held.")
  private Integer attempts;

  @JsonPropertyDescription("When access was last tried (RFC 3339).")
  private String lastAttempt;

  @JsonPropertyDescription("What the last attempt reported.")
  private String message;

  public List<AppliedRole> getRoles() {
    return roles;
  }

  public void setRoles(List<AppliedRole> roles) {
    this.roles = roles;
  }

  public String getDefaultSuperuser() {
    return defaultSuperuser;
  }

  public void setDefaultSuperuser(String defaultSuperuser) {
    this.defaultSuperuser = defaultSuperuser;
  }

  public Map<String, Integer> getSystemReplication() {
    return systemReplication;
  }

  public void setSystemReplication(Map<String, Integer> systemReplication) {
    this.systemReplication = systemReplication;
  }

  public String getReplicationChangedAt() {
    return replicationChangedAt;
  }

  public void setReplicationChangedAt(String replicationChangedAt) {
    this.replicationChangedAt = replicationChangedAt;
  }

  public Integer getAttempts() {
    return attempts;
  }

  public void setAttempts(Integer attempts) {
    this.attempts = attempts;
  }

  public String getLastAttempt() {
    return lastAttempt;
  }

  public void setLastAttempt(String lastAttempt) {
    this.lastAttempt = lastAttempt;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  /** A role as applied: its name, its Secret and the Secret's resourceVersion then. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class AppliedRole {
    @JsonPropertyDescription("The role's name.")
    private String name;

    @JsonPropertyDescription("The Secret its password came from.")
    private String secret;

    @JsonPropertyDescription("The Secret's resourceVersion when the password was set.")
    private String secretVersion;

    @JsonPropertyDescription("Whether the role is a superuser.")
    private Boolean superuser;

    @JsonPropertyDescription("Whether the role may log in.")
    private Boolean login;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }

    public String getSecretVersion() {
      return secretVersion;
    }

    public void setSecretVersion(String secretVersion) {
      this.secretVersion = secretVersion;
    }

    public Boolean getSuperuser() {
      return superuser;
    }

    public void setSuperuser(Boolean superuser) {
      this.superuser = superuser;
    }

    public Boolean getLogin() {
      return login;
    }

    public void setLogin(Boolean login) {
      this.login = login;
    }
  }
}
