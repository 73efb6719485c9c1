package io.ringkeeper.operator.domain.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/** When a certificate is renewed: at 2/3 of its lifetime, {@code notBefore + 2/3 (notAfter - notBefore)}. */
public final class Renewal {
  private Renewal() {}

  public static Instant dueAt(X509Certificate certificate) {
    return dueAt(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
  }

  public static Instant dueAt(Instant notBefore, Instant notAfter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    return notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
  }

  public static boolean due(X509Certificate certificate, Instant now) {
    return !now.isBefore(dueAt(certificate));
  }
}
