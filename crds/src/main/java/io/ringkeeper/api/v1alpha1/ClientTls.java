package io.ringkeeper.api.v1alpha1;

/** Whether CQL clients must use TLS. */
public enum ClientTls {
  /** Plain-text CQL connections are refused. */
  Required,
  /** A node accepts TLS and plain-text CQL connections on the same port (for a migration). */
  Optional
}
