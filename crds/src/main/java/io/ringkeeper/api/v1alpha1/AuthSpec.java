package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Authentication settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthSpec {
  @JsonPropertyDescription(
      "Name of a Secret in the cluster's namespace with keys username and password for the Cassandra"
          + " superuser. When empty, the operator generates <cluster>-superuser with a random password.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String superuserSecretRef;

  @JsonPropertyDescription(
      "More roles the operator creates and keeps in step: each one's password is the key password of its Secret;"
          + " changing the Secret changes the password in Cassandra without restarting any node.")
  @Size(max = 32)
  private List<RoleSpec> roles;

  public String getSuperuserSecretRef() {
    return superuserSecretRef;
  }

  public void setSuperuserSecretRef(String superuserSecretRef) {
    this.superuserSecretRef = superuserSecretRef;
  }

  public List<RoleSpec> getRoles() {
    return roles;
  }

  public void setRoles(List<RoleSpec> roles) {
    this.roles = roles;
  }
}
