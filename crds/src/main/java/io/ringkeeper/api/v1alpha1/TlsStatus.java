package io.ringkeeper.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The certificates of a cluster running TLS, as the operator last wrote them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsStatus {
  @JsonPropertyDescription(
      "Where the node certificates come from: the Secret of the CA the operator issues them from (its own"
          + " <cluster>-ca or spec.tls.caSecretRef), or spec.tls.secretRef copied to every node.")
  private String source;

  @JsonPropertyDescription("The earliest expiry of a node certificate (RFC 3339).")
  private String notAfter;

  @JsonPropertyDescription(
      "When the operator next renews a node certificate it issued (RFC 3339); empty with spec.tls.secretRef,"
          + " which its owner renews.")
  private String nextRenewal;

  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  public String getNotAfter() {
    return notAfter;
  }

  public void setNotAfter(String notAfter) {
    this.notAfter = notAfter;
  }

  public String getNextRenewal() {
    return nextRenewal;
  }

  public void setNextRenewal(String nextRenewal) {
    this.nextRenewal = nextRenewal;
  }
}
