package io.ringkeeper.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A JSON patch guarded by {@link JsonPatches#guarded} that a real API server refuses because the object moved on
 * comes back as 422 Unprocessable Entity with a generic message (its failed {@code test} operation), not as the
 * 409 Conflict of a stale update. Both mean the same to the operator: retry from the newer version, quietly.
 */
public final class StaleWrites {
  private StaleWrites() {}

  /**
   * The exception as a 409 when the refused patch was guarded by {@code guardedVersion} and the object has moved
   * on since (read once, only on a 422 without field causes); otherwise unchanged.
   */
  public static KubernetesClientException asConflict(KubernetesClientException e, String guardedVersion,
      Supplier<String> currentVersion) {
    boolean generic422 = e.getCode() == 422 && (e.getStatus() == null || e.getStatus().getDetails() == null
        || e.getStatus().getDetails().getCauses() == null || e.getStatus().getDetails().getCauses().isEmpty());
    if (!generic422 || guardedVersion == null) {
      return e;
    }
    String now;
    try {
      now = currentVersion.get();
    } catch (KubernetesClientException readFailed) {
      return e;
    }
    if (Objects.equals(now, guardedVersion)) {
      return e;
    }
    return new KubernetesClientException("the object changed since it was read (resourceVersion " + guardedVersion
        + ", now " + now + "): " + e.getMessage(), HttpURLConnection.HTTP_CONFLICT, e.getStatus());
  }
}
