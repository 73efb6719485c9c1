package io.ringkeeper.operator.node;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs at most {@code limit} asynchronous tasks at a time; the others wait in arrival order. No thread
 * blocks: a waiting task starts on the thread that completed the previous one. A waiting task whose caller
 * already gave up (its future completed, e.g. by a timeout) is skipped instead of started.
 */
final class AsyncLimiter {
  private final int limit;
  private final Queue<Waiting<?>> waiting = new ArrayDeque<>();
  private int running;

  private record Waiting<T>(CompletableFuture<T> result, Supplier<CompletableFuture<T>> task) {}

  AsyncLimiter(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the concurrency limit must be at least 1, not " + limit);
    }
    this.limit = limit;
  }

  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
    Waiting<T> entry = new Waiting<>(new CompletableFuture<>(), task);
    boolean now;
    synchronized (this) {
      now = running < limit;
      if (now) {
        running++;
      } else {
        waiting.add(entry);
      }
    }
    if (now) {
      start(entry);
    }
    return entry.result();
  }

  private <T> void start(Waiting<T> entry) {
    CompletableFuture<T> started;
    try {
      started = entry.task().get();
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete((value, failure) -> {
      release();
      if (failure != null) {
        entry.result().completeExceptionally(failure);
      } else {
        entry.result().complete(value);
      }
    });
  }

  /** Passes the finished task's slot to the next waiting task that is still wanted, or frees it. */
  private void release() {
    while (true) {
      Waiting<?> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          running--;
          return;
        }
      }
      if (!next.result().isDone()) {
        start(next);
        return;
      }
    }
  }

  synchronized int running() {
    return running;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
