package io.ringkeeper.operator.domain.tls;

/** A certificate or key that cannot be used; the message says what is wrong and how to fix it. */
public final class TlsException extends Exception {
  private static final long serialVersionUID = 1L;

  public TlsException(String message) {
    super(message);
  }
}
