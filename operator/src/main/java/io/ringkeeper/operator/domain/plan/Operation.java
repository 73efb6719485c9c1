package io.ringkeeper.operator.domain.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The disruptive operation in progress, as recorded in {@code status.operation}. The planner reads it back on
 * every reconcile, so an operator restarted at any point resumes from the last recorded step and never repeats
 * a destructive one (a decommission, a pod or volume deletion) that the record says was already asked for.
 *
 * @param kind what the operation does
 * @param datacenter the datacenter it works on
 * @param node the node the current step works on; null between two nodes of a multi-node operation
 * @param step the current step; null between two nodes
 * @param jobId the agent job of the current step once started; null before
 * @param attempts failed attempts of the current step so far
 * @param pending nodes still to visit, in order (cleanup after a join)
 * @param done nodes finished with
 * @param message the last message, e.g. the node's error of a failed job
 * @param address the address of the node being replaced (replace_address_first_boot); null otherwise
 * @param since when the current step (or its last attempt) started
 */
public record Operation(
    OperationKind kind,
    String datacenter,
    String node,
    OperationStep step,
    String jobId,
    int attempts,
    List<String> pending,
    List<String> done,
    String message,
    String address,
    Instant since) {

  public Operation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(datacenter, "datacenter");
    pending = pending == null ? List.of() : List.copyOf(pending);
    done = done == null ? List.of() : List.copyOf(done);
    since = since == null ? Instant.EPOCH : since;
  }

  /** A new operation on one node, at its first step. */
  public static Operation start(OperationKind kind, String datacenter, String node, OperationStep step,
      Instant now) {
    return new Operation(kind, datacenter, node, step, null, 0, List.of(), List.of(), null, null, now);
  }

  /** The same operation at another step of the same node (attempts and job reset). */
  public Operation at(OperationStep next, Instant now) {
    return new Operation(kind, datacenter, node, next, null, 0, pending, done, null, address, now);
  }

  /** The same step with its job started. */
  public Operation withJob(String id) {
    return new Operation(kind, datacenter, node, step, id, attempts, pending, done, message, address, since);
  }

  /** The same step failed once more: the job is forgotten, the node's message kept, and the step retried later. */
  public Operation failed(String why, Instant now) {
    return new Operation(kind, datacenter, node, step, null, attempts + 1, pending, done, why, address, now);
  }

  /** A progress note for the current step. */
  public Operation withMessage(String note) {
    return new Operation(kind, datacenter, node, step, jobId, attempts, pending, done, note, address, since);
  }

  /** The same operation moving on to another node (or to none, when {@code next} is null). */
  public Operation nodeDone(String next, OperationStep nextStep, List<String> stillPending, Instant now) {
    List<String> finished = new ArrayList<>(done);
    if (node != null && !finished.contains(node)) {
      finished.add(node);
    }
    return new Operation(kind, datacenter, next, nextStep, null, 0, stillPending, finished, null, address, now);
  }

  /** The same step, with other nodes still to visit (a Replace carries a cleanup it set aside). */
  public Operation withPending(List<String> nodes) {
    return new Operation(kind, datacenter, node, step, jobId, attempts, nodes, done, message, address, since);
  }

  public Operation withAddress(String replaceAddress) {
    return new Operation(kind, datacenter, node, step, jobId, attempts, pending, done, message, replaceAddress,
        since);
  }
}
