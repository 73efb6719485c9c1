package io.ringkeeper.operator.maintenance;

import io.ringkeeper.operator.node.NodeClientException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for an agent call for at most the agent timeout. Maintenance talks to a handful of nodes per reconcile
 * (the coordinators of running segments, the node of a running task), each call bounded by this timeout, so a slow
 * node delays a reconcile by at most that long and the step is simply retried at the next one.
 */
final class NodeCalls {
  private NodeCalls() {}

  /**
   * @throws NodeClientException the call's own failure, or TIMEOUT/ERROR when it did not complete in time
   */
  static <T> T await(String node, CompletableFuture<T> call, Duration timeout) {
    try {
      return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(false);
      throw new NodeClientException(NodeClientException.Kind.TIMEOUT, node, "no answer within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeClientException(NodeClientException.Kind.ERROR, node, "interrupted");
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof NodeClientException nce) {
        throw nce;
      }
      throw new NodeClientException(NodeClientException.Kind.ERROR, node, 0, String.valueOf(cause.getMessage()),
          cause);
    }
  }
}
