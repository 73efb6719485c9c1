/**
 * Certificates for TLS (issue #15) as pure Java on BouncyCastle: the per-cluster CA, node certificates, PEM
 * reading and writing, the checks of a user's certificate Secret and when a certificate is due for renewal. The
 * reconciler reads and writes the Secrets; nothing here knows Kubernetes.
 */
package io.ringkeeper.operator.domain.tls;
