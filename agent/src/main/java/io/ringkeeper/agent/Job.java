package io.ringkeeper.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/** One long operation on this node. Thread-safe: the job's thread updates it while requests read it. */
final class Job {
  enum State {
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  private final String id;
  private final String kind;
  private final long startedAtMillis;
  private State state = State.RUNNING;
  private double progress = -1;
  private String message = "";
  private long finishedAtMillis;

  Job(String id, String kind, long startedAtMillis) {
    this.id = id;
    this.kind = kind;
    this.startedAtMillis = startedAtMillis;
  }

  String id() {
    return id;
  }

  String kind() {
    return kind;
  }

  synchronized State state() {
    return state;
  }

  synchronized void progress(double value, String note) {
    if (state == State.RUNNING) {
      progress = value;
      if (note != null) {
        message = note;
      }
    }
  }

  synchronized void succeed(String note) {
    if (state == State.RUNNING) {
      state = State.SUCCEEDED;
      progress = 1;
      message = note == null ? "" : note;
      finishedAtMillis = System.currentTimeMillis();
    }
  }

  synchronized void fail(String error) {
    if (state == State.RUNNING) {
      state = State.FAILED;
      message = error == null ? "failed" : error;
      finishedAtMillis = System.currentTimeMillis();
    }
  }

  synchronized Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("kind", kind);
    out.put("state", state.name());
    out.put("progress", progress);
    out.put("message", message);
    out.put("startedAtMillis", startedAtMillis);
    out.put("finishedAtMillis", finishedAtMillis);
    return out;
  }
}
