package io.ringkeeper.operator.reconciler.status;

import io.ringkeeper.api.v1alpha1.TlsStatus;
import io.ringkeeper.operator.reconciler.observe.StatusTimes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** status.tls: where the certificates come from, the earliest expiry and the next renewal. */
public final class TlsRecords {
  private TlsRecords() {}

  /**
   * The cluster's TLS status.
   *
   * @param caSecret the Secret the certificates come from
   * @param issues whether the operator issues the node certificates from it (a CA) or copies it (spec.tls.secretRef)
   * @param notAfter each node certificate's expiry, by node (values may be null)
   * @param nextRenewal the earliest renewal, or null
   */
  public static TlsStatus of(String caSecret, boolean issues, Map<String, Instant> notAfter, Instant nextRenewal) {
    TlsStatus status = new TlsStatus();
    status.setSource(issues ? "CA in Secret " + caSecret : "Secret " + caSecret + " (spec.tls.secretRef)");
    notAfter.values().stream().filter(Objects::nonNull).min(Instant::compareTo)
        .ifPresent(at -> status.setNotAfter(StatusTimes.format(at)));
    if (nextRenewal != null) {
      status.setNextRenewal(StatusTimes.format(nextRenewal));
    }
    return status;
  }
}
