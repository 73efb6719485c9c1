package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * TLS between nodes, for CQL clients and for the node agents' HTTP API. Defaults live in the operator
 * (SpecDefaults), not in the CRD, so an empty object means "the operator's defaults".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!(has(self.caSecretRef) && has(self.secretRef))",
    reason = "FieldValueInvalid",
    message = "spec.tls.caSecretRef and spec.tls.secretRef cannot both be set: give a CA to issue node certificates"
        + " from (caSecretRef) or one certificate for every node (secretRef), not both")
public class TlsSpec {
  @JsonPropertyDescription(
      "TLS for internode traffic (internode_encryption: all), CQL clients and the node agents; on when empty (the"
          + " default). Set false to run everything in plain text (not recommended outside a laptop).")
  private Boolean enabled;

  @JsonPropertyDescription(
      "Required (default): plain-text CQL connections are refused. Optional: TLS and plain text on the same port.")
  private ClientTls client;

  @JsonPropertyDescription(
      "Lifetime of the node certificates the operator issues, e.g. 2160h (90 days, the default); each is renewed"
          + " at two thirds of its lifetime. At least 10m. Not used with secretRef.")
  @Pattern(Patterns.DURATION)
  private String certificateLifetime;

  @JsonPropertyDescription(
      "Name of a Secret holding the CA the operator issues node certificates from, in the cert-manager layout"
          + " (tls.crt: the CA certificate, tls.key: its PKCS#8 key, optional ca.crt: the chain). Empty: the"
          + " operator generates <cluster>-ca.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String caSecretRef;

  @JsonPropertyDescription(
      "Name of a Secret with one certificate for every node, in the cert-manager layout (tls.crt, tls.key in"
          + " PKCS#8, ca.crt); its DNS names must cover <node>.<cluster>-nodes.<namespace>.svc (a wildcard"
          + " *.<cluster>-nodes.<namespace>.svc does). The operator does not renew it: cert-manager or you do."
          + " Cannot be set together with caSecretRef.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 253)
  private String secretRef;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public ClientTls getClient() {
    return client;
  }

  public void setClient(ClientTls client) {
    this.client = client;
  }

  public String getCertificateLifetime() {
    return certificateLifetime;
  }

  public void setCertificateLifetime(String certificateLifetime) {
    this.certificateLifetime = certificateLifetime;
  }

  public String getCaSecretRef() {
    return caSecretRef;
  }

  public void setCaSecretRef(String caSecretRef) {
    this.caSecretRef = caSecretRef;
  }

  public String getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(String secretRef) {
    this.secretRef = secretRef;
  }
}
