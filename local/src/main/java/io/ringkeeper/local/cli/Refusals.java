package io.ringkeeper.local.cli;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/** An API refusal printed as kubectl prints it: the kind and name, then one line per field and its reason. */
final class Refusals {
  private Refusals() {}

  static String render(KubernetesClientException e) {
    Status status = e.getStatus();
    if (status == null) {
      return "error: " + e.getMessage();
    }
    List<StatusCause> causes = status.getDetails() == null || status.getDetails().getCauses() == null ? List.of()
        : status.getDetails().getCauses();
    StringBuilder out = new StringBuilder();
    if ("Invalid".equals(status.getReason()) && !causes.isEmpty()) {
      out.append("The ").append(status.getDetails().getKind()).append(" \"").append(status.getDetails().getName())
          .append("\" is invalid:");
      for (StatusCause cause : causes) {
        out.append("\n* ").append(cause.getField()).append(": ").append(cause.getMessage());
      }
    } else {
      out.append("Error from server (").append(status.getReason()).append("): ").append(status.getMessage());
    }
    return out.append("\nnothing was changed: fix the manifest and apply it again").toString();
  }
}
