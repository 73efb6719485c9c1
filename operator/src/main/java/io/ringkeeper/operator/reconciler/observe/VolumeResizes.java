package io.ringkeeper.operator.reconciler.observe;

import io.ringkeeper.operator.reconciler.observe.OperationFacts;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ringkeeper.operator.domain.plan.VolumeResize;
import io.ringkeeper.operator.resources.Labels;
import io.ringkeeper.operator.resources.SpecDefaults;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A volume's growth to spec.storage.size as the planner sees it: still expanding (its request is right, the
 * capacity it reports is not yet), or refused by the API server. A refusal is recorded on the PVC itself
 * ({@link Labels#RESIZE_FAILED} and the keys beside it; the API server accepts a metadata patch of a claim whose
 * resize it refuses), so the delay before the next attempt survives an operator restart.
 */
public final class VolumeResizes {
  /** Every annotation of a refusal record. */
  public static final List<String> KEYS = List.of(Labels.RESIZE_FAILED, Labels.RESIZE_FAILED_AT,
      Labels.RESIZE_ATTEMPTS, Labels.RESIZE_MESSAGE);
  private static final int MAX_MESSAGE = 1000;

  private VolumeResizes() {}

  /**
   * The refusal recorded on the claim for the wanted size, or null: none, one for another size (the spec changed
   * since), or one that cannot be read (then the volume is simply tried again).
   */
  public static VolumeResize.Refused refused(PersistentVolumeClaim claim, long wantedBytes) {
    Map<String, String> annotations = claim.getMetadata().getAnnotations();
    String size = annotations == null ? null : annotations.get(Labels.RESIZE_FAILED);
    if (size == null || !sameSize(size, wantedBytes)) {
      return null;
    }
    try {
      Instant at = Instant.parse(annotations.getOrDefault(Labels.RESIZE_FAILED_AT, ""));
      int attempts = Integer.parseInt(annotations.getOrDefault(Labels.RESIZE_ATTEMPTS, ""));
      Quantity current = requestedQuantity(claim);
      return attempts < 1 ? null : new VolumeResize.Refused(size, current == null ? null : current.toString(), at,
          attempts, annotations.getOrDefault(Labels.RESIZE_MESSAGE, "(no message)"));
    } catch (DateTimeParseException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * Whether the claim carries a refusal record that no longer applies: it is for another size than the spec asks
   * for now, or the claim already asks for that size (grown some other way).
   */
  public static boolean stale(PersistentVolumeClaim claim, Optional<Long> wantedBytes) {
    Map<String, String> annotations = claim.getMetadata().getAnnotations();
    String size = annotations == null ? null : annotations.get(Labels.RESIZE_FAILED);
    if (size == null || wantedBytes.isEmpty()) {
      return false;
    }
    return !sameSize(size, wantedBytes.get())
        || OperationFacts.requested(claim).map(r -> r >= wantedBytes.get()).orElse(false);
  }

  /** Whether the claim carries any annotation of a refusal record. */
  public static boolean recorded(PersistentVolumeClaim claim) {
    Map<String, String> annotations = claim.getMetadata().getAnnotations();
    return annotations != null && KEYS.stream().anyMatch(annotations::containsKey);
  }

  /** The annotations recording a refused attempt to grow to {@code size}. */
  public static Map<String, String> record(String size, Instant at, int attempts, String message) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.RESIZE_FAILED, size);
    annotations.put(Labels.RESIZE_FAILED_AT, at.toString());
    annotations.put(Labels.RESIZE_ATTEMPTS, Integer.toString(attempts));
    annotations.put(Labels.RESIZE_MESSAGE, message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE)
        + "..." : message);
    return annotations;
  }

  /** The API server's own message of a refusal (the client's adds the request line and the whole status). */
  public static String message(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null && !e.getStatus().getMessage().isBlank()) {
      return e.getStatus().getMessage();
    }
    return String.valueOf(e.getMessage());
  }

  /**
   * The claim's growth while its request is at least the wanted size and the capacity it reports is below it;
   * null otherwise, also when it reports no capacity (not bound yet, or a provisioner that does not say).
   */
  public static VolumeResize.Growing growing(PersistentVolumeClaim claim, long wantedBytes, String wanted) {
    if (!OperationFacts.requested(claim).map(r -> r >= wantedBytes).orElse(false)) {
      return null;
    }
    Quantity capacity = claim.getStatus() == null || claim.getStatus().getCapacity() == null ? null
        : claim.getStatus().getCapacity().get("storage");
    return capacity == null || SpecDefaults.bytes(capacity) >= wantedBytes ? null
        : new VolumeResize.Growing(capacity.toString(), wanted);
  }

  private static boolean sameSize(String size, long bytes) {
    try {
      return SpecDefaults.bytes(new Quantity(size)) == bytes;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The claim's storage request, or null. */
  static Quantity requestedQuantity(PersistentVolumeClaim claim) {
    return claim.getSpec() == null || claim.getSpec().getResources() == null
        || claim.getSpec().getResources().getRequests() == null
        ? null : claim.getSpec().getResources().getRequests().get("storage");
  }
}
