package io.ringkeeper.operator.node;

/** A read or command whose answer has not arrived: asked again, or picked up, by a later reconcile. */
public final class NoAnswerYet extends NodeClientException {
  private static final long serialVersionUID = 1L;

  public NoAnswerYet(String node, String what) {
    super(Kind.TIMEOUT, node, "no answer yet: " + what);
  }
}
