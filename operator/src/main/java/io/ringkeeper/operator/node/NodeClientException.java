package io.ringkeeper.operator.node;

/** A call to a node's agent that did not succeed, classified so callers can map it to a node state. */
public class NodeClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the call failed. */
  public enum Kind {
    /** No connection: refused, no route, or connect timeout. The node is down or not started. */
    UNREACHABLE,
    /** Connected, but no answer within the call's timeout. The node is alive but slow or hung. */
    TIMEOUT,
    /** The agent refused the request (4xx other than 404): bad input, wrong token, conflicting job. */
    REFUSED,
    /** The agent does not know the thing asked for (404), e.g. a job id after the node restarted. */
    NOT_FOUND,
    /** The agent or Cassandra failed (5xx, or an answer that could not be read). */
    ERROR
  }

  private final Kind kind;
  private final String node;
  private final int httpStatus;

  public NodeClientException(Kind kind, String node, int httpStatus, String message, Throwable cause) {
    super(node + ": " + message, cause);
    this.kind = kind;
    this.node = node;
    this.httpStatus = httpStatus;
  }

  public NodeClientException(Kind kind, String node, String message) {
    this(kind, node, 0, message, null);
  }

  public Kind kind() {
    return kind;
  }

  public String node() {
    return node;
  }

  /** The HTTP status when the agent answered, else 0. */
  public int httpStatus() {
    return httpStatus;
  }
}
