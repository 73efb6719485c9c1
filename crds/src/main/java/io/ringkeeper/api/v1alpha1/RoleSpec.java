package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Cassandra role the operator creates and keeps in step with its Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleSpec {
  @JsonPropertyDescription("The role's name in Cassandra (letters, digits, _ . @ -).")
  @Required
  @Pattern("^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}$")
  private String name;

  @JsonPropertyDescription("Name of a Secret in the cluster's namespace whose key password is the role's password.")
  @Required
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String secretRef;

  @JsonPropertyDescription("Whether the role is a superuser. Default false.")
  private Boolean superuser;

  @JsonPropertyDescription("Whether the role may log in. Default true.")
  private Boolean login;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(String secretRef) {
    this.secretRef = secretRef;
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
