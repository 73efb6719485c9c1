package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Authentication settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthSpec {
  @JsonPropertyDescription(
      "Name of a Secret in the cluster's namespace with keys username and password for the Cassandra"
          + " superuser. When empty, the operator generates <cluster>-superuser with a random password.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String superuserSecretRef;

  public String getSuperuserSecretRef() {
    return superuserSecretRef;
  }

  public void setSuperuserSecretRef(String superuserSecretRef) {
    this.superuserSecretRef = superuserSecretRef;
  }
}
