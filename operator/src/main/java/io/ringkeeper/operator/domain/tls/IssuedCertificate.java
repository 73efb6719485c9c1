package io.ringkeeper.operator.domain.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A node's certificate with its key and the CA bundle, as the node's TLS Secret holds them.
 *
 * @param chain the node certificate first, then any intermediate
 * @param key its private key
 * @param bundle the CA certificates the nodes trust
 */
public record IssuedCertificate(List<X509Certificate> chain, PrivateKey key, List<X509Certificate> bundle) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
    bundle = List.copyOf(bundle);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** tls.crt: the certificate, then the chain. */
  public String certificatePem() {
    return Pem.write(chain);
  }

  /** tls.key: PKCS#8, unencrypted. */
  public String keyPem() {
    return Pem.write(key);
  }

  /** ca.crt. */
  public String bundlePem() {
    return Pem.write(bundle);
  }

  /** keystore.pem: tls.key followed by tls.crt, what Cassandra's PEMBasedSslContextFactory reads. */
  public String keystorePem() {
    return keyPem() + certificatePem();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  public Instant renewAt() {
    return Renewal.dueAt(leaf());
  }
}
